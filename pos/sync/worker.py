"""The sync worker (``pos sync run``; ``pos serve`` starts one beside the print worker on a
branch): pull the catalog every SYNC_PULL_INTERVAL, push while anything waits, then sleep
SYNC_INTERVAL or until someone presses 지금 동기화. A failure backs off exponentially with
jitter, never longer than SYNC_MAX_BACKOFF (≤ 5 minutes, DESIGN §5).

Everything it knows is in the database (the outbox and the sync_state row), so a restart
resumes where it stopped. Each cycle also brings the branch's own report rollups up to date
(``pos.central.local.catch_up``), which is why the worker runs even without CENTRAL_URL."""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from datetime import timedelta

from flask import current_app

from pos.db import db, read_only_transaction, utcnow
from pos.ops.logs import log_job

from . import state
from .client import Client, PushResult, SyncError

log = logging.getLogger("pos.sync")

#: seconds between looks at wake_requested while idle or backing off
WAKE_POLL = 1.0


def backoff_seconds(failures: int, cap: float, rng: random.Random | None = None) -> float:
    """min(cap, 2·2^(n-1)) × uniform(0.5, 1): spreads the retries of many branches after an
    outage of central, and never waits past ``cap``."""
    rng = rng or random
    base = min(cap, 2.0 * 2 ** max(0, min(failures - 1, 30)))
    return base * rng.uniform(0.5, 1.0)


def record_failure(err: SyncError) -> float:
    """Count the failure and set the next try; returns the delay in seconds."""
    with read_only_transaction():
        row = state.peek()
        failures = (row.failures if row else 0) + 1
    delay = backoff_seconds(failures, current_app.config["SYNC_MAX_BACKOFF"])
    now = utcnow()
    state.update(
        failures=failures,
        last_error=err.message[:300],
        last_error_at=now,
        last_attempt_at=now,
        next_try_at=now + timedelta(seconds=delay),
    )
    log.warning(
        "sync failed (%s, %s in a row): %s; next try in %.0fs",
        err.kind,
        failures,
        err.message,
        delay,
    )
    return delay


def record_success() -> None:
    with read_only_transaction():
        row = state.peek()
        clean = row is not None and not row.failures and row.next_try_at is None
    if not clean:
        state.update(failures=0, next_try_at=None)


def push_all(client: Client, stop: threading.Event | None = None, limit: int = 10_000) -> dict:
    """Push batches until nothing waits (or ``stop``); raises SyncError on a failure.
    Returns totals: sent, acked, rejected, left."""
    totals = {"sent": 0, "acked": 0, "rejected": 0, "left": 0, "reasons": []}
    gaps = 0
    for _ in range(limit):
        result: PushResult = client.push_batch()
        totals["sent"] += result.acked + result.rejected
        totals["acked"] += result.acked
        totals["rejected"] += result.rejected
        totals["reasons"] += result.reasons
        totals["left"] = result.left
        if result.gap:
            gaps += 1
            if gaps > 3:
                raise SyncError("stuck", "중앙과 이 매장의 이벤트 순서가 맞지 않습니다")
            continue
        gaps = 0
        if result.left == 0 or result.sent == 0 or (stop is not None and stop.is_set()):
            break
    return totals


def catch_up() -> None:
    """The branch's own report rollups (helper module; absent until it exists)."""
    try:
        from pos.central import local
    except ModuleNotFoundError as exc:
        if exc.name != "pos.central.local":
            raise
        return
    try:
        local.catch_up()
    except Exception:  # noqa: BLE001 - reports catch up next cycle; sync goes on
        db.session.rollback()
        log.exception("local report catch-up failed")


class Worker:
    """The loop; ``stop`` ends it after the current step."""

    def __init__(self, app, stop: threading.Event | None = None, alive=lambda: True):
        self.app = app
        self.stop = stop or threading.Event()
        #: checked every round: False ends the worker (``pos serve`` is gone)
        self.alive = alive
        self.next_pull = 0.0

    def running(self) -> bool:
        return not self.stop.is_set() and self.alive()

    def run(self) -> None:
        while self.running():
            with self.app.app_context():
                pause = self.cycle()
                self.sleep(pause)
                db.session.remove()

    def cycle(self) -> float:
        """One round; returns how long to sleep before the next."""
        cfg = current_app.config
        catch_up()
        if not state.enabled():
            return cfg["SYNC_INTERVAL"]
        with read_only_transaction():
            row = state.peek()
            wake = bool(row and row.wake_requested)
            due_at = row.next_try_at if row else None
        if wake:
            state.update(wake_requested=False)
        elif due_at is not None and utcnow() < due_at:
            return min(cfg["SYNC_INTERVAL"], (due_at - utcnow()).total_seconds())
        client = Client.from_config()
        try:
            now = time.monotonic()
            pull_error = None
            if wake or now >= self.next_pull:
                try:
                    client.pull()
                    self.next_pull = now + cfg["SYNC_PULL_INTERVAL"]
                except SyncError as err:
                    if err.kind in ("unreachable", "auth", "server"):
                        raise
                    # a catalog that does not apply must not keep the sales from central
                    pull_error = err
            started = time.monotonic()
            totals = push_all(client, self.stop)
            if totals["sent"] or totals["rejected"]:
                log_job(
                    "sync",
                    sent=totals["sent"],
                    acked=totals["acked"],
                    rejected=totals["rejected"],
                    left=totals["left"],
                    ms=round((time.monotonic() - started) * 1000),
                )
            if pull_error is not None:
                raise pull_error
        except SyncError as err:
            db.session.rollback()
            log_job("sync", outcome="failed", reason=err.kind)
            return record_failure(err)
        except Exception:  # noqa: BLE001 - an unexpected answer must not end the worker
            db.session.rollback()
            log.exception("sync cycle failed")
            return record_failure(SyncError("server", "동기화 중 알 수 없는 오류가 났습니다"))
        finally:
            client.close()
        record_success()
        return cfg["SYNC_INTERVAL"]

    def sleep(self, seconds: float) -> None:
        """Sleep, looking every second whether 지금 동기화 was pressed or we must stop."""
        deadline = time.monotonic() + max(0.0, seconds)
        while self.running():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.stop.wait(min(WAKE_POLL, left)):
                return
            with read_only_transaction():
                row = state.peek()
                if row is not None and row.wake_requested:
                    return


def run_forever(app=None, parent: int | None = None) -> int:
    """``pos sync run``: the worker until SIGTERM or SIGINT (the current step is finished),
    or until the ``pos serve`` that started it is gone. Exit code 0."""
    import os

    app = app or current_app._get_current_object()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    alive = (lambda: os.getppid() == parent) if parent else (lambda: True)
    log.info("sync worker started")
    Worker(app, stop, alive).run()
    log.info("sync worker stopped")
    return 0

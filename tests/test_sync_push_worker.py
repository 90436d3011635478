"""The sync worker against a real central: it backs off while central is down and catches up
by itself when central is back; a sale never waits for a push in flight."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

from support import ApiClient
from sync_push_helpers import (  # noqa: F401  (fixtures central, branch_factory)
    branch_factory_fixture,
    central_fixture,
    outbox,
    sell,
    waiting,
)

from pos.sync import state
from pos.sync.client import Client
from pos.sync.worker import Worker, backoff_seconds, push_all


def _until(check, seconds: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _state(app) -> dict:
    with app.app_context():
        return state.status()


class Running:
    """The worker in a thread of this process, stopped like SIGTERM stops `pos sync run`."""

    def __init__(self, app) -> None:
        self.stop = threading.Event()
        self.worker = Worker(app, self.stop)
        self.thread = threading.Thread(target=self.worker.run, daemon=True)
        self.thread.start()

    def end(self) -> None:
        self.stop.set()
        self.thread.join(15)
        assert not self.thread.is_alive()


def test_backoff_grows_with_jitter_and_never_passes_the_cap():
    rng = random.Random(8)
    for n in range(1, 40):
        for _ in range(20):
            delay = backoff_seconds(n, 300.0, rng)
            base = min(300.0, 2.0 * 2 ** (n - 1))
            assert base * 0.5 <= delay <= base <= 300.0
    assert backoff_seconds(1, 300.0, rng) <= 2.0
    assert backoff_seconds(30, 300.0, rng) >= 150.0


def test_central_down_backs_off_then_catches_up_by_itself(central, branch_factory):
    branch = branch_factory(central, SYNC_MAX_BACKOFF=1.0, SYNC_INTERVAL=0.2)
    central.stop()
    sell(ApiClient(branch, "cashier3", pin="1234"), 3)
    queued = waiting(branch)
    running = Running(branch)
    try:
        _until(lambda: _state(branch)["state"] == "error", what="the first failure")
        with branch.app_context():
            row = state.peek()
            assert row.failures >= 1
            assert "중앙 서버에 연결할 수 없습니다" in row.last_error
            # the next try is within the cap (SYNC_MAX_BACKOFF)
            assert row.next_try_at - row.last_error_at <= timedelta(seconds=1.0)
        _until(
            lambda: _state(branch)["state"] == "error" and _failures(branch) >= 3,
            what="more tries while central is down",
        )
        # selling goes on meanwhile, and nothing was lost
        sell(ApiClient(branch, "cashier3", pin="1234"), 1)
        assert waiting(branch) == queued + 1
        central.start()
        _until(lambda: waiting(branch) == 0, what="the catch-up")
        _until(lambda: _state(branch)["state"] == "ok", what="the state to clear")
    finally:
        running.end()
    rows = outbox(branch)
    assert central.applied_ids() == [r.id for r in rows]
    assert _failures(branch) == 0


def _failures(app) -> int:
    with app.app_context():
        row = state.peek()
        return row.failures if row else 0


def test_a_restarted_worker_resumes_from_the_outbox(central, branch_factory):
    """Nothing is kept in memory: a worker stopped mid-way and a new one finish the job."""
    branch = branch_factory(central, SYNC_BATCH=2, SYNC_INTERVAL=0.2)
    sell(ApiClient(branch, "cashier3", pin="1234"), 5)
    central.delay = 0.3
    first = Running(branch)
    _until(lambda: central.pushes >= 1, what="the first batch")
    first.end()  # finishes the batch in flight, then leaves
    left = waiting(branch)
    assert left > 0
    central.delay = 0
    second = Running(branch)
    try:
        _until(lambda: waiting(branch) == 0, what="the second worker")
    finally:
        second.end()
    ids = central.applied_ids()
    assert ids == [r.id for r in outbox(branch)] and len(ids) == len(set(ids))


def test_a_sale_never_waits_for_a_push_in_flight(central, branch_factory):
    branch = branch_factory(central, SYNC_TIMEOUT=20.0)
    api = ApiClient(branch, "cashier3", pin="1234")
    sell(api, 3)
    central.delay = 4.0  # a slow line: the push takes 4 s

    def push() -> None:
        with branch.app_context():
            client = Client.from_config()
            try:
                push_all(client)
            finally:
                client.close()

    pusher = threading.Thread(target=push)
    pusher.start()
    try:
        assert central.in_push.wait(10)
        started = time.monotonic()
        (sale,) = sell(api, 1)
        took = time.monotonic() - started
        assert pusher.is_alive(), "the push was meant to be still in flight"
        assert took < 1.5, f"the sale waited {took:.1f}s for sync"
    finally:
        pusher.join(30)
    # the sale made during the push was not in that batch: the next one took it
    assert central.pushes == 2
    assert waiting(branch) == 0
    assert central.applied_ids()[-1] == sale

"""The branch's sync state: one row saying how pushing and pulling went, so the worker resumes
after a restart from the database (nothing in memory) and the screens can say how it is going.

Every write here is one short transaction of its own, never held across an HTTP call: a sale
must never wait for sync."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Boolean, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from pos.db import db, read_only_transaction
from pos.outbox import OutboxEvent, waiting_clause

#: people read Seoul time
KST = ZoneInfo("Asia/Seoul")
#: the one row's id
ROW_ID = 1


class SyncState(db.Model):
    """How this branch's sync with central stands (a single row, id 1)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the last catalog version pulled from central (``since`` of the next pull)
    catalog_version: Mapped[int] = mapped_column(Integer, default=0)
    #: when a push last got an answer from central (UTC)
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: when the catalog was last pulled (UTC)
    last_pull_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: when a push or pull was last tried, whatever came of it
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: the last failure, in Korean, as the back office shows it
    last_error: Mapped[str | None] = mapped_column(String(300))
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: failed tries in a row (0 once central answers again); decides the backoff
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: not before this time after a failure (backoff with jitter)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: central's high-water mark for this site: every seq up to it is applied or rejected
    high_water: Mapped[int] = mapped_column(Integer, default=0)
    #: someone pressed 지금 동기화: the worker goes now instead of waiting
    wake_requested: Mapped[bool] = mapped_column(Boolean, default=False)


def load() -> SyncState:
    """The row, made on first use (flushes; the caller's transaction commits)."""
    row = db.session.get(SyncState, ROW_ID)
    if row is None:
        row = SyncState(id=ROW_ID, catalog_version=0, failures=0, high_water=0)
        row.wake_requested = False
        db.session.add(row)
        db.session.flush()
    return row


def peek() -> SyncState | None:
    """The row as it is, without making it (for readers)."""
    return db.session.get(SyncState, ROW_ID)


def update(**values) -> None:
    """Set columns of the row in one short write transaction of its own."""
    if db.session().in_transaction():
        db.session.commit()
    row = load()
    for key, value in values.items():
        setattr(row, key, value)
    db.session.commit()


def request_wake() -> None:
    """지금 동기화: the worker looks within a second (flushes; the caller commits)."""
    load().wake_requested = True


def enabled() -> bool:
    """Push and pull only on a branch that knows where central is and has its token."""
    cfg = current_app.config
    keys = ("CENTRAL_URL", "SYNC_TOKEN", "POS_SITE")
    return cfg["POS_ROLE"] == "branch" and all(cfg.get(key) for key in keys)


def central_host() -> str | None:
    """Central's address without path or credentials (host and port), for the screens."""
    url = current_app.config.get("CENTRAL_URL")
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{host}:{parts.port}" if parts.port else host


def counts() -> tuple[int, int]:
    """(events of this site waiting, events of this site rejected by central)."""
    own = OutboxEvent.site_code == (current_app.config.get("POS_SITE") or "")
    query = select(func.count()).select_from(OutboxEvent).where(own)
    waiting = db.session.scalar(query.where(waiting_clause()))
    rejected = db.session.scalar(query.where(OutboxEvent.rejected_at.is_not(None)))
    return int(waiting or 0), int(rejected or 0)


def iso(moment: datetime | None) -> str | None:
    """Naive UTC from the database as ISO-8601 with its offset (UTC)."""
    return moment.replace(tzinfo=UTC).isoformat() if moment else None


def local_text(moment: datetime | None) -> str:
    """ "2026-12-02 16:42" in Seoul time, or "없음"."""
    if moment is None:
        return "없음"
    return moment.replace(tzinfo=UTC).astimezone(KST).strftime("%Y-%m-%d %H:%M")


def status() -> dict:
    """What ``GET /api/sync/state`` answers (read-only; safe on a GET request)."""
    with read_only_transaction():
        row = peek()
        waiting, rejected = counts()
    on = enabled()
    failing = bool(row and row.failures)
    if not on:
        state = "off"
    elif failing:
        state = "error"
    elif waiting:
        state = "waiting"
    else:
        state = "ok"
    return {
        "enabled": on,
        "state": state,
        "waiting": waiting,
        "rejected": rejected,
        "last_push_at": iso(row.last_push_at) if row else None,
        "last_pull_at": iso(row.last_pull_at) if row else None,
        "last_attempt_at": iso(row.last_attempt_at) if row else None,
        "last_error": row.last_error if row else None,
        "last_error_at": iso(row.last_error_at) if row else None,
        "next_try_at": iso(row.next_try_at) if row and failing else None,
        "catalog_version": row.catalog_version if row else 0,
        "central": central_host() if on else None,
    }

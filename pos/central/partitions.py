"""Month partitions of the central fact tables (PostgreSQL declarative partitioning).

Ingest calls ``ensure_months`` with the days of a batch before inserting it, so a row always
lands in its month's partition and the DEFAULT partition (made by the migration, a safety net)
stays empty: a DEFAULT partition holding rows of a month would make creating that month fail.
Creating is serialised by a transaction-scoped advisory lock, so two app processes meeting a
new month at once do not collide; ``IF NOT EXISTS`` makes the loser's attempt a no-op. Each
process remembers the months it has seen committed, so a batch usually costs no statement
here. On SQLite (a branch) the tables are not partitioned and this does nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from pos.db import db

from .facts import PARTITIONED

#: pg_advisory_xact_lock key for partition DDL ("pos-part" in ASCII)
LOCK_KEY = 0x706F732D70617274

_lock = threading.Lock()
#: (database url, month start) known to have every partition, committed
_known: set[tuple[str, date]] = set()
#: Session.info key of the months created in its open transaction
_PENDING = "pos_partitions_pending"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_{month:%Y%m}"


def ensure_months(days: Iterable[date]) -> list[date]:
    """Make the partitions of every month the days fall in; returns the months created now.
    Runs in the caller's transaction (the DDL commits or rolls back with the batch)."""
    session = db.session
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return []
    url = str(bind.url)
    months = sorted({month_start(d) for d in days})
    missing = [m for m in months if (url, m) not in _known]
    if not missing:
        return []
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    for month in missing:
        for table in PARTITIONED:
            name = partition_name(table.name, month)
            session.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table.name} "  # noqa: S608
                    f"FOR VALUES FROM ('{month}') TO ('{next_month(month)}')"
                )
            )

    # remembered only once the DDL is committed: after a rollback the partitions do not exist
    session.info.setdefault(_PENDING, set()).update((url, m) for m in missing)
    return missing


@event.listens_for(Session, "after_commit")
def _remember(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        with _lock:
            _known.update(pending)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def forget() -> None:
    """Drop the per-process memory (tests that drop partitions)."""
    with _lock:
        _known.clear()

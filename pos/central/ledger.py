"""The exactly-once ledger of central: which events of each site were applied, which were
rejected and why, and each site's high-water mark.

``sync_applied`` has the primary key (site, event id), so an event id can land only once per
site even if two pushes race; ``apply_batch`` locks the site's ``sync_sites`` row first so one
site's batches apply one after the other and the high-water mark never moves backwards.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pos.db import db, dialect_insert, utcnow
from pos.enums import check_in


class AppliedStatus(StrEnum):
    APPLIED = "applied"
    REJECTED = "rejected"


class SyncSite(db.Model):
    """Per site: how far central has its events and when the site was last heard from."""

    __tablename__ = "sync_sites"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    #: every seq of this site up to here was applied or rejected
    high_water: Mapped[int] = mapped_column(BigInteger, default=0)
    #: events applied
    events: Mapped[int] = mapped_column(BigInteger, default=0)
    #: events rejected (final, with a reason in sync_rejections)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    #: events still waiting on the branch, as its last push said
    pending: Mapped[int | None] = mapped_column(Integer)
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_pull_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: occurred_at of the newest event applied (the branch's clock)
    last_event_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: when central received that newest event (central's clock)
    last_received_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: at the last push that applied events: received − occurred of its newest event
    lag_seconds: Mapped[int | None] = mapped_column(Integer)
    #: why the last push failed (gap, rejected events), Korean; None when it went through
    last_error: Mapped[str | None] = mapped_column(String(300))


class SyncApplied(db.Model):
    """One row per event central took in (applied or rejected): the de-duplication key."""

    __tablename__ = "sync_applied"
    __table_args__ = (check_in("status", AppliedStatus, "status"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: the branch outbox seq
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(40))
    #: one of AppliedStatus
    status: Mapped[str] = mapped_column(String(10))
    #: the branch's time of the change
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    #: central's time of receipt
    received_at: Mapped[datetime] = mapped_column(DateTime)


class SyncRejection(db.Model):
    """A rejected event with its reason and what was sent, for the admins' page."""

    __tablename__ = "sync_rejections"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(40))
    #: machine code (malformed, unknown_product, schema_unsupported, …)
    code: Mapped[str] = mapped_column(String(40))
    #: the reason, in Korean
    message: Mapped[str] = mapped_column(String(300))
    #: the event as sent (JSON text, cut to a size worth keeping)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)


def _ensure_site_row(site_id: int) -> None:
    stmt = dialect_insert(SyncSite.__table__).values(
        site_id=site_id, high_water=0, events=0, rejected=0
    )
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["site_id"]))


def touch_pull(site_id: int) -> None:
    """Record that the site pulled its catalog (the feed calls it). In the caller's
    transaction: the caller commits."""
    _ensure_site_row(site_id)
    db.session.execute(
        SyncSite.__table__.update()
        .where(SyncSite.__table__.c.site_id == site_id)
        .values(last_pull_at=utcnow())
    )

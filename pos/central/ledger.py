"""The exactly-once ledger of central: which events of each site were applied, which were
rejected and why, and each site's high-water mark.

``sync_applied`` has the primary key (site, event id), so an event id can land only once per
site even if two pushes race; ``apply_batch`` locks the site's ``sync_sites`` row first so one
site's batches apply one after the other and the high-water mark never moves backwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from pos.central.schemas import BadEvent, EventIn
from pos.db import db, dialect_insert, utcnow
from pos.enums import check_in
from pos.sites import Site


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
    """Record that the site pulled its catalog (the feed calls it), and that its live token
    was used then (the tokens page shows it). In the caller's transaction: the caller
    commits."""
    from pos.central.tokens import SyncToken

    now = utcnow()
    _ensure_site_row(site_id)
    db.session.execute(
        SyncSite.__table__.update()
        .where(SyncSite.__table__.c.site_id == site_id)
        .values(last_pull_at=now)
    )
    db.session.execute(
        SyncToken.__table__.update()
        .where(SyncToken.site_id == site_id, SyncToken.revoked_at.is_(None))
        .values(last_used_at=now)
    )


@dataclass
class BatchResult:
    """What a batch did: ids applied now or before (``acked``), rejected ones with their
    reason, the site's high-water mark after it, and whether it stopped at a gap before
    applying anything (the push answers 409 then)."""

    acked: list[str] = field(default_factory=list)
    #: (event id, code, Korean message)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    high_water: int = 0
    gap: bool = False
    #: events applied or rejected by this call (not the ones seen before)
    new: int = 0


#: a rejected event's payload is kept up to this many characters for the admins' page
PAYLOAD_KEEP = 4000


def lock_site(site_id: int) -> SyncSite:
    """The site's ledger row, created if missing and locked until the transaction ends
    (``FOR UPDATE`` on PostgreSQL; SQLite's write transaction is a lock already)."""
    _ensure_site_row(site_id)
    stmt = select(SyncSite).where(SyncSite.site_id == site_id)
    stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalars(stmt).one()


def _seen(site_id: int, ids: list[str]) -> dict[str, tuple[str, str, str] | None]:
    """Event ids of this site taken in before: None for applied, the reason for rejected."""
    out: dict[str, tuple[str, str, str] | None] = {}
    for chunk in _chunks(ids, 500):
        rows = db.session.execute(
            select(SyncApplied.event_id, SyncApplied.status).where(
                SyncApplied.site_id == site_id, SyncApplied.event_id.in_(chunk)
            )
        ).all()
        rejected = [event_id for event_id, status in rows if status == AppliedStatus.REJECTED]
        out.update({event_id: None for event_id, status in rows})
        if rejected:
            reasons = db.session.execute(
                select(SyncRejection.event_id, SyncRejection.code, SyncRejection.message).where(
                    SyncRejection.site_id == site_id, SyncRejection.event_id.in_(rejected)
                )
            ).all()
            out.update({r.event_id: (r.event_id, r.code, r.message) for r in reasons})
    return out


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _contiguous(events: list, high_water: int, after: int | None, seen) -> tuple[list, bool]:
    """The events to take in now, in seq order, and whether a gap stopped the batch.

    An event at or below the high-water mark that central has not seen applies (the mark
    already covers its seq). Past the mark an event applies only if the site's event before
    it is covered: seq − 1 when the branch's seqs are dense, or the previous event of the
    batch (``after`` for the first) when the branch says which seq came before."""
    todo: list = []
    mark = high_water
    previous = after
    for ev in events:
        before = ev.seq - 1 if after is None else previous
        previous = ev.seq
        if ev.id in seen:
            continue
        if ev.seq > mark:
            if before > mark:
                return todo, True
            mark = ev.seq
        todo.append(ev)
    return todo, False


def apply_batch(
    site: Site, events: list, *, dedup: bool = True, after: int | None = None
) -> BatchResult:
    """Apply a site's batch exactly once, in seq order, in the caller's transaction (flushes,
    never commits: the push commits once per batch, so a failure leaves nothing half-applied).

    ``events`` are ``EventIn`` (or ``BadEvent`` for ones that did not parse). ``dedup=False``
    is the test-only control run (``SYNC_DEDUP``): events seen before apply again."""
    from pos.central import ingest
    from pos.central.bulk import insert_new
    from pos.central.errors import Rejected

    ledger = lock_site(site.id)
    # one event per id (a batch naming an id twice takes it once), in the site's order
    unique = {ev.id: ev for ev in reversed(events)}
    ordered = sorted(unique.values(), key=lambda ev: ev.seq)
    seen = _seen(site.id, [ev.id for ev in ordered]) if dedup else {}
    result = BatchResult()
    for ev in ordered:
        if ev.id in seen:
            reason = seen[ev.id]
            if reason is None:
                result.acked.append(ev.id)
            else:
                result.rejected.append(reason)
    todo, stopped = _contiguous(ordered, ledger.high_water, after, seen)
    result.gap = stopped and not todo

    now = utcnow()
    prepared = []
    applied_rows: list[dict] = []
    rejection_rows: list[dict] = []
    for ev in todo:
        if isinstance(ev, BadEvent):
            code, message, raw, occurred = ev.code, ev.message, ev.raw, ev.occurred_at
        else:
            occurred = ev.occurred_at
            try:
                prepared.append(ingest.prepare(site, ev))
            except Rejected as exc:
                code, message = exc.code, exc.message
                raw = json.dumps(ev.model_dump(mode="json", by_alias=True), ensure_ascii=False)
            else:
                applied_rows.append(_ledger_row(site, ev, AppliedStatus.APPLIED, occurred, now))
                result.acked.append(ev.id)
                continue
        applied_rows.append(_ledger_row(site, ev, AppliedStatus.REJECTED, occurred, now))
        rejection_rows.append(
            {
                "site_id": site.id,
                "event_id": ev.id,
                "seq": ev.seq,
                "type": ev.type[:40],
                "code": code[:40],
                "message": message[:300],
                "payload": raw[:PAYLOAD_KEEP],
                "received_at": now,
            }
        )
        result.rejected.append((ev.id, code, message))
    if prepared:
        ingest.write(site, prepared)
    if applied_rows:  # one row per event of every branch: the bulk path, not executemany
        insert_new(SyncApplied.__table__, applied_rows)
    if rejection_rows:
        stmt = dialect_insert(SyncRejection.__table__).on_conflict_do_nothing()
        db.session.execute(stmt, rejection_rows)
    _advance(ledger, todo, prepared, len(rejection_rows), now)
    result.high_water = ledger.high_water
    result.new = len(todo)
    db.session.flush()
    return result


def _ledger_row(site, ev, status, occurred, now) -> dict:
    return {
        "site_id": site.id,
        "event_id": ev.id,
        "seq": ev.seq,
        "type": ev.type[:40],
        "status": status.value,
        "occurred_at": occurred or now,
        "received_at": now,
    }


def _advance(ledger: SyncSite, todo: list, prepared: list, rejected: int, now) -> None:
    """Move the high-water mark over what was taken in and count it."""
    if not todo:
        return
    ledger.high_water = max(ledger.high_water, max(ev.seq for ev in todo))
    ledger.events += len(prepared)
    ledger.rejected += rejected
    times = [ev.occurred_at for ev in todo if isinstance(ev, EventIn)]
    if times:
        newest = max(times)
        if ledger.last_event_at is None or newest >= ledger.last_event_at:
            ledger.last_event_at = newest
        ledger.last_received_at = now
        ledger.lag_seconds = max(0, int((now - newest).total_seconds()))

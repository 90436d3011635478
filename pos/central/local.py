"""The branch's own copy of the central tables: its outbox events applied locally through the
same ledger and ingest as on central, so the report pages work on a branch for its own site.

Runs in short write transactions of its own (a chunk of events each) so a sale never waits
long for the SQLite write lock, and reads where it stands inside the same transaction, so the
sync worker and a report page catching up at once never apply an event twice. A branch's
outbox may hold other sites' events (a transfer into a store room), so each site's batch says
which of its seqs came before (``after``)."""

from __future__ import annotations

import logging
import time
from itertools import groupby

from flask import current_app
from sqlalchemy import func, select

from pos.central.ledger import SyncSite, apply_batch
from pos.central.schemas import EventEnvelope
from pos.db import db, sqlite_writes
from pos.outbox import SCHEMA_VERSION, OutboxEvent
from pos.sites import Site

log = logging.getLogger(__name__)

#: events per write transaction: 200 held the write lock for 100-300 ms while sales waited
CHUNK = 50
#: seconds between two chunks, so a sale waiting for the lock gets it before the next chunk
PAUSE = 0.005


def catch_up(limit: int = 1000) -> int:
    """Read up to ``limit`` outbox events not yet applied locally and apply them; returns how
    many were taken in. A no-op on central (its facts come from the branches' pushes)."""
    if current_app.config["POS_ROLE"] == "central":
        return 0
    done = 0
    left = limit
    while left > 0:  # bounded by events read, even when none of them is new
        size = min(CHUNK, left)
        read, taken = _chunk(size)
        if taken <= 0:  # failed, or nothing moved on (the same events would be read again)
            break
        done += taken
        left -= size
        if read < size:
            # caught up: the sales made meanwhile wait for the next round, instead of a write
            # transaction (and an fsync) after every sale while the till is busy
            break
        time.sleep(PAUSE)
    return done


def _chunk(size: int) -> tuple[int, int]:
    """Apply the next ``size`` events at most: (events read, events newly applied), or
    (0, -1) when that failed."""
    if db.session().in_transaction():
        db.session.commit()  # a GET's read transaction must not become our write
    token = sqlite_writes.set(True)
    try:
        found = _apply_next(size)
        db.session.commit()
        return found
    except Exception:
        db.session.rollback()
        log.exception("local catch-up failed; it is tried again next time")
        return 0, -1
    finally:
        sqlite_writes.reset(token)


def _apply_next(size: int) -> tuple[int, int]:
    # every site's high-water mark is an outbox seq: the events up to the highest are done
    cursor = db.session.scalar(select(func.max(SyncSite.high_water))) or 0
    rows = db.session.execute(
        select(OutboxEvent).where(OutboxEvent.seq > cursor).order_by(OutboxEvent.seq).limit(size)
    ).scalars()
    rows = list(rows)
    if not rows:
        return 0, 0
    by_code = sorted(rows, key=lambda r: (r.site_code, r.seq))
    taken = 0
    for code, group in groupby(by_code, key=lambda r: r.site_code):
        site = db.session.scalars(select(Site).where(Site.code == code)).first()
        if site is None:  # pragma: no cover (events are written for local sites only)
            log.warning("outbox events of unknown site %s are not applied locally", code)
            continue
        mark = db.session.get(SyncSite, site.id)
        after = mark.high_water if mark is not None else 0
        events = [_event(row) for row in group]
        taken += apply_batch(site, events, after=after).new
    return len(rows), taken


def _event(row: OutboxEvent):
    import json

    try:
        payload = json.loads(row.payload)
    except ValueError:
        payload = row.payload  # kept as text: rejected as malformed with the rest
    envelope = EventEnvelope.model_validate(
        {
            "id": row.id,
            "seq": row.seq,
            "schema": SCHEMA_VERSION,
            "type": row.type,
            "occurred_at": row.occurred_at,
            "payload": payload,
        }
    )
    return envelope.to_event()

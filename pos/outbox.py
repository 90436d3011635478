"""The outbox: one row per change, written in the change's own transaction, pushed later by sync.

Part of the shared kernel so that sales and inventory can both record events without knowing
anything about how or when they reach the central store.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, insert, text
from sqlalchemy.orm import Mapped, mapped_column

from .db import db, new_id, utcnow

#: the event format's version sent with every event (DESIGN §5 ``schema``); central rejects
#: one it does not know with a reason
SCHEMA_VERSION = 1


class OutboxEvent(db.Model):
    __tablename__ = "outbox"

    #: push order
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the event's UUID; the central store applies each id once
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    type: Mapped[str] = mapped_column(String(40))
    site_code: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    payload: Mapped[str] = mapped_column(Text)
    #: set when the central store acknowledged it
    acked_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    #: times it was sent to central
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Korean reason central gave when it rejected the event
    last_error: Mapped[str | None] = mapped_column(String(300))
    #: set when central rejected it for good (recorded there with its reason): not resent
    rejected_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: central's code for the rejection (malformed, unknown_product, schema_unsupported …)
    reject_code: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (
        # the worker's one question, "what waits, in seq order": a partial index holding only
        # the waiting rows stays tiny however long the acknowledged history grows
        Index(
            "ix_outbox_waiting",
            "seq",
            sqlite_where=text("acked_at IS NULL AND rejected_at IS NULL"),
            postgresql_where=text("acked_at IS NULL AND rejected_at IS NULL"),
        ),
    )


def waiting_clause():
    """An event still to be pushed: neither acknowledged nor rejected by central."""
    return OutboxEvent.acked_at.is_(None) & OutboxEvent.rejected_at.is_(None)


def record_event(type_: str, site_code: str, payload: dict, event_id: str | None = None) -> str:
    """Insert an outbox row in the current transaction (the caller commits)."""
    row = {
        "id": event_id or new_id(),
        "type": type_,
        "site_code": site_code,
        "occurred_at": utcnow(),
        "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        "acked_at": None,
        "attempts": 0,
        "last_error": None,
        "rejected_at": None,
        "reject_code": None,
    }
    db.session.execute(insert(OutboxEvent.__table__), [row])
    return row["id"]

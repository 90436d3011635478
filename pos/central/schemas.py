"""The push wire format (brief "Wire contract"): what a branch sends to ``POST /api/sync/push``.

The same ``EventIn`` is what ``ledger.apply_batch`` and ``ingest.prepare`` take, so the branch's
local catch-up builds it from its outbox rows and goes through the very same checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: a branch batches SYNC_BATCH (200) events; more than this in one request is refused
MAX_EVENTS = 1000


class EventIn(BaseModel):
    """One outbox event as sent. ``schema`` is the event format's version (``pos.outbox
    .SCHEMA_VERSION``); an unknown version is rejected by the ledger, not here, so a future
    branch's event gets a reason and does not sink the batch."""

    model_config = ConfigDict(populate_by_name=True)

    #: the event's UUID (made where the change happened)
    id: str = Field(min_length=1, max_length=36)
    #: the branch outbox seq: the site's push order
    seq: int = Field(ge=1, le=2**63 - 1)
    #: event format version
    schema_version: int = Field(alias="schema", ge=0, le=2**31 - 1)
    type: str = Field(min_length=1, max_length=40)
    #: when the change happened on the branch (UTC)
    occurred_at: datetime
    payload: dict[str, Any]


class PushIn(BaseModel):
    """A branch's batch: events of its own site, in seq order."""

    model_config = ConfigDict(extra="ignore")

    site: str = Field(min_length=1, max_length=32)
    #: events still waiting on the branch after this batch (shown on central's status page)
    pending: int | None = Field(default=None, ge=0, le=2**31 - 1)
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS)


class RejectedOut(BaseModel):
    id: str
    error: dict[str, str]


class PushOut(BaseModel):
    acked: list[str]
    rejected: list[RejectedOut]
    high_water: int

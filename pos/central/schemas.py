"""The push wire format (brief "Wire contract"): what a branch sends to ``POST /api/sync/push``.

The same ``EventIn`` is what ``ledger.apply_batch`` and ``ingest.prepare`` take, so the branch's
local catch-up builds it from its outbox rows and goes through the very same checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pos.central.ingest_payloads import NO_NUL
from pos.outbox import SCHEMA_VERSION

#: a branch batches SYNC_BATCH (200) events; more than this in one request is refused
MAX_EVENTS = 1000
#: seqs are 64-bit on central (a branch's outbox only grows)
MAX_SEQ = 2**63 - 1


class EventIn(BaseModel):
    """One outbox event as sent. ``schema`` is the event format's version (``pos.outbox
    .SCHEMA_VERSION``); an unknown version is rejected by the ledger, not here, so a future
    branch's event gets a reason and does not sink the batch."""

    model_config = ConfigDict(populate_by_name=True)

    #: the event's UUID (made where the change happened)
    id: str = Field(min_length=1, max_length=36, pattern=NO_NUL)
    #: the branch outbox seq: the site's push order
    seq: int = Field(ge=1, le=MAX_SEQ)
    #: event format version
    schema_version: int = Field(alias="schema", ge=0, le=2**31 - 1)
    type: str = Field(min_length=1, max_length=40, pattern=NO_NUL)
    #: when the change happened on the branch (UTC)
    occurred_at: datetime
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _naive_utc(cls, value: datetime) -> datetime:
        """Stored as naive UTC like every timestamp here; a time without zone is UTC."""
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value


#: what the admins read for each part of an event that did not fit
_PARTS = {"id": "번호", "seq": "순번", "schema": "형식 버전", "type": "종류", "occurred_at": "일시"}


@dataclass(frozen=True)
class BadEvent:
    """An event central can name (id and seq) but not read: it is rejected with ``code`` and
    counts toward the high-water mark like any rejected event."""

    id: str
    seq: int
    type: str
    code: str
    message: str
    #: the event as sent, for the rejections page
    raw: str
    occurred_at: datetime | None = None


class EventEnvelope(BaseModel):
    """An event as it arrives: only ``id`` and ``seq`` must fit for the batch to be read, the
    rest is checked per event so one bad event is rejected with a reason and the others apply."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = Field(min_length=1, max_length=36, pattern=NO_NUL)
    seq: int = Field(ge=1, le=MAX_SEQ)
    schema_version: Any = Field(default=None, alias="schema", json_schema_extra={"type": "integer"})
    type: Any = Field(default=None, json_schema_extra={"type": "string", "maxLength": 40})
    occurred_at: Any = Field(
        default=None, json_schema_extra={"type": "string", "format": "date-time"}
    )
    payload: Any = Field(default=None, json_schema_extra={"type": "object"})

    def to_event(self) -> EventIn | BadEvent:
        version = self.schema_version
        kind = str(self.type or "").replace("\x00", "")[:40]
        if isinstance(version, int) and not isinstance(version, bool):
            if version != SCHEMA_VERSION:
                message = (
                    f"이벤트 형식 버전 {version}은(는) 중앙 저장소가 모릅니다 "
                    f"(지원: {SCHEMA_VERSION}). 중앙 저장소를 업데이트해야 합니다"
                )
                return BadEvent(self.id, self.seq, kind, "schema_unsupported", message, self._raw())
        # the fields as sent, not a dump of the whole envelope: this runs for every event of
        # every branch, and the payload is passed on as it is
        sent = {
            "id": self.id,
            "seq": self.seq,
            "schema": version,
            "type": self.type,
            "occurred_at": self.occurred_at,
            "payload": self.payload,
        }
        try:
            return EventIn.model_validate(sent)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            part = _PARTS.get(str(first["loc"][0]) if first["loc"] else "", "내용")
            message = f"이벤트 형식이 맞지 않습니다 ({part})"
            return BadEvent(self.id, self.seq, kind, "malformed", message, self._raw())

    def _raw(self) -> str:
        """The event as sent, for the rejections page (only a rejected event needs it)."""
        import json

        sent = self.model_dump(by_alias=True)
        return json.dumps(sent, ensure_ascii=False, default=str)


class PushIn(BaseModel):
    """A branch's batch: events of its own site, in seq order."""

    model_config = ConfigDict(extra="ignore")

    site: str = Field(min_length=1, max_length=32)
    #: events still waiting on the branch after this batch (shown on central's status page)
    pending: int | None = Field(default=None, ge=0, le=2**31 - 1)
    #: the seq of this site's event just before the first one here (0: none), when the
    #: branch's outbox also holds other sites' events so the site's seqs are not dense
    after: int | None = Field(default=None, ge=0, le=MAX_SEQ)
    events: list[EventEnvelope] = Field(min_length=1, max_length=MAX_EVENTS)


class RejectedOut(BaseModel):
    id: str
    error: dict[str, str]


class PushOut(BaseModel):
    acked: list[str]
    rejected: list[RejectedOut]
    high_water: int

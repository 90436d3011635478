"""Response bodies of the order board API, for the OpenAPI document (tests validate the JSON
the views send against them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderLineOut(_Out):
    name: str
    qty: int
    #: the chosen options' names, e.g. ["ICE", "샷 추가"]
    options: list[str]


class TicketPrintOut(_Out):
    #: the latest bar ticket job: pending, retrying, printed, sent, failed, or none (no printer)
    status: str
    label: str
    error: str | None


class OrderOut(_Out):
    sale_id: str
    number: int
    #: "here" (매장), "togo" (포장) or null
    order_type: str | None
    #: 매장 / 포장 (empty when not asked)
    label: str
    #: Seoul time, ISO 8601
    created_at: str
    #: whole minutes since the order
    minutes: int
    status: str
    done_at: str | None
    lines: list[OrderLineOut]
    #: whether its bar ticket printed (the board warns when it did not)
    print: TicketPrintOut


class OrdersOut(_Out):
    orders: list[OrderOut]

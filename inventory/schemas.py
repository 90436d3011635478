"""Request bodies of the stock API."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pos.api import MAX_ID

from .imports_read import clean_text


class StockMoveKind(StrEnum):
    """What a person may book through the stock API (sales and refunds book their own)."""

    RECEIVE = "receive"
    ADJUST = "adjust"
    WASTE = "waste"
    COUNT = "count"
    TRANSFER = "transfer"


class StockMoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    #: made by the device, so a retried request applies once
    id: UUID | None = None
    product_id: int = Field(ge=1, le=MAX_ID)
    #: receive / waste: units (> 0); adjust: signed change; count: the counted on-hand (>= 0)
    qty: int = Field(ge=-1_000_000, le=1_000_000)
    kind: StockMoveKind
    #: transfer only: the receiving site's code
    to_site: str | None = Field(default=None, max_length=32)
    note: str = Field(default="", max_length=200)

    @field_validator("note")
    @classmethod
    def _visible_note(cls, value: str) -> str:
        """No NUL, zero-width or direction-changing characters in the ledger's notes."""
        return clean_text(value)


class StockItemOut(BaseModel):
    product_id: int
    sku: str
    name: str
    on_hand: int


class StockOut(BaseModel):
    site: str
    items: list[StockItemOut]


class StockMoveOut(BaseModel):
    """The move as booked and the on-hand after it (``reason`` is the ledger's move reason)."""

    id: str | None
    product_id: int
    qty: int
    reason: str
    on_hand: int

"""Request bodies of the checkout API; the same classes generate /api/openapi.json."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from pos.api import MAX_ID

MAX_WON = 100_000_000

PaymentMethod = Literal[
    "cash", "card", "transfer", "local_currency", "onnuri", "zeropay", "easypay"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LineIn(_Strict):
    product_id: int = Field(ge=1, le=MAX_ID)
    qty: int = Field(ge=1, le=999)
    #: option ids; repeat an id for 샷 추가 ×2
    options: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=20
    )


class PaymentIn(_Strict):
    method: PaymentMethod
    amount: int = Field(ge=1, le=MAX_WON)
    #: cash handed over; change = tendered - amount
    tendered: int | None = Field(default=None, ge=0, le=MAX_WON)
    #: card approval number from the card terminal (required for card)
    approval_no: str | None = Field(default=None, max_length=30, pattern=r"^[0-9A-Za-z-]{1,30}$")
    issuer: str | None = Field(default=None, max_length=30)
    #: card number as printed on the terminal slip; stored masked (first 4, last 4)
    card_no: str | None = Field(default=None, max_length=25, pattern=r"^[0-9*\- ]{4,25}$")
    #: 0 = 일시불
    installment: int | None = Field(default=None, ge=0, le=36)


class CashReceiptIn(_Strict):
    purpose: Literal["income_deduction", "expense_proof"]
    #: phone number, 사업자등록번호 or cash-receipt card number; never 주민등록번호
    identifier: str = Field(min_length=4, max_length=30)


class SaleIn(_Strict):
    id: UUID
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    discount: int = Field(default=0, ge=0, le=MAX_WON)
    payments: list[PaymentIn] = Field(min_length=1, max_length=10)
    cash_receipt: CashReceiptIn | None = None

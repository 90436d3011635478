"""Request bodies of the checkout API; the same classes generate /api/openapi.json."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from pos.api import MAX_ID
from pos.auth.approval import ApproverIn
from pos.enums import values

from .enums import CashReceiptPurpose, PaymentMethod
from .identifiers import looks_like_card_number

MAX_WON = 100_000_000


def one_of(enum: type[StrEnum]):
    """The enum's values as a ``Literal``: OpenAPI lists them and a wrong one gets the usual
    Korean "허용되지 않는 값입니다", the same set the database's CHECK allows."""
    return Literal[values(enum)]  # type: ignore[valid-type]


def _no_card_number(what: str):
    """Refuse a card number typed into another field of the slip (DESIGN §4: never stored);
    checked before the field's pattern, so "4111 1111 …" gets this message, not a format one."""

    def check(text: object) -> object:
        if isinstance(text, str) and looks_like_card_number(text):
            raise ValueError(f"{what} 자리에 카드번호를 입력하지 마세요")
        return text

    return BeforeValidator(check)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


#: a discount's reason, one of the manager's list (DiscountReason.name)
Reason = Annotated[str, Field(min_length=1, max_length=60)]


class LineIn(_Strict):
    product_id: int = Field(ge=1, le=MAX_ID)
    qty: int = Field(ge=1, le=999)
    #: option ids; repeat an id for 샷 추가 ×2
    options: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=20
    )
    #: won off this line (all its units), or ``discount_pct`` percent of it; not both
    discount: int = Field(default=0, ge=0, le=MAX_WON)
    discount_pct: int | None = Field(default=None, ge=1, le=100)
    discount_reason: Reason | None = None


class PaymentIn(_Strict):
    method: one_of(PaymentMethod)  # type: ignore[valid-type]
    amount: int = Field(ge=1, le=MAX_WON)
    #: cash handed over; change = tendered - amount
    tendered: int | None = Field(default=None, ge=0, le=MAX_WON)
    #: card approval number from the card terminal (required for card); usually 8 digits, never
    #: the card number (13+ digits in a row are refused, see ``looks_like_card_number``)
    approval_no: Annotated[str | None, _no_card_number("승인번호")] = Field(
        default=None, max_length=30, pattern=r"^[0-9A-Za-z-]{1,30}$"
    )
    issuer: Annotated[str | None, _no_card_number("카드사")] = Field(default=None, max_length=30)
    #: card number as printed on the terminal slip; stored masked (first 4, last 4)
    card_no: str | None = Field(default=None, max_length=25, pattern=r"^[0-9*\- ]{4,25}$")
    #: 0 = 일시불
    installment: int | None = Field(default=None, ge=0, le=36)


class CashReceiptIn(_Strict):
    purpose: one_of(CashReceiptPurpose)  # type: ignore[valid-type]
    #: phone number, 사업자등록번호 or cash-receipt card number; never 주민등록번호
    identifier: str = Field(min_length=4, max_length=30)


class SaleIn(_Strict):
    id: UUID
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    #: won off the whole sale after line discounts, or ``discount_pct`` percent; not both
    discount: int = Field(default=0, ge=0, le=MAX_WON)
    discount_pct: int | None = Field(default=None, ge=1, le=100)
    discount_reason: Reason | None = None
    #: empty only for a sale discounted to 0원 (e.g. 시식·파손 with approval)
    payments: list[PaymentIn] = Field(max_length=10)
    cash_receipt: CashReceiptIn | None = None
    #: 매장 (here) or 포장 (togo), printed on the bar's ticket
    order_type: Literal["here", "togo"] | None = None
    #: a manager's PIN when a discount is over the site's limit and a cashier gives it
    approver: ApproverIn | None = None

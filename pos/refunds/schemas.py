"""Request bodies of the refund and void API (DESIGN §5); they also make /api/openapi.json."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from pos.auth.approval import ApproverIn
from pos.sales.enums import PaymentMethod
from pos.sales.schemas import MAX_WON, _no_card_number, one_of


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RefundLineIn(_Strict):
    #: 1-based place of the line in the ``lines`` of GET /api/sales/ID
    line: int = Field(ge=1, le=200)
    qty: int = Field(ge=1, le=999)


class RefundPaymentIn(_Strict):
    method: one_of(PaymentMethod)  # type: ignore[valid-type]
    amount: int = Field(ge=1, le=MAX_WON)
    #: 취소 승인번호 typed from the card terminal (required for a card refund)
    approval_no: Annotated[str | None, _no_card_number("취소 승인번호")] = Field(
        default=None, max_length=30, pattern=r"^[0-9A-Za-z-]{1,30}$"
    )


Reason = Annotated[str, Field(min_length=1, max_length=200)]


class RefundIn(_Strict):
    """Some lines (``lines``) or, without them, all that is left of the sale."""

    id: UUID
    lines: list[RefundLineIn] | None = Field(default=None, min_length=1, max_length=200)
    reason: Reason
    payments: list[RefundPaymentIn] = Field(min_length=1, max_length=10)
    #: a manager's PIN or password when a cashier refunds
    approver: ApproverIn | None = None


class VoidIn(_Strict):
    """결제 취소 of the whole sale; ``payments`` default to the sale's own tenders."""

    id: UUID
    reason: Reason
    payments: list[RefundPaymentIn] | None = Field(default=None, min_length=1, max_length=10)
    approver: ApproverIn | None = None

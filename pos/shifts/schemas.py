"""Request and response bodies of the shift, cash movement and Z report API (DESIGN §5
"Café operations"); the same classes generate /api/openapi.json."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: the most cash a drawer is thought to hold (a typo guard, like MAX_WON of a sale)
MAX_CASH = 100_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PrintQueuedOut(_Out):
    status: str
    label: str


class ShiftIn(_Strict):
    #: made by the tablet, so a retried open finds the same shift
    id: UUID
    #: 시작 현금: the cash in the drawer at the start
    opening_float: int = Field(ge=0, le=MAX_CASH)


class ShiftCloseIn(_Strict):
    #: 센 현금: the cash counted in the drawer at the close
    counted_cash: int = Field(ge=0, le=MAX_CASH)


class CashMovementIn(_Strict):
    id: UUID
    kind: Literal["pay_in", "pay_out", "no_sale"]
    #: won in (pay_in) or out (pay_out); 0 for a no-sale
    amount: int = Field(default=0, ge=0, le=MAX_CASH)
    reason: str = Field(min_length=1, max_length=120)

    @field_validator("reason")
    @classmethod
    def _visible(cls, value: str) -> str:
        text = " ".join(value.split())
        if not text:
            raise ValueError("사유를 입력하세요")
        return text

    @model_validator(mode="after")
    def _amount_fits_kind(self) -> CashMovementIn:
        if self.kind == "no_sale" and self.amount:
            raise ValueError("돈통 열기에는 금액을 넣지 않습니다")
        if self.kind != "no_sale" and self.amount < 1:
            raise ValueError("금액은 1원 이상이어야 합니다")
        return self


class ZPrintIn(_Strict):
    #: YYYY-MM-DD (Seoul); today when absent
    day: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")


class ShiftOpenedOut(_Out):
    id: str
    opened_at: str
    opening_float: int


class MovementOut(_Out):
    id: str
    kind: str
    label: str
    amount: int
    reason: str
    shift_id: str | None
    created_at: str


class ShiftOut(_Out):
    """A shift's figures (DESIGN §5), live while open and frozen at the close."""

    id: str
    site: str
    user: str
    username: str
    opened_at: str
    closed_at: str | None
    closed: bool
    opening_float: int
    cash_sales: int
    cash_refunds: int
    paid_in: int
    paid_out: int
    expected_cash: int
    counted_cash: int | None
    over_short: int | None
    #: won per payment method: paid less paid back in this shift
    by_method: dict[str, int]
    #: won totals of the shift's sales, refunds and discounts
    sales: int
    refunds: int
    discounts: int
    #: number of sales and refunds
    count: int
    refund_count: int
    movements: list[MovementOut]


class MovementCreatedOut(MovementOut):
    #: the drawer's print job ("none" without a printer)
    print: PrintQueuedOut


class CurrentShiftOut(_Out):
    shift: ShiftOut | None
    #: no open shift: the tablet asks for the opening float
    needs_float: bool
    #: REQUIRE_SHIFT is set: sales are refused without a shift
    required: bool
    #: the last count of a till at the site, a default for the float
    suggested_float: int | None
    #: the open shift began on an earlier day (left open overnight): worth closing first
    stale: bool


class TopItemOut(_Out):
    name: str
    qty: int
    amount: int


class ZShiftOut(_Out):
    id: str
    user: str
    opened_at: str
    closed_at: str | None
    opening_float: int
    expected_cash: int
    counted_cash: int | None
    over_short: int | None
    closed: bool


class ZReportOut(_Out):
    """일일 마감 of a site's day (Seoul). Sales count on their day, refunds on theirs; won
    figures are net of refunds: gross − discounts − refunds = net = taxable + vat + exempt =
    Σ by_method."""

    #: the site's code and name
    site: str
    site_name: str
    day: str
    #: number of sales made that day (voided ones included; see ``voids``)
    sales: int
    #: bar orders (sales with made-to-order items, each an order ticket)
    orders: int
    #: refunds of kind void (결제 취소) made that day
    voids: int
    #: Σ subtotal (before discounts)
    gross: int
    #: Σ won off (line and order discounts)
    discounts: int
    #: Σ won refunded that day, and how many refunds (voids included)
    refunds: int
    refund_count: int
    net: int
    #: 과세물품가액 (VAT excluded), 부가세, 면세물품가액, less refunds
    taxable: int
    vat: int
    exempt: int
    #: paid less paid back per method
    by_method: dict[str, int]
    #: the day's best sellers by units, less refunded units
    top_items: list[TopItemOut]
    #: the tills open at any time of the day
    shifts: list[ZShiftOut]
    #: 현금영수증 asked for that day without an approval number yet
    cash_receipts_pending: int
    #: cash put into and taken out of the drawers that day
    paid_in: int
    paid_out: int

"""Event payloads v1 as central reads them: only the fields ingest uses are checked, every other
field a branch sends (its snapshots for receipts and audits) is allowed and ignored, so a
branch may add fields without central refusing its events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

#: a won amount on the wire (int only, never a float or a numeric string)
Won = Annotated[int, Field(strict=True, ge=-(2**62), le=2**62)]
Count = Annotated[int, Field(strict=True, ge=-(2**31), le=2**31 - 1)]
#: text without NUL characters: PostgreSQL stores none, and one would fail the whole batch
#: (a 503 the branch retried for ever) instead of rejecting its event
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
Uid = Annotated[Text, Field(min_length=1, max_length=36)]
Brn = Annotated[Text, Field(min_length=10, max_length=10)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore")


def _naive_utc(value: datetime) -> datetime:
    """Times are stored naive UTC; a time with a zone (a shift's Seoul time) is converted."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


#: a time as stored: naive UTC (a validator on these fields only, not on every field of every
#: event, which ingest paid for once per field of every sale)
UtcTime = Annotated[datetime, AfterValidator(_naive_utc)]


class ReceiptIn(Payload):
    vendor_brn: Brn
    vendor_name: Text = Field(max_length=200)
    total: Won
    taxable_supply: Won
    vat: Won
    exempt: Won


class SaleLineIn(Payload):
    product_uid: Uid
    vendor_brn: Brn
    sku: Text = Field(max_length=40)
    name: Text = Field(max_length=200)
    tax: Literal["taxable", "exempt"]
    qty: Count
    unit_price: Won
    amount: Won
    #: won off the line (its own and its share of the sale's discount)
    discount: Won
    track_stock: bool = False
    #: the 만원의 행복 campaign the line counted for when sold (a snapshot), by name
    campaign: Text | None = Field(default=None, max_length=60)


class PaymentIn(Payload):
    method: Text = Field(min_length=1, max_length=20)
    amount: Won


class SaleIn(Payload):
    id: Uid
    number: Count
    business_day: date
    receipt_no: Text = Field(max_length=40)
    created_at: UtcTime
    user: Text | None = Field(default=None, max_length=60)
    subtotal: Won
    discount: Won
    total: Won
    taxable_supply: Won
    vat: Won
    exempt: Won
    lines: list[SaleLineIn] = Field(min_length=1, max_length=1000)
    payments: list[PaymentIn] = Field(max_length=100)
    receipts: list[ReceiptIn] = Field(min_length=1, max_length=100)


class RefundLineIn(Payload):
    #: 1-based place of the sale line
    line: Count
    product_uid: Uid
    vendor_brn: Brn
    tax: Literal["taxable", "exempt"]
    qty: Count
    amount: Won
    restocked: bool = False
    campaign: Text | None = Field(default=None, max_length=60)


class RefundIn(Payload):
    id: Uid
    sale_id: Uid
    kind: Text = Field(max_length=16)
    receipt_no: Text = Field(max_length=40)
    business_day: date
    created_at: UtcTime
    reason: Text = Field(default="", max_length=200)
    total: Won
    taxable_supply: Won
    vat: Won
    exempt: Won
    lines: list[RefundLineIn] = Field(min_length=1, max_length=1000)
    payments: list[PaymentIn] = Field(max_length=100)
    receipts: list[ReceiptIn] = Field(min_length=1, max_length=100)


class StockMoveIn(Payload):
    id: Uid
    product_uid: Uid
    qty: Count
    reason: Text = Field(min_length=1, max_length=24)
    ref: Text = Field(default="", max_length=80)
    note: Text = Field(default="", max_length=200)
    at: UtcTime
    #: a transfer_out names the receiving site and the id of its arrival, booked with it
    to_site: Text | None = Field(default=None, min_length=1, max_length=40)
    arrival_id: Uid | None = None


class ShiftOpenedIn(Payload):
    id: Uid
    opened_at: UtcTime
    opening_float: Won
    user: Text | None = Field(default=None, max_length=60)


class ShiftClosedIn(Payload):
    id: Uid
    opened_at: UtcTime
    closed_at: UtcTime
    opening_float: Won
    username: Text | None = Field(default=None, max_length=60)
    counted_cash: Won
    expected_cash: Won
    over_short: Won
    cash_sales: Won = 0
    cash_refunds: Won = 0
    sales: Won = 0
    refunds: Won = 0
    discounts: Won = 0


class CashMovedIn(Payload):
    id: Uid
    kind: Text = Field(min_length=1, max_length=16)
    amount: Won
    reason: Text = Field(default="", max_length=200)
    shift_id: Text | None = Field(default=None, max_length=36)
    created_at: UtcTime
    user: Text | None = Field(default=None, max_length=60)


class FairIn(Payload):
    code: Text = Field(min_length=1, max_length=32)
    name: Text = Field(max_length=120)
    date: date
    place: Text = Field(default="", max_length=200)
    state: Literal["planned", "open", "closed"]
    opened_at: UtcTime | None = None
    closed_at: UtcTime | None = None
    gross: Won | None = None
    sales: Count | None = None
    vendors: Count | None = None


class DonationIn(Payload):
    id: Uid
    campaign: Text = Field(min_length=1, max_length=60)
    qty: Count = Field(ge=1)
    day: date
    recipient: Text = Field(default="", max_length=120)
    product_uid: Uid | None = None

"""Request bodies of the fair API (strict JSON: "3" is not a number, letters in a count are
refused with a Korean message before anything is looked up)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pos.api import MAX_ID

from ..imports_read import clean_text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FairVendorIn(_Strict):
    brn: str = Field(max_length=20)
    booth: str = Field(min_length=1, max_length=20)
    #: percent with up to two decimals; omitted = the fair's default
    commission_pct: float | None = Field(default=None, ge=0, le=100)

    @field_validator("booth")
    @classmethod
    def _visible(cls, value: str) -> str:
        value = clean_text(value).strip()
        if not value:
            raise ValueError("부스 번호를 적어 주세요")
        return value


class ConsignLineIn(_Strict):
    product_id: int = Field(ge=1, le=MAX_ID)
    qty: int = Field(le=100_000)

    @field_validator("qty")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("수량은 1 이상이어야 합니다")
        return value


class ConsignmentIn(_Strict):
    #: made by the tablet, so a retried check-in is booked once
    id: UUID
    brn: str = Field(max_length=20)
    lines: list[ConsignLineIn] = Field(min_length=1, max_length=500)
    #: the vendor's name as signed on the tablet; may follow with POST …/sign
    signed_by: str = Field(default="", max_length=60)


class SignIn(_Strict):
    signed_by: str = Field(min_length=1, max_length=60)


class CountLineIn(_Strict):
    product_id: int = Field(ge=1, le=MAX_ID)
    counted: int = Field(le=1_000_000)

    @field_validator("counted")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("센 수량은 0 이상이어야 합니다")
        return value


class CountIn(_Strict):
    id: UUID
    brn: str = Field(max_length=20)
    lines: list[CountLineIn] = Field(min_length=1, max_length=500)


class AdjustmentIn(_Strict):
    id: UUID | None = None
    brn: str = Field(max_length=20)
    reason: str = Field(min_length=1, max_length=500)
    product_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    #: + more units went back to the vendor than counted, − fewer
    qty: int = Field(default=0, ge=-100_000, le=100_000)
    #: won added to (or, negative, taken off) the amount payable
    amount: int = Field(default=0, ge=-100_000_000, le=100_000_000)

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        value = clean_text(value).strip()
        if not value:
            raise ValueError("조정 사유를 적어 주세요")
        return value


class BoothIn(_Strict):
    #: the vendor this tablet sells for; null = 공동 계산대 (every vendor's goods)
    brn: str | None = Field(default=None, max_length=14)


class PrintSlipIn(_Strict):
    #: one vendor's slip; omitted = every vendor's
    brn: str | None = Field(default=None, max_length=14)


class FairVendorOut(BaseModel):
    brn: str
    name: str
    booth: str
    commission_pct: float


class FairOut(BaseModel):
    code: str
    name: str
    place: str
    date: str
    opens: str
    closes: str
    rain_date: str | None
    state: str
    commission_pct: float
    payment_methods: list[str]
    vendors: list[FairVendorOut]


class FairListOut(BaseModel):
    fairs: list[FairOut]


class ConsignLineOut(BaseModel):
    product_id: int
    qty: int


class ConsignmentOut(BaseModel):
    id: str
    brn: str
    vendor: str
    signed_by: str | None
    signed_at: str | None
    lines: list[ConsignLineOut]
    #: False when this answers a retry of the same id
    created: bool


class CountLineOut(BaseModel):
    product_id: int
    #: what the ledger said was left
    expected: int
    counted: int
    #: expected − counted
    variance: int


class CountOut(BaseModel):
    id: str
    brn: str
    vendor: str
    lines: list[CountLineOut]
    created: bool


class AdjustmentOut(BaseModel):
    id: str
    brn: str
    vendor: str
    product_id: int | None
    qty: int
    amount: int
    reason: str
    created_at: str


class BoothVendorOut(BaseModel):
    brn: str
    name: str
    booth: str


class BoothOut(BaseModel):
    #: the vendor this tablet sells for; null = 공동 계산대
    booth: BoothVendorOut | None
    joint: bool
    vendors: list[BoothVendorOut]


class BoardProductOut(BaseModel):
    product_id: int
    sku: str
    name: str
    brought: int
    sold: int
    left: int
    low: bool
    sold_out: bool


class BoardVendorOut(BaseModel):
    brn: str
    name: str
    booth: str
    gross: int
    products: list[BoardProductOut]


class HourOut(BaseModel):
    #: local (Asia/Seoul) hour, 0–23
    hour: int
    gross: int


class BoardOut(BaseModel):
    state: str
    gross: int
    sales: int
    per_hour: list[HourOut]
    vendors: list[BoardVendorOut]


class SettlementRowOut(BaseModel):
    brn: str
    name: str
    booth: str
    brought: int
    sold: int
    returned: int
    variance: int
    gross: int
    refunds: int
    by_method: dict[str, int]
    commission_pct: float
    commission: int
    adjustments: int
    payable: int


class SettlementTotalsOut(BaseModel):
    brought: int
    sold: int
    returned: int
    variance: int
    gross: int
    refunds: int
    commission: int
    adjustments: int
    payable: int
    by_method: dict[str, int]


class SettlementOut(BaseModel):
    state: str
    #: the payment methods in by_method, in the cashier's order
    methods: list[str]
    vendors: list[SettlementRowOut]
    totals: SettlementTotalsOut


class PrintedOut(BaseModel):
    printed: int

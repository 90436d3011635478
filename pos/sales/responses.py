"""Response bodies of the sales API, for the OpenAPI document (the views build the JSON from
the SaleRecord; tests check the two agree)."""

from __future__ import annotations

from pydantic import BaseModel as _PydanticModel
from pydantic import ConfigDict


class BaseModel(_PydanticModel):
    #: a field the view sends but the document does not name fails the agreement test
    model_config = ConfigDict(extra="forbid")


class OptionOut(BaseModel):
    id: int
    name: str
    price_delta: int


class OptionGroupOut(BaseModel):
    id: int
    name: str
    required: bool
    max_select: int
    options: list[OptionOut]


class VendorRef(BaseModel):
    id: int
    name: str
    brn: str | None = None


class ProductOut(BaseModel):
    id: int
    sku: str
    barcode: str | None
    name: str
    price: int
    tax: str
    category: str | None
    vendor: VendorRef
    track_stock: bool
    on_hand: int | None
    sold_out: bool
    #: the low-stock threshold at this site (None = no warning)
    low_stock: int | None = None
    #: on-hand is at or below the threshold: the cashier screen shows a badge
    low: bool = False
    option_groups: list[OptionGroupOut]


class CatalogVersionOut(BaseModel):
    version: str


class SiteRef(BaseModel):
    code: str
    name: str
    kind: str


class CatalogOut(BaseModel):
    site: SiteRef
    #: changes when this answer may change (see GET /api/catalog/version)
    version: str | None = None
    categories: list[str]
    products: list[ProductOut]


class LineOptionOut(BaseModel):
    id: int
    group: str
    name: str
    price_delta: int


class SaleLineOut(BaseModel):
    product_id: int
    sku: str
    name: str
    options: list[LineOptionOut]
    unit_price: int
    qty: int
    amount: int
    #: every won taken off this line (its own discount and its share of the order's)
    discount: int
    #: won off by this line's own discount
    line_discount: int = 0
    discount_reason: str | None = None
    tax: str
    #: index into ``receipts``: which legal seller sold this line
    receipt: int
    #: units given back by refunds so far (GET /api/sales/ID)
    refunded: int | None = None
    #: units that may still be refunded (GET /api/sales/ID)
    refundable: int | None = None


class SellerOut(BaseModel):
    brn: str
    name: str
    owner: str


class VendorReceiptOut(BaseModel):
    vendor: SellerOut
    receipt_no: str
    subtotal: int
    discount: int
    total: int
    taxable: int
    vat: int
    exempt: int


class PaymentOut(BaseModel):
    method: str
    label: str
    amount: int
    tendered: int | None
    change: int | None
    approval_no: str | None
    issuer: str | None
    card_no: str | None
    installment: int | None
    taxable: int
    vat: int
    exempt: int


class CashReceiptOut(BaseModel):
    purpose: str
    label: str
    #: masked: never the full number
    identifier: str
    amount: int
    #: 현금영수증 승인번호 once the cashier recorded it
    approval_no: str | None = None
    issued: bool = False


class PrintStatusOut(BaseModel):
    status: str
    label: str
    error: str | None = None


class RefundLineRef(BaseModel):
    #: 1-based place of the sale line
    line: int
    qty: int
    amount: int


class SaleRefundOut(BaseModel):
    """One refund (환불) or void (결제 취소) of the sale; amounts positive."""

    id: str
    kind: str
    label: str
    receipt_no: str
    total: int
    reason: str
    created_at: str
    lines: list[RefundLineRef]


class SaleOut(BaseModel):
    """A sale as placed: ``taxable + vat + exempt = total`` (``taxable`` is 공급가액)."""

    id: str
    number: int
    receipt_no: str
    status: str
    site: str
    cashier: str
    created_at: str
    subtotal: int
    #: every won taken off (line discounts and the order discount)
    discount: int
    #: won off the whole order
    order_discount: int = 0
    discount_reason: str | None = None
    #: "here" (매장) or "togo" (포장)
    order_type: str | None = None
    total: int
    taxable: int
    taxable_total: int
    vat: int
    exempt: int
    change: int
    lines: list[SaleLineOut]
    receipts: list[VendorReceiptOut]
    payments: list[PaymentOut]
    cash_receipt: CashReceiptOut | None
    receipt_url: str
    refunds: list[SaleRefundOut] = []
    #: won given back so far over every refund
    refunded_total: int = 0
    #: won that may still be refunded
    refundable_total: int = 0
    #: 결제 취소 is still possible (within VOID_MINUTES, nothing refunded)
    voidable: bool = False
    print: PrintStatusOut


class PrintJobOut(BaseModel):
    id: int
    #: "receipt" (영수증) or "refund" (반품 영수증)
    kind: str = "receipt"
    kind_label: str = "영수증"
    #: the refund's id for a 반품 영수증
    ref: str | None = None
    sale_id: str
    number: int
    receipt_no: str
    total: int
    reprint: bool
    status: str
    label: str
    attempts: int
    error: str | None
    error_code: str | None


class PrintJobsOut(BaseModel):
    user: str
    jobs: list[PrintJobOut]

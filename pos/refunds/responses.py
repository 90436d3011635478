"""Response bodies of the refund API, for the OpenAPI document (tests check they agree)."""

from __future__ import annotations

from pos.sales.responses import BaseModel, PrintStatusOut


class RefundedLineOut(BaseModel):
    #: 1-based place of the sale line
    line: int
    name: str
    qty: int
    #: won given back for these units (positive)
    amount: int
    #: the units went back into stock
    restocked: bool


class RefundPaymentOut(BaseModel):
    method: str
    label: str
    amount: int
    #: 취소 승인번호 of a card refund
    approval_no: str | None


class RefundVendorOut(BaseModel):
    brn: str
    name: str


class RefundReceiptOut(BaseModel):
    """The 반품 영수증 of one vendor of the sale."""

    receipt_no: str
    original_receipt_no: str
    vendor: RefundVendorOut
    total: int
    taxable: int
    vat: int
    exempt: int


class RefundOut(BaseModel):
    """A refund or void: ``taxable + vat + exempt = total``, all positive."""

    id: str
    sale_id: str
    kind: str
    label: str
    receipt_no: str
    original_receipt_no: str
    reason: str
    created_at: str
    total: int
    taxable: int
    vat: int
    exempt: int
    approver: str | None
    lines: list[RefundedLineOut]
    payments: list[RefundPaymentOut]
    receipts: list[RefundReceiptOut]
    #: the sale's status after it: partly_refunded, refunded or voided
    sale_status: str
    print: PrintStatusOut


class TodaySaleOut(BaseModel):
    id: str
    number: int
    receipt_no: str
    created_at: str
    total: int
    status: str
    #: the status in Korean (완료, 부분 환불, 환불됨, 결제 취소)
    label: str
    cashier: str | None
    refundable_total: int
    voidable: bool


class TodaySalesOut(BaseModel):
    day: str
    sales: list[TodaySaleOut]

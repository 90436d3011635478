"""Sales with line snapshots: what was sold, at what price, by which seller, at that moment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, utcnow
from pos.enums import check_in

# the labels are re-exported: the cashier page and older importers take them from here
from .enums import CASH_LIKE as CASH_LIKE
from .enums import CASH_RECEIPT_PURPOSES as CASH_RECEIPT_PURPOSES
from .enums import PAYMENT_METHODS as PAYMENT_METHODS
from .enums import CashReceiptPurpose, PaymentMethod, SaleStatus


class Sale(db.Model):
    __tablename__ = "sales"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_nonneg"),
        CheckConstraint("discount >= 0 and discount <= subtotal", name="discount_range"),
        CheckConstraint("taxable_supply + vat + exempt = total", name="vat_adds_up"),
        UniqueConstraint("site_id", "business_day", "number", name="uq_sales_site_day_number"),
        check_in("status", SaleStatus, "status"),
    )

    #: UUID made by the tablet, so a retried checkout finds the same sale
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the day's order number at this site (주문번호)
    number: Mapped[int] = mapped_column(Integer)
    #: local (Asia/Seoul) calendar day the number belongs to
    business_day: Mapped[date] = mapped_column(Date, index=True)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=SaleStatus.COMPLETED.value)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger)
    #: VAT-inclusive taxable total after discounts (T in DESIGN §4)
    taxable_total: Mapped[int] = mapped_column(BigInteger)
    taxable_supply: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)
    exempt: Mapped[int] = mapped_column(BigInteger)
    change_due: Mapped[int] = mapped_column(BigInteger, default=0)
    #: hash of the checkout body, so a different body under a used id is refused
    request_hash: Mapped[str] = mapped_column(String(64))
    #: unguessable token of the public e-receipt page
    receipt_token: Mapped[str] = mapped_column(String(64))
    receipt_url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    #: the cashier's open shift when the sale was made (None: no shift was open)
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    #: 매장 (here) or 포장 (togo); printed on the bar's ticket
    order_type: Mapped[str | None] = mapped_column(String(8))
    #: why the order discount was given (from the manager's list)
    discount_reason: Mapped[str | None] = mapped_column(String(60))
    #: the manager whose PIN approved a discount over the site's limit
    discount_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lines: Mapped[list[SaleLine]] = relationship(
        back_populates="sale", order_by="SaleLine.position", cascade="all, delete-orphan"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="sale", order_by="Payment.position", cascade="all, delete-orphan"
    )
    receipts: Mapped[list[SaleReceipt]] = relationship(
        back_populates="sale", order_by="SaleReceipt.position", cascade="all, delete-orphan"
    )
    cash_receipt: Mapped[CashReceipt | None] = relationship(
        back_populates="sale", cascade="all, delete-orphan"
    )
    site = relationship("Site")
    user = relationship("User", foreign_keys=[user_id])


class SaleReceipt(db.Model):
    """One per legal seller in the cart, with the seller's details copied at the time of sale."""

    __tablename__ = "sale_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(44))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    vendor_name: Mapped[str] = mapped_column(String(120))
    vendor_owner: Mapped[str] = mapped_column(String(60))
    vendor_brn: Mapped[str] = mapped_column(String(10))
    vendor_address: Mapped[str] = mapped_column(String(200))
    vendor_phone: Mapped[str] = mapped_column(String(40))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    taxable_supply: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)
    exempt: Mapped[int] = mapped_column(BigInteger)

    sale: Mapped[Sale] = relationship(back_populates="receipts")


class SaleLine(db.Model):
    __tablename__ = "sale_lines"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_pos"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: index into the sale's receipts (which seller this line belongs to)
    receipt_position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    #: JSON list of {"id", "group", "name", "price_delta"} as chosen
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    #: product price plus option deltas, one unit
    unit_price: Mapped[int] = mapped_column(BigInteger)
    qty: Mapped[int] = mapped_column(Integer)
    #: unit_price * qty, before the sale discount
    amount: Mapped[int] = mapped_column(BigInteger)
    #: this line's share of the discounts (its own line discount included)
    discount_share: Mapped[int] = mapped_column(BigInteger, default=0)
    #: won taken off this line by a per-line discount (part of ``discount_share``)
    line_discount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    line_discount_reason: Mapped[str | None] = mapped_column(String(60))
    #: made to order: printed on the bar's ticket and shown on the order board
    made_to_order: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: 만원의 행복: each unit sold owes one unit to the campaign's donation
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    tax: Mapped[str] = mapped_column(String(10))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    track_stock: Mapped[bool] = mapped_column(default=False)

    sale: Mapped[Sale] = relationship(back_populates="lines")


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_pos"),
        check_in("method", PaymentMethod, "method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    #: cash handed over (받은 금액)
    tendered: Mapped[int | None] = mapped_column(BigInteger)
    change: Mapped[int] = mapped_column(BigInteger, default=0)
    #: typed from the separate card terminal
    approval_no: Mapped[str | None] = mapped_column(String(30))
    issuer: Mapped[str | None] = mapped_column(String(30))
    #: never the full number: first 4 and last 4 at most
    masked_card: Mapped[str | None] = mapped_column(String(25))
    installment: Mapped[int | None] = mapped_column(Integer)

    sale: Mapped[Sale] = relationship(back_populates="payments")


class CashReceipt(db.Model):
    """현금영수증 request. The identifier is stored masked; 주민등록번호 is never accepted."""

    __tablename__ = "cash_receipts"
    __table_args__ = (check_in("purpose", CashReceiptPurpose, "purpose"),)

    sale_id: Mapped[str] = mapped_column(
        ForeignKey("sales.id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    #: phone, brn or card
    id_type: Mapped[str] = mapped_column(String(10))
    masked_id: Mapped[str] = mapped_column(String(30))
    #: 현금영수증 승인번호 from the card terminal or 홈택스, once the cashier has it
    approval_no: Mapped[str | None] = mapped_column(String(30))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    sale: Mapped[Sale] = relationship(back_populates="cash_receipt")


class OrderCounter(db.Model):
    """The day's order numbers per site, incremented inside the sale's transaction."""

    __tablename__ = "order_counters"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class DiscountReason(db.Model):
    """The reasons a cashier may pick for a discount, kept by the manager (직원 할인, 쿠폰 …)."""

    __tablename__ = "discount_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)


# shifts and campaigns are foreign key targets of sales and their lines
from inventory.campaigns import models as _campaign_models  # noqa: E402,F401
from pos.shifts import models as _shift_models  # noqa: E402,F401

"""Refunds and voids: what was given back, of which sale line, paid back how, approved by whom.

A refund never changes the sale's lines: it is its own record with positive amounts, and what
is left to refund is the sale's lines less every refund's lines (checked under a lock on the
sale, so two refunds at once cannot give back more than was sold).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, utcnow
from pos.enums import check_in


class RefundKind(StrEnum):
    REFUND = "refund"  #: 환불 (반품): some lines or the whole sale, any time later
    VOID = "void"  #: 결제 취소: the whole sale, rung up by mistake, within minutes


REFUND_KIND_LABELS = {RefundKind.REFUND: "환불", RefundKind.VOID: "결제 취소"}


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("total > 0", name="total_pos"),
        CheckConstraint("taxable_supply + vat + exempt = total", name="vat_adds_up"),
        check_in("kind", RefundKind, "kind"),
    )

    #: UUID made by the tablet: a retried refund finds this one
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    #: who made the refund (its cash counts in this user's open shift)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the manager whose PIN approved it (None: a manager made it)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=RefundKind.REFUND.value)
    reason: Mapped[str] = mapped_column(String(200))
    #: the sale's receipt number with -R1, -R2 … (printed on the 반품 영수증)
    receipt_no: Mapped[str] = mapped_column(String(50), unique=True)
    #: local calendar day of the refund (the Z report of that day counts it)
    business_day: Mapped[date] = mapped_column(Date, index=True)
    total: Mapped[int] = mapped_column(BigInteger)
    #: VAT-inclusive taxable amount refunded
    taxable_total: Mapped[int] = mapped_column(BigInteger)
    taxable_supply: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)
    exempt: Mapped[int] = mapped_column(BigInteger)
    #: hash of the request body: the same id with another body is 409
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    lines: Mapped[list[RefundLine]] = relationship(
        back_populates="refund", order_by="RefundLine.id", cascade="all, delete-orphan"
    )
    payments: Mapped[list[RefundPayment]] = relationship(
        back_populates="refund", order_by="RefundPayment.position", cascade="all, delete-orphan"
    )
    sale = relationship("Sale")


class RefundLine(db.Model):
    __tablename__ = "refund_lines"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_pos"),
        CheckConstraint("amount >= 0", name="amount_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[str] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"), index=True)
    #: 0-based position of the sale line (the API's ``line`` is this + 1)
    sale_line_position: Mapped[int] = mapped_column(Integer)
    #: which of the sale's vendor receipts the line was on
    receipt_position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    name: Mapped[str] = mapped_column(String(120))
    tax: Mapped[str] = mapped_column(String(10))
    qty: Mapped[int] = mapped_column(Integer)
    #: won given back for these units, after their share of discounts (positive)
    amount: Mapped[int] = mapped_column(BigInteger)
    #: the tracked units went back on the shelf (a 'refund' stock move)
    restocked: Mapped[bool] = mapped_column(default=False)

    refund: Mapped[Refund] = relationship(back_populates="lines")


class RefundPayment(db.Model):
    """How the money went back; a card refund carries the terminal's cancellation number."""

    __tablename__ = "refund_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_pos"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[str] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: a PaymentMethod value
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    #: 취소 승인번호 typed from the card terminal
    approval_no: Mapped[str | None] = mapped_column(String(30))

    refund: Mapped[Refund] = relationship(back_populates="payments")

"""A cashier's shift at a site: the opening float, cash paid in and out, and the closing count.

Sales and refunds name the shift they were made in (``sales.shift_id``, ``refunds.shift_id``),
so the drawer's expected cash is a sum over rows that already exist, never a running figure
that a crash could leave half-updated.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, utcnow
from pos.enums import check_in


class Shift(db.Model):
    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("opening_float >= 0", name="float_nonneg"),
        CheckConstraint("counted_cash is null or counted_cash >= 0", name="counted_nonneg"),
        # one open shift per cashier and site (DESIGN §5: a second open is 409)
        Index(
            "uq_shifts_open_per_user",
            "site_id",
            "user_id",
            unique=True,
            sqlite_where=db.text("closed_at is null"),
            postgresql_where=db.text("closed_at is null"),
        ),
    )

    #: UUID made by the tablet, so a retried open finds the same shift
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    opening_float: Mapped[int] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    counted_cash: Mapped[int | None] = mapped_column(BigInteger)
    #: frozen at close, so the closing slip can be read again as it was
    expected_cash: Mapped[int | None] = mapped_column(BigInteger)
    over_short: Mapped[int | None] = mapped_column(BigInteger)

    user = relationship("User")


class CashMoveKind(StrEnum):
    PAY_IN = "pay_in"  #: cash put into the drawer (잔돈 보충)
    PAY_OUT = "pay_out"  #: cash taken out to pay for something (우유 구입)
    NO_SALE = "no_sale"  #: the drawer opened without a sale (amount 0)


CASH_MOVE_LABELS = {
    CashMoveKind.PAY_IN: "입금",
    CashMoveKind.PAY_OUT: "출금",
    CashMoveKind.NO_SALE: "돈통 열기",
}


class CashMovement(db.Model):
    """Cash in or out of the drawer outside a sale, or the drawer opened with a reason."""

    __tablename__ = "cash_movements"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_nonneg"),
        check_in("kind", CashMoveKind, "kind"),
    )

    #: UUID made by the tablet (a retried request records it once)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


def open_shift_id(site_id: int, user_id: int | None) -> str | None:
    """The user's open shift at the site, or None (a sale or refund records it)."""
    if user_id is None:
        return None
    return db.session.execute(
        select(Shift.id).where(
            Shift.site_id == site_id, Shift.user_id == user_id, Shift.closed_at.is_(None)
        )
    ).scalar()

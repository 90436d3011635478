"""Fair tables. A fair is a site of kind ``fair`` with one row here for its event details."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, utcnow
from pos.enums import check_in, values
from pos.versions import watch


class FairState(StrEnum):
    """planned → open → closed; nothing goes back (corrections are adjustments)."""

    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


FAIR_STATES = values(FairState)
FAIR_STATE_LABELS = {
    FairState.PLANNED: "준비 중",
    FairState.OPEN: "진행 중",
    FairState.CLOSED: "마감",
}


class Fair(db.Model):
    """The event held at a fair site: when, where, its state and default commission."""

    __tablename__ = "fairs"
    __table_args__ = (
        check_in("state", FairState, "state"),
        CheckConstraint("commission_bp >= 0 and commission_bp <= 10000", name="commission_range"),
    )

    #: the fair's site (kind ``fair``); one event per fair site
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[date] = mapped_column(Date)
    #: local (Asia/Seoul) opening and closing time, "HH:MM"
    opens: Mapped[str] = mapped_column(String(5))
    closes: Mapped[str] = mapped_column(String(5))
    #: 우천 시 예비일
    rain_date: Mapped[date | None] = mapped_column(Date)
    #: one of FairState
    state: Mapped[str] = mapped_column(String(16), default=FairState.PLANNED.value)
    #: default commission in hundredths of a percent (12.5 % = 1250), so it stays an integer
    commission_bp: Mapped[int] = mapped_column(Integer, default=0)
    #: accepted payment methods, comma-separated; empty = every method
    payment_methods: Mapped[str] = mapped_column(String(200), default="")
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    site = relationship("Site")


class FairVendor(db.Model):
    """A vendor taking part in a fair: its booth and, if it differs, its own commission."""

    __tablename__ = "fair_vendors"
    __table_args__ = (
        CheckConstraint(
            "commission_bp is null or (commission_bp >= 0 and commission_bp <= 10000)",
            name="commission_range",
        ),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("fairs.site_id"), primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), primary_key=True)
    #: booth label as signposted, e.g. "A-3"
    booth: Mapped[str] = mapped_column(String(20), default="")
    #: hundredths of a percent; None = the fair's default
    commission_bp: Mapped[int | None] = mapped_column(Integer)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    vendor = relationship("Vendor")


class Consignment(db.Model):
    """Goods one vendor brought to a fair, checked in together and signed off by the vendor."""

    __tablename__ = "consignments"

    #: UUID made by the tablet, so a retried check-in is not booked twice
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("fairs.site_id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: who signed for the vendor (name typed or written on the tablet); "" = not yet signed
    signed_by: Mapped[str] = mapped_column(String(60), default="")
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(200), default="")
    #: fingerprint of the request body, so a different body under a used id is refused
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    lines: Mapped[list[ConsignmentLine]] = relationship(
        order_by="ConsignmentLine.position", cascade="all, delete-orphan"
    )


class ConsignmentLine(db.Model):
    __tablename__ = "consignment_lines"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    consignment_id: Mapped[str] = mapped_column(
        ForeignKey("consignments.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    qty: Mapped[int] = mapped_column(BigInteger)


class FairCount(db.Model):
    """A vendor's remainder counted after close and handed back (consign_return moves)."""

    __tablename__ = "fair_counts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("fairs.site_id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    lines: Mapped[list[FairCountLine]] = relationship(
        order_by="FairCountLine.position", cascade="all, delete-orphan"
    )


class FairCountLine(db.Model):
    __tablename__ = "fair_count_lines"
    __table_args__ = (CheckConstraint("counted >= 0", name="counted_nonneg"),)

    count_id: Mapped[str] = mapped_column(
        ForeignKey("fair_counts.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    #: what the ledger said was left when counted
    expected: Mapped[int] = mapped_column(BigInteger)
    counted: Mapped[int] = mapped_column(BigInteger)


class FairAdjustment(db.Model):
    """An explicit, audited correction after close: units returned and/or won payable."""

    __tablename__ = "fair_adjustments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("fairs.site_id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    #: signed change of units returned to the vendor (a stock move is booked with it)
    qty: Mapped[int] = mapped_column(BigInteger, default=0)
    #: signed won added to the amount payable
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    #: why (required): the audit trail of the locked event
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# a fair's vendors decide what its cashier screen offers; its state is read per sale
watch(Fair, FairVendor)

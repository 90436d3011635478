"""만원의 행복 (buy one, one is donated): campaigns, and donations handed over.

What is owed is counted from the sale lines that carry the campaign (less refunds); what was
handed over is a ``Donation`` with its own 'donation' stock move, so owed − donated is always
a sum of rows, never a counter.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pos.db import db, utcnow
from pos.versions import version_column, versioned


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    #: the unit printed on the receipt: "1팩 기부 적립"
    unit: Mapped[str] = mapped_column(String(10), default="개")
    #: who usually receives the donations (e.g. 만수7단지 무료급식소)
    recipient: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: catalog version of the last change that flows down to branches (see pos.versions)
    version: Mapped[int] = version_column()


versioned(Campaign, "campaign", lambda c: c.name, local=("created_at",))


class Donation(db.Model):
    __tablename__ = "donations"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_pos"),)

    #: UUID made by the form, so a double submit records one donation
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    day: Mapped[date] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(120))
    qty: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

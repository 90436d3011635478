"""The bar's order board: one ticket per sale with made-to-order items, waiting until done."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pos.db import db, utcnow
from pos.enums import check_in


class TicketStatus(StrEnum):
    WAITING = "waiting"  #: 제조 중
    DONE = "done"  #: 완료 (called out / handed over)


class OrderTicket(db.Model):
    __tablename__ = "order_tickets"
    __table_args__ = (check_in("status", TicketStatus, "status"),)

    sale_id: Mapped[str] = mapped_column(
        ForeignKey("sales.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    business_day: Mapped[date] = mapped_column(Date, index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=TicketStatus.WAITING.value)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

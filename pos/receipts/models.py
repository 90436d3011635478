"""The persistent print queue: a sale never waits for, or fails because of, the printer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, utcnow

JOB_STATUS = {
    "pending": "출력 대기",
    "retrying": "재시도 중",
    "printed": "출력됨",
    "failed": "출력 실패",
}


class PrintJob(db.Model):
    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id", ondelete="CASCADE"), index=True)
    #: a reprint carries the 재출력 mark
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    #: pending -> printed, or -> retrying -> ... -> printed | failed
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)

    sale = relationship("Sale")

    @property
    def status_label(self) -> str:
        return JOB_STATUS[self.status]

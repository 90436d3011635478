"""The persistent print queue: a sale never waits for, or fails because of, the printer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, utcnow
from pos.enums import check_in


class JobStatus(StrEnum):
    """Where a print job is. ``printed`` only when the printer itself said so afterwards.

    pending -> printed | sent | retrying | failed; retrying -> the same, until the retry
    window closes (then failed). printed, sent and failed are final.
    """

    PENDING = "pending"
    RETRYING = "retrying"  #: a transient fault (off, paper out); tried again with backoff
    PRINTED = "printed"  #: the printer took the job and then reported no fault
    SENT = "sent"  #: the job left, but the printer cannot answer (file target, silent device)
    FAILED = "failed"  #: a permanent fault, or still not printed when the window closed

    @property
    def label(self) -> str:
        return JOB_STATUS[self]

    @property
    def final(self) -> bool:
        return self in (JobStatus.PRINTED, JobStatus.SENT, JobStatus.FAILED)


#: the cashier's words for each status (also imported by the sales views)
JOB_STATUS: dict[str, str] = {
    JobStatus.PENDING: "출력 대기",
    JobStatus.RETRYING: "재시도 중",
    JobStatus.PRINTED: "출력됨",
    JobStatus.SENT: "전송됨",
    JobStatus.FAILED: "출력 실패",
}


class JobKind(StrEnum):
    RECEIPT = "receipt"  #: the sale's receipts (one per vendor)
    REFUND = "refund"  #: 반품 영수증 of a refund (ref = refund id)
    KITCHEN = "kitchen"  #: the bar's ticket of a sale's made-to-order lines
    SHIFT = "shift"  #: a shift's closing slip (ref = shift id)
    ZREPORT = "zreport"  #: 일일 마감 of a site's day (ref = "YYYY-MM-DD")
    DRAWER = "drawer"  #: open the cash drawer only (a no-sale)


#: statuses the worker still has to try
OPEN_STATUSES = (JobStatus.PENDING, JobStatus.RETRYING)


class PrintJob(db.Model):
    __tablename__ = "print_jobs"
    __table_args__ = (
        check_in("status", JobStatus, "status"),
        check_in("kind", JobKind, "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the sale printed (receipt, kitchen ticket, a drawer kick after a cash sale)
    sale_id: Mapped[str | None] = mapped_column(
        ForeignKey("sales.id", ondelete="CASCADE"), index=True
    )
    #: what is printed: a `JobKind` value
    kind: Mapped[str] = mapped_column(String(12), default="receipt", server_default="receipt")
    #: what a non-sale job prints: a refund id, a shift id, "CODE:YYYY-MM-DD" for a Z report
    ref: Mapped[str | None] = mapped_column(String(64))
    #: the site whose printer takes a job without a sale
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    #: "receipt" or "kitchen" (KITCHEN_PRINTER_URL, else the receipt printer)
    target: Mapped[str] = mapped_column(String(10), default="receipt", server_default="receipt")
    #: a reprint carries the 재출력 mark
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    #: a `JobStatus` value
    status: Mapped[str] = mapped_column(String(12), default=JobStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: why the last try did not print, as a Korean sentence for the cashier (no setting names)
    last_error: Mapped[str | None] = mapped_column(String(300))
    #: the same reason for programs: paper_out, cover_open, refused, bad_url ... (printers/)
    error_code: Mapped[str | None] = mapped_column(String(30))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: when the printer confirmed the job (printed) or the job left for a silent one (sent)
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)

    sale = relationship("Sale")

    @property
    def status_label(self) -> str:
        return JOB_STATUS[self.status]

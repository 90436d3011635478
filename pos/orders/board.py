"""The bar's order board: today's tickets of this site, waiting or done.

A voided or fully refunded sale drops off the board, and a line refunded in full no longer
shows (pos.orders.tickets). Done and undo are idempotent: marking a done order done again
keeps when it was first done.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from pos.api import ApiError
from pos.db import db, utcnow
from pos.receipts.models import JobKind, PrintJob
from pos.receipts.queue import print_info
from pos.sales.enums import SaleStatus
from pos.sales.models import Sale
from pos.sales.record import local_time

from .models import OrderTicket, TicketStatus
from .tickets import make_lines, order_type_label

#: sales whose drinks are still to be made or handed over
LIVE_SALES = (SaleStatus.COMPLETED.value, SaleStatus.PARTLY_REFUNDED.value)
STATUSES = ("waiting", "done", "all")

NOT_FOUND = "주문을 찾을 수 없습니다"
CANCELLED = "취소되었거나 환불된 주문입니다"


def today() -> date:
    """The business day: the Seoul date."""
    return local_time(utcnow()).date()


def _rows(site_id: int, status: str, sale_id: str | None = None):
    q = (
        select(OrderTicket, Sale.order_type, Sale.status.label("sale_status"))
        .join(Sale, Sale.id == OrderTicket.sale_id)
        .where(OrderTicket.site_id == site_id)
    )
    if sale_id is not None:
        q = q.where(OrderTicket.sale_id == sale_id)
    else:
        q = q.where(OrderTicket.business_day == today(), Sale.status.in_(LIVE_SALES))
        if status != "all":
            q = q.where(OrderTicket.status == status)
    if status == "done":
        q = q.order_by(OrderTicket.done_at.desc(), OrderTicket.number.desc())
    else:
        q = q.order_by(OrderTicket.number)
    return db.session.execute(q).all()


def ticket_jobs(sale_ids) -> dict[str, PrintJob]:
    """Sale id -> its latest bar ticket job (the board warns when one did not print)."""
    ids = list(sale_ids)
    if not ids:
        return {}
    jobs = db.session.scalars(
        select(PrintJob)
        .where(PrintJob.sale_id.in_(ids), PrintJob.kind == JobKind.KITCHEN)
        .order_by(PrintJob.id)
    ).all()
    return {job.sale_id: job for job in jobs}


def _view(
    ticket: OrderTicket, order_type: str | None, lines, now: datetime, job: PrintJob | None
) -> dict:
    return {
        "sale_id": ticket.sale_id,
        "number": ticket.number,
        "order_type": order_type,
        "label": order_type_label(order_type) or "",
        "created_at": local_time(ticket.created_at).isoformat(),
        "minutes": max(0, int((now - ticket.created_at).total_seconds() // 60)),
        "status": ticket.status,
        "done_at": local_time(ticket.done_at).isoformat() if ticket.done_at else None,
        "lines": [ln.view() for ln in lines],
        "print": print_info(job),
    }


def board_orders(site_id: int, status: str = "waiting") -> list[dict]:
    """Today's orders at the site with something left to make, by number (done: newest done
    first)."""
    if status not in STATUSES:
        raise ApiError(
            422, "invalid_status", "상태는 waiting, done, all 중 하나여야 합니다", "status"
        )
    rows = _rows(site_id, status)
    ids = [r[0].sale_id for r in rows]
    lines, jobs = make_lines(ids), ticket_jobs(ids)
    now = utcnow()
    return [
        _view(ticket, order_type, lines[ticket.sale_id], now, jobs.get(ticket.sale_id))
        for ticket, order_type, _ in rows
        if lines.get(ticket.sale_id)
    ]


def ticket_of(site_id: int, sale_id: str) -> tuple[OrderTicket, str | None]:
    """The site's ticket of this sale (404 if none here), refusing a cancelled sale (409)."""
    rows = _rows(site_id, "all", sale_id)
    if not rows:
        raise ApiError(404, "not_found", NOT_FOUND)
    ticket, order_type, sale_status = rows[0]
    if sale_status not in LIVE_SALES:
        raise ApiError(409, "order_cancelled", CANCELLED)
    return ticket, order_type


def set_done(site_id: int, sale_id: str, user_id: int | None, done: bool = True) -> dict:
    """Mark the order done (or back to waiting); flushes, the view commits."""
    ticket_of(site_id, sale_id)
    if done:
        values = {"status": TicketStatus.DONE.value, "done_at": utcnow(), "done_by": user_id}
        wanted = TicketStatus.WAITING.value  # only a waiting one changes: done stays as it was
    else:
        values = {"status": TicketStatus.WAITING.value, "done_at": None, "done_by": None}
        wanted = TicketStatus.DONE.value
    db.session.execute(
        update(OrderTicket)
        .where(OrderTicket.sale_id == sale_id, OrderTicket.status == wanted)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.expire_all()
    ticket, order_type = ticket_of(site_id, sale_id)
    lines = make_lines([sale_id]).get(sale_id, [])
    return _view(ticket, order_type, lines, utcnow(), ticket_jobs([sale_id]).get(sale_id))

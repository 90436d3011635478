"""Order tickets for the bar: a sale with made-to-order lines waits on the board until done,
and its ticket prints on the kitchen printer (or the receipt printer after the receipt)."""

from __future__ import annotations

from sqlalchemy import insert

from pos.db import db
from pos.receipts.queue import enqueue
from pos.sales.record import SaleRecord

from .models import OrderTicket, TicketStatus


def open_ticket(rec: SaleRecord) -> bool:
    """In the sale's transaction: the board's ticket and the bar's print job, when any line is
    made to order. Returns whether there was one."""
    if not any(ln.made_to_order for ln in rec.lines):
        return False
    db.session.execute(
        insert(OrderTicket.__table__),
        [
            {
                "sale_id": rec.id,
                "site_id": rec.site_id,
                "business_day": rec.business_day,
                "number": rec.number,
                "status": TicketStatus.WAITING.value,
                "created_at": rec.created_at,
                "done_at": None,
                "done_by": None,
            }
        ],
    )
    enqueue(rec.id, kind="kitchen", target="kitchen")
    return True

"""The print jobs of café operations: the bar's ticket (``kitchen``) and a drawer kick
(``drawer``). Registered on the print queue when the orders package is set up."""

from __future__ import annotations

from pos.receipts.models import JobKind, PrintJob
from pos.receipts.queue import printer_settings, renderer
from pos.sales.enums import SaleStatus
from pos.sales.record import load_sale_record, local_time
from printers.drawer import open_drawer_job
from printers.ticket import TicketDocument, TicketItem, render_ticket

from .tickets import make_lines, order_type_label

#: a ticket printed after its sale was cancelled or refunded: no items, this note instead
CANCELLED_NOTE = {
    SaleStatus.VOIDED: "결제 취소된 주문입니다. 만들지 마세요.",
    SaleStatus.REFUNDED: "환불된 주문입니다. 만들지 마세요.",
}
NOTHING_LEFT = "만들 음료가 남아 있지 않습니다 (환불됨)."


def ticket_document(sale_id: str, *, reprint: bool = False) -> TicketDocument:
    """The bar's ticket of a sale: its order number, 매장/포장, time and what to make."""
    rec = load_sale_record(sale_id)
    if rec is None:
        raise LookupError(f"no sale {sale_id}")
    cancelled = CANCELLED_NOTE.get(rec.status)
    lines = [] if cancelled else make_lines([sale_id]).get(sale_id, [])
    items = tuple(TicketItem(ln.name, ln.qty, ln.options) for ln in lines)
    return TicketDocument(
        number=rec.number,
        items=items,
        order_type=order_type_label(rec.order_type),
        time=f"{local_time(rec.created_at):%H:%M}",
        cashier=rec.cashier,
        site_name=rec.site_name,
        reprint=reprint,
        notes=() if items else (cancelled or NOTHING_LEFT,),
    )


@renderer(JobKind.KITCHEN)
def render_kitchen(job: PrintJob) -> bytes:
    columns, hangul = printer_settings()
    doc = ticket_document(job.sale_id, reprint=job.reprint)
    return render_ticket(doc, columns=columns, hangul=hangul)


@renderer(JobKind.DRAWER)
def render_drawer(job: PrintJob) -> bytes:
    """Only the pulse: the drawer opens, no paper moves."""
    return open_drawer_job()

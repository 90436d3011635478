"""The sale as an outbox event: snapshots only, so the central store can rebuild it."""

from __future__ import annotations

from pos.outbox import record_event

from .record import SaleRecord


def sale_event_payload(rec: SaleRecord) -> dict:
    """The event's payload, from the same record the API and the receipts show."""
    return {
        "id": rec.id,
        "site": rec.site_code,
        "number": rec.number,
        "business_day": rec.business_day.isoformat(),
        "receipt_no": rec.receipt_no,
        "created_at": rec.created_at.isoformat(),
        "user": rec.username,
        "subtotal": rec.subtotal,
        "discount": rec.discount,
        "total": rec.total,
        "taxable_total": rec.taxable_total,
        "taxable_supply": rec.taxable_supply,
        "vat": rec.vat,
        "exempt": rec.exempt,
        "receipt_token": rec.receipt_token,
        "lines": [
            {
                **ln.view(),
                "vendor_brn": rec.receipts[ln.receipt_position].vendor_brn,
                "track_stock": ln.track_stock,
            }
            for ln in rec.lines
        ],
        "payments": [
            {
                "method": p.method.value,
                "amount": p.amount,
                "tendered": p.tendered,
                "change": p.change,
                "approval_no": p.approval_no,
                "issuer": p.issuer,
                "masked_card": p.masked_card,
                "installment": p.installment,
            }
            for p in rec.payments
        ],
        "cash_receipt": (
            {"purpose": rec.cash_receipt.purpose.value, "masked_id": rec.cash_receipt.masked_id}
            if rec.cash_receipt
            else None
        ),
    }


def record_sale_event(rec: SaleRecord) -> None:
    """The ``sale.completed`` outbox row, in the sale's transaction; the sale id is its id."""
    record_event("sale.completed", rec.site_code, sale_event_payload(rec), event_id=rec.id)

"""The sale as an outbox event: snapshots only, so the central store can rebuild it."""

from __future__ import annotations

from pos.outbox import record_event

from .service import SaleRecord, line_view

PAYMENT_KEYS = (
    "method",
    "amount",
    "tendered",
    "change",
    "approval_no",
    "issuer",
    "masked_card",
    "installment",
)


def sale_event_payload(rec: SaleRecord, site_code: str, username: str | None) -> dict:
    sale = rec.sale
    return {
        "id": sale["id"],
        "site": site_code,
        "number": sale["number"],
        "business_day": sale["business_day"].isoformat(),
        "receipt_no": sale["receipt_no"],
        "created_at": sale["created_at"].isoformat(),
        "user": username,
        **{
            k: sale[k]
            for k in ("subtotal", "discount", "total", "taxable_total", "taxable_supply", "vat")
        },
        "exempt": sale["exempt"],
        "receipt_token": sale["receipt_token"],
        "lines": [
            {
                **line_view(ln),
                "vendor_brn": rec.receipts[ln["receipt_position"]]["vendor_brn"],
                "track_stock": ln["track_stock"],
            }
            for ln in rec.lines
        ],
        "payments": [{k: p[k] for k in PAYMENT_KEYS} for p in rec.payments],
        "cash_receipt": (
            {"purpose": rec.cash_receipt["purpose"], "masked_id": rec.cash_receipt["masked_id"]}
            if rec.cash_receipt
            else None
        ),
    }


def record_sale_event(rec: SaleRecord, site_code: str, username: str | None) -> None:
    payload = sale_event_payload(rec, site_code, username)
    record_event("sale.completed", site_code, payload, event_id=rec.sale["id"])

"""The sale as an outbox event: snapshots only, so the central store can rebuild it."""

from __future__ import annotations

import json

from inventory.models import Site
from pos.outbox import record_event

from .models import Sale


def sale_event_payload(sale: Sale, site_code: str) -> dict:
    """What the central store needs to rebuild the sale: snapshots only, no local ids."""
    return {
        "id": sale.id,
        "site": site_code,
        "number": sale.number,
        "business_day": sale.business_day.isoformat(),
        "receipt_no": sale.receipt_no,
        "created_at": sale.created_at.isoformat(),
        "user": sale.user.username if sale.user else None,
        "subtotal": sale.subtotal,
        "discount": sale.discount,
        "total": sale.total,
        "taxable_total": sale.taxable_total,
        "taxable_supply": sale.taxable_supply,
        "vat": sale.vat,
        "exempt": sale.exempt,
        "receipt_token": sale.receipt_token,
        "lines": [
            {
                "sku": ln.sku,
                "name": ln.name,
                "options": json.loads(ln.options_json),
                "unit_price": ln.unit_price,
                "qty": ln.qty,
                "amount": ln.amount,
                "discount": ln.discount_share,
                "tax": ln.tax,
                "vendor_brn": sale.receipts[ln.receipt_position].vendor_brn,
                "track_stock": ln.track_stock,
            }
            for ln in sale.lines
        ],
        "payments": [
            {
                "method": p.method,
                "amount": p.amount,
                "tendered": p.tendered,
                "change": p.change,
                "approval_no": p.approval_no,
                "issuer": p.issuer,
                "masked_card": p.masked_card,
                "installment": p.installment,
            }
            for p in sale.payments
        ],
        "cash_receipt": (
            {
                "purpose": sale.cash_receipt.purpose,
                "masked_id": sale.cash_receipt.masked_id,
            }
            if sale.cash_receipt
            else None
        ),
    }


def record_sale_event(sale: Sale, site: Site) -> None:
    record_event("sale.completed", site.code, sale_event_payload(sale, site.code), event_id=sale.id)

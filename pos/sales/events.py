"""The sale as an outbox event: snapshots only, so the central store can rebuild it."""

from __future__ import annotations

from sqlalchemy import select

from inventory.models import Product
from pos.db import db
from pos.outbox import record_event

from .record import SaleRecord


def product_uids(product_ids) -> dict[int, str]:
    """Local product id → uid (the key central knows products by), one SELECT."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(Product.id, Product.uid).where(Product.id.in_(ids)))
    return {pid: uid for pid, uid in rows}


def campaign_names(campaign_ids) -> dict[int, str]:
    """Campaign id → name (central knows campaigns by name); no query without campaign lines."""
    from inventory.campaigns.models import Campaign

    ids = sorted({c for c in campaign_ids if c is not None})
    if not ids:
        return {}
    rows = db.session.execute(select(Campaign.id, Campaign.name).where(Campaign.id.in_(ids)))
    return {cid: name for cid, name in rows}


def receipts_payload(rec: SaleRecord) -> list[dict]:
    """The sale's receipts per vendor with their figures as printed (the VAT filing's rows)."""
    return [
        {
            "vendor_brn": r.vendor_brn,
            "vendor_name": r.vendor_name,
            "receipt_no": r.receipt_no,
            "total": r.total,
            "taxable_supply": r.taxable_supply,
            "vat": r.vat,
            "exempt": r.exempt,
        }
        for r in rec.receipts
    ]


def sale_event_payload(rec: SaleRecord) -> dict:
    """The event's payload, from the same record the API and the receipts show. Lines name
    their product by uid: local ids never cross the wire."""
    uids = product_uids(ln.product_id for ln in rec.lines)
    campaigns = campaign_names(ln.campaign_id for ln in rec.lines)
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
                "product_uid": uids.get(ln.product_id),
                "campaign": campaigns.get(ln.campaign_id),
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
        "receipts": receipts_payload(rec),
        "cash_receipt": (
            {"purpose": rec.cash_receipt.purpose.value, "masked_id": rec.cash_receipt.masked_id}
            if rec.cash_receipt
            else None
        ),
    }


def record_sale_event(rec: SaleRecord) -> None:
    """The ``sale.completed`` outbox row, in the sale's transaction; the sale id is its id."""
    record_event("sale.completed", rec.site_code, sale_event_payload(rec), event_id=rec.id)

"""The refund as an outbox event: a snapshot the central store can apply without our tables."""

from __future__ import annotations

from pos.sales.events import campaign_names, product_uids
from pos.sales.record import SaleRecord

from .record import RefundRecord
from .view import by_receipt, receipt_split


def refund_receipts(refund: RefundRecord, sale: SaleRecord) -> list[dict]:
    """Per vendor receipt of the sale: the amounts given back, as the 반품 영수증 prints them."""
    out = []
    for position, lines in by_receipt(refund).items():
        vendor = sale.receipts[position]
        split = receipt_split(lines)
        out.append(
            {
                "vendor_brn": vendor.vendor_brn,
                "vendor_name": vendor.vendor_name,
                "total": sum(ln.amount for ln in lines),
                "taxable_supply": split.taxable_supply,
                "vat": split.vat,
                "exempt": split.exempt,
            }
        )
    return out


def refund_event_payload(refund: RefundRecord, sale: SaleRecord) -> dict:
    uids = product_uids(ln.product_id for ln in refund.lines)
    campaigns = campaign_names(sale.lines[ln.position].campaign_id for ln in refund.lines)
    return {
        "id": refund.id,
        "kind": refund.kind,
        "sale_id": refund.sale_id,
        "sale_receipt_no": sale.receipt_no,
        "sale_status": sale.status.value,
        "site": sale.site_code,
        "receipt_no": refund.receipt_no,
        "business_day": refund.business_day.isoformat(),
        "created_at": refund.created_at.isoformat(),
        "reason": refund.reason,
        "user_id": refund.user_id,
        "approver_id": refund.approver_id,
        "shift_id": refund.shift_id,
        "total": refund.total,
        "taxable_total": refund.taxable_total,
        "taxable_supply": refund.taxable_supply,
        "vat": refund.vat,
        "exempt": refund.exempt,
        "lines": [
            {
                "line": ln.position + 1,
                "sku": sale.lines[ln.position].sku,
                "product_uid": uids.get(ln.product_id),
                "campaign": campaigns.get(sale.lines[ln.position].campaign_id),
                "name": ln.name,
                "tax": ln.tax,
                "qty": ln.qty,
                "amount": ln.amount,
                "vendor_brn": sale.receipts[ln.receipt_position].vendor_brn,
                "restocked": ln.restocked,
            }
            for ln in refund.lines
        ],
        "payments": [
            {"method": p.method, "amount": p.amount, "approval_no": p.approval_no}
            for p in refund.payments
        ],
        "receipts": refund_receipts(refund, sale),
    }

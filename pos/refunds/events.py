"""The refund as an outbox event: a snapshot the central store can apply without our tables."""

from __future__ import annotations

from pos.sales.record import SaleRecord

from .record import RefundRecord


def refund_event_payload(refund: RefundRecord, sale: SaleRecord) -> dict:
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
    }

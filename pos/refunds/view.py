"""A refund as the API shows it (201 of POST /api/sales/ID/refund and /void)."""

from __future__ import annotations

from pos import money
from pos.db import db
from pos.sales.enums import PaymentMethod
from pos.sales.record import SaleRecord, local_time

from .record import RefundLineRecord, RefundRecord


def refund_receipt_no(refund: RefundRecord, sale: SaleRecord, position: int) -> str:
    """The 반품 영수증's number for one vendor of the sale (-R1, or -R1-2 at a joint checkout)."""
    return refund.receipt_no if len(sale.receipts) == 1 else f"{refund.receipt_no}-{position + 1}"


def by_receipt(refund: RefundRecord) -> dict[int, list[RefundLineRecord]]:
    """The refund's lines per vendor receipt of the sale, in the sale's receipt order."""
    out: dict[int, list[RefundLineRecord]] = {}
    for ln in sorted(refund.lines, key=lambda ln: (ln.receipt_position, ln.position)):
        out.setdefault(ln.receipt_position, []).append(ln)
    return out


def receipt_split(lines: list[RefundLineRecord]) -> money.VatSplit:
    total = sum(ln.amount for ln in lines)
    taxable = sum(ln.amount for ln in lines if ln.tax == "taxable")
    return money.vat_split(taxable, total - taxable)


def user_name(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    from pos.auth.models import User

    user = db.session.get(User, user_id)
    return user.display_name if user else None


def refund_view(refund: RefundRecord, sale: SaleRecord) -> dict:
    receipts = []
    for position, lines in by_receipt(refund).items():
        vendor = sale.receipts[position]
        split = receipt_split(lines)
        receipts.append(
            {
                "receipt_no": refund_receipt_no(refund, sale, position),
                "original_receipt_no": vendor.receipt_no,
                "vendor": {"brn": vendor.vendor_brn, "name": vendor.vendor_name},
                "total": sum(ln.amount for ln in lines),
                "taxable": split.taxable_supply,
                "vat": split.vat,
                "exempt": split.exempt,
            }
        )
    return {
        "id": refund.id,
        "sale_id": refund.sale_id,
        "kind": refund.kind,
        "label": refund.label,
        "receipt_no": refund.receipt_no,
        "original_receipt_no": sale.receipt_no,
        "reason": refund.reason,
        "created_at": local_time(refund.created_at).isoformat(),
        "total": refund.total,
        "taxable": refund.taxable_supply,
        "vat": refund.vat,
        "exempt": refund.exempt,
        "approver": user_name(refund.approver_id),
        "lines": [
            {
                "line": ln.position + 1,
                "name": ln.name,
                "qty": ln.qty,
                "amount": ln.amount,
                "restocked": ln.restocked,
            }
            for ln in refund.lines
        ],
        "payments": [
            {
                "method": p.method,
                "label": PaymentMethod(p.method).label,
                "amount": p.amount,
                "approval_no": p.approval_no,
            }
            for p in refund.payments
        ],
        "receipts": receipts,
        "sale_status": sale.status.value,
    }

"""The 반품 영수증: one per vendor of the sale the refund touches, amounts negative, naming the
original receipt, the reason, the approving manager and the card's cancellation number."""

from __future__ import annotations

from sqlalchemy import select

import printers
from inventory.campaigns.models import Campaign
from inventory.models import Vendor
from inventory.vendors import format_brn
from pos.db import db
from pos.receipts.documents import DEFAULT_FOOTER, site_lines
from pos.receipts.models import JobKind, PrintJob
from pos.receipts.queue import printer_settings, renderer
from pos.sales.enums import PaymentMethod
from pos.sales.record import SaleRecord, load_sale_record, local_time
from pos.sites import site_directory
from printers.document import ReceiptDocument, ReceiptHeader, ReceiptLine, ReceiptPayment

from .record import RefundRecord, load_refund
from .view import by_receipt, receipt_split, refund_receipt_no, user_name

TITLES = {"refund": "반품 영수증", "void": "결제 취소 영수증"}


def refund_documents(
    refund: RefundRecord, sale: SaleRecord, *, reprint: bool = False
) -> list[ReceiptDocument]:
    """The refund's receipts, one per vendor receipt of the sale it gives back lines of."""
    site = site_directory().get(sale.site_id)
    issued = local_time(refund.created_at).strftime("%Y-%m-%d %H:%M:%S")
    sold_at = local_time(sale.created_at).strftime("%Y-%m-%d %H:%M:%S")
    approver = user_name(refund.approver_id)
    groups = by_receipt(refund)
    # the money went back as the refund's payments; with several vendors, each receipt shows
    # its own part in the order of the payments (the last receipt takes what is left)
    remaining = [p.amount for p in refund.payments]
    docs = []
    for n, (position, lines) in enumerate(groups.items()):
        vendor = sale.receipts[position]
        total = sum(ln.amount for ln in lines)
        split = receipt_split(lines)
        parts = _parts(remaining, total, last=n == len(groups) - 1)
        details = [("원 거래일시", sold_at), ("반품 사유", refund.reason)]
        if approver:
            details.append(("승인", approver))
        docs.append(
            ReceiptDocument(
                header=ReceiptHeader(
                    name=vendor.vendor_name,
                    owner=vendor.vendor_owner,
                    brn=format_brn(vendor.vendor_brn),
                    address=vendor.vendor_address,
                    phone=vendor.vendor_phone,
                    site_name=sale.site_name,
                ),
                title=TITLES.get(refund.kind, "반품 영수증"),
                issued_at=issued,
                receipt_no=refund_receipt_no(refund, sale, position),
                original_receipt_no=vendor.receipt_no,
                details=tuple(details),
                order_no=sale.number,
                lines=tuple(
                    ReceiptLine(
                        name=ln.name,
                        qty=ln.qty,
                        unit_price=sale.lines[ln.position].unit_price,
                        amount=-ln.amount,
                        exempt=ln.tax == "exempt",
                    )
                    for ln in lines
                ),
                subtotal=-total,
                taxable_supply=-split.taxable_supply,
                vat=-split.vat,
                exempt=-split.exempt,
                total=-total,
                payments=tuple(
                    ReceiptPayment(
                        method=PaymentMethod(p.method).label + " 환불",
                        amount=-amount,
                        approval_no=p.approval_no,
                        approval_label="취소승인번호",
                    )
                    for p, amount in zip(refund.payments, parts, strict=True)
                    if amount
                ),
                qr_url=sale.receipt_url,
                reprint=reprint,
                footer=_donations(sale, lines) + _footer(site, vendor.vendor_id),
            )
        )
    return docs


def _donations(sale: SaleRecord, lines) -> tuple[str, ...]:
    """만원의 행복: the units given back no longer owe a donation ("… 1팩 기부 적립 취소")."""
    units: dict[int, int] = {}
    for ln in lines:
        cid = sale.lines[ln.position].campaign_id
        if cid is not None:
            units[cid] = units.get(cid, 0) + ln.qty
    if not units:
        return ()
    found = {c.id: c for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(units)))}
    return tuple(
        f"{found[cid].name} {qty}{found[cid].unit} 기부 적립 취소"
        for cid, qty in sorted(units.items())
        if cid in found
    )


def _footer(site, vendor_id: int) -> tuple[str, ...]:
    """The site's closing lines (or the default thanks) and, for a demo vendor, its notice."""
    lines = (site_lines(site.receipt_footer) if site else ()) or DEFAULT_FOOTER
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is not None and vendor.is_example:
        lines += ("※ 데모용 예시 사업자등록번호입니다",)
    return lines


def _parts(remaining: list[int], total: int, *, last: bool) -> list[int]:
    """Take ``total`` from the payments still unshown, in order (all that is left if last)."""
    parts = []
    for i, left in enumerate(remaining):
        take = left if last else min(left, total)
        parts.append(take)
        remaining[i] -= take
        total -= take
    return parts


def render_refund(refund: RefundRecord, sale: SaleRecord, *, reprint: bool = False) -> bytes:
    columns, hangul = printer_settings()
    return b"".join(
        printers.render(doc, columns=columns, hangul=hangul)
        for doc in refund_documents(refund, sale, reprint=reprint)
    )


@renderer(JobKind.REFUND)
def _render_refund_job(job: PrintJob) -> bytes:
    refund = load_refund(job.ref)
    return render_refund(refund, load_sale_record(refund.sale_id), reprint=job.reprint)

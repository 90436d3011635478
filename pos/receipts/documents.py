"""Turn a sale record into the plain receipt documents that ``printers`` lays out."""

from __future__ import annotations

from sqlalchemy import select

from inventory.campaigns.models import Campaign
from inventory.models import Vendor
from inventory.vendors import format_brn
from pos import money
from pos.db import db
from pos.sales.models import Sale
from pos.sales.record import (
    LineOption,
    SaleRecord,
    VendorReceipt,
    cash_like_amount,
    load_sale_record,
    local_time,
)
from pos.sites import SiteInfo, site_directory
from printers.document import (
    ReceiptCashReceipt,
    ReceiptDocument,
    ReceiptHeader,
    ReceiptLine,
    ReceiptPayment,
)


def option_label(opt: LineOption) -> str:
    """ "샷 추가 +500": the option with its surcharge, as the receipt prints it."""
    return opt.name + (f" +{money.num(opt.price_delta)}" if opt.price_delta > 0 else "")


def allocated_payments(sale: Sale | SaleRecord) -> list[list[tuple[int, int]]]:
    """Per receipt, (payment index, amount): each vendor's tenders add up to its 합계 and each
    payment's parts to the payment (a joint checkout at a fair)."""
    table = money.apportion_matrix(
        [p.amount for p in sale.payments], [r.total for r in sale.receipts]
    )
    return [
        [(i, row[r]) for i, row in enumerate(table) if row[r]] for r in range(len(sale.receipts))
    ]


#: the closing lines of a site that has not written its own
DEFAULT_FOOTER = ("꿈이든 - 자활 성공의 꿈이 들어있는 곳", "이용해 주셔서 감사합니다")


def site_lines(text: str | None) -> tuple[str, ...]:
    """A site's receipt header or footer setting as printed rows (one per line of text)."""
    return tuple(line.rstrip() for line in (text or "").splitlines())


def _footer(receipt: VendorReceipt, site: SiteInfo | None) -> tuple[str, ...]:
    # the site's own footer replaces the default thanks; the demo notice always stays
    lines = (site_lines(site.receipt_footer) if site else ()) or DEFAULT_FOOTER
    vendor = db.session.get(Vendor, receipt.vendor_id)
    if vendor is not None and vendor.is_example:
        lines += ("※ 데모용 예시 사업자등록번호입니다",)
    return lines


def discount_rows(rec: SaleRecord, receipt: VendorReceipt) -> tuple[tuple[str, int], ...]:
    """Each discount on this receipt: every line's own (named after the line, with its
    reason), then this receipt's share of the order discount (with the order's reason). The
    rows add up to the receipt's discount."""
    lines = [ln for ln in rec.lines if ln.receipt_position == receipt.position]
    rows = []
    for ln in lines:
        if ln.line_discount:
            rows.append(
                (_with_reason(f"{ln.name} 할인", ln.line_discount_reason), ln.line_discount)
            )
    order_share = receipt.discount - sum(ln.line_discount for ln in lines)
    if order_share > 0:
        rows.append((_with_reason("할인", rec.discount_reason), order_share))
    return tuple(rows)


def _with_reason(label: str, reason: str | None) -> str:
    return f"{label} ({reason})" if reason else label


def donation_rows(rec: SaleRecord, receipt: VendorReceipt) -> tuple[str, ...]:
    """만원의 행복: "만원의 행복 2팩 기부 적립" per campaign, one unit per unit sold here."""
    units: dict[int, int] = {}
    for ln in rec.lines:
        if ln.campaign_id is not None and ln.receipt_position == receipt.position:
            units[ln.campaign_id] = units.get(ln.campaign_id, 0) + ln.qty
    if not units:
        return ()
    campaigns = {
        c.id: c for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(units)))
    }
    return tuple(
        f"{campaigns[cid].name} {qty}{campaigns[cid].unit} 기부 적립"
        for cid, qty in sorted(units.items())
        if cid in campaigns
    )


def receipt_documents(sale: Sale | SaleRecord, *, reprint: bool = False) -> list[ReceiptDocument]:
    """One document per vendor receipt. A stored ``Sale`` (the print queue, the e-receipt page)
    is read as its ``SaleRecord``, so paper, page and API show the same sale."""
    rec = sale if isinstance(sale, SaleRecord) else load_sale_record(sale.id)
    issued = local_time(rec.created_at).strftime("%Y-%m-%d %H:%M:%S")
    allocation = allocated_payments(rec)
    # cash handed over and change go on the last receipt carrying a part of that payment
    last_receipt = {i: r for r, parts in enumerate(allocation) for i, _ in parts}
    # the site's header and footer as set now (a reprint shows today's lines)
    site = site_directory().get(rec.site_id)
    return [
        _document(
            rec,
            receipt,
            parts,
            issued,
            site,
            reprint=reprint,
            change_here={i for i, _ in parts if last_receipt[i] == r},
        )
        for r, (receipt, parts) in enumerate(zip(rec.receipts, allocation, strict=True))
    ]


def _document(
    rec: SaleRecord,
    receipt: VendorReceipt,
    parts: list[tuple[int, int]],
    issued: str,
    site: SiteInfo | None,
    *,
    reprint: bool,
    change_here: set[int],
) -> ReceiptDocument:
    payments = []
    for index, amount in parts:
        p = rec.payments[index]
        show_cash = p.method == "cash" and index in change_here
        payments.append(
            ReceiptPayment(
                method=p.method.label,
                amount=amount,
                tendered=p.tendered if show_cash else None,
                change=p.change if show_cash else None,
                approval_no=p.approval_no,
                issuer=p.issuer,
                masked_card=p.masked_card,
                installment=p.installment,
            )
        )
    cash_receipt = None
    cash_amount = cash_like_amount(rec.payments[i] for i, _ in parts)
    if rec.cash_receipt and cash_amount:
        cash_receipt = ReceiptCashReceipt(
            purpose=rec.cash_receipt.purpose.label,
            masked_id=rec.cash_receipt.masked_id,
            amount=cash_amount,
        )
    discounts = discount_rows(rec, receipt)
    return ReceiptDocument(
        header=ReceiptHeader(
            name=receipt.vendor_name,
            owner=receipt.vendor_owner,
            brn=format_brn(receipt.vendor_brn),
            address=receipt.vendor_address,
            phone=receipt.vendor_phone,
            site_name=rec.site_name,
        ),
        issued_at=issued,
        receipt_no=receipt.receipt_no,
        order_no=rec.number,
        lines=tuple(
            ReceiptLine(
                name=ln.name,
                qty=ln.qty,
                unit_price=ln.unit_price,
                amount=ln.amount,
                options=tuple(option_label(o) for o in ln.options),
                exempt=ln.tax == "exempt",
            )
            for ln in rec.lines
            if ln.receipt_position == receipt.position
        ),
        subtotal=receipt.subtotal,
        discounts=discounts,
        taxable_supply=receipt.taxable_supply,
        vat=receipt.vat,
        exempt=receipt.exempt,
        total=receipt.total,
        payments=tuple(payments),
        cash_receipt=cash_receipt,
        qr_url=rec.receipt_url,
        reprint=reprint,
        footer=donation_rows(rec, receipt) + _footer(receipt, site),
        header_lines=site_lines(site.receipt_header) if site else (),
    )

"""Turn a stored sale into the plain receipt documents that ``printers`` lays out."""

from __future__ import annotations

import json

from inventory.models import Vendor
from inventory.vendors import format_brn
from pos import money
from pos.db import db
from pos.sales.models import (
    CASH_LIKE,
    CASH_RECEIPT_PURPOSES,
    PAYMENT_METHODS,
    Sale,
    SaleReceipt,
)
from pos.sales.service import local_time
from printers.document import (
    ReceiptCashReceipt,
    ReceiptDocument,
    ReceiptHeader,
    ReceiptLine,
    ReceiptPayment,
)


def option_label(opt: dict) -> str:
    delta = opt.get("price_delta", 0)
    return opt["name"] + (f" +{money.num(delta)}" if delta > 0 else "")


def allocated_payments(sale: Sale) -> list[list[tuple[int, int]]]:
    """Per receipt, (payment index, amount): each vendor's tenders add up to its 합계 and each
    payment's parts to the payment (a joint checkout at a fair)."""
    table = money.apportion_matrix(
        [p.amount for p in sale.payments], [r.total for r in sale.receipts]
    )
    return [
        [(i, row[r]) for i, row in enumerate(table) if row[r]] for r in range(len(sale.receipts))
    ]


def _footer(receipt: SaleReceipt) -> tuple[str, ...]:
    lines = ("꿈이든 - 자활 성공의 꿈이 들어있는 곳", "이용해 주셔서 감사합니다")
    vendor = db.session.get(Vendor, receipt.vendor_id)
    if vendor is not None and vendor.is_example:
        lines += ("※ 데모용 예시 사업자등록번호입니다",)
    return lines


def receipt_documents(sale: Sale, *, reprint: bool = False) -> list[ReceiptDocument]:
    issued = local_time(sale.created_at).strftime("%Y-%m-%d %H:%M:%S")
    site = sale.site
    allocation = allocated_payments(sale)
    # cash handed over and change go on the last receipt carrying a part of that payment
    last_receipt = {i: r for r, parts in enumerate(allocation) for i, _ in parts}
    docs = []
    for r, (receipt, parts) in enumerate(zip(sale.receipts, allocation, strict=True)):
        change_here = {i for i, _ in parts if last_receipt[i] == r}
        docs.append(
            _document(
                sale,
                receipt,
                parts,
                issued,
                site.name if site else "",
                reprint=reprint,
                change_here=change_here,
            )
        )
    return docs


def _document(
    sale: Sale,
    receipt: SaleReceipt,
    parts: list[tuple[int, int]],
    issued: str,
    site_name: str,
    *,
    reprint: bool,
    change_here: set[int],
) -> ReceiptDocument:
    lines = [ln for ln in sale.lines if ln.receipt_position == receipt.position]
    payments = []
    for index, amount in parts:
        p = sale.payments[index]
        show_cash = p.method == "cash" and index in change_here
        payments.append(
            ReceiptPayment(
                method=PAYMENT_METHODS[p.method],
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
    cash_amount = sum(a for i, a in parts if sale.payments[i].method in CASH_LIKE)
    if sale.cash_receipt and cash_amount:
        cash_receipt = ReceiptCashReceipt(
            purpose=CASH_RECEIPT_PURPOSES[sale.cash_receipt.purpose],
            masked_id=sale.cash_receipt.masked_id,
            amount=cash_amount,
        )
    discounts = (("할인", receipt.discount),) if receipt.discount else ()
    return ReceiptDocument(
        header=ReceiptHeader(
            name=receipt.vendor_name,
            owner=receipt.vendor_owner,
            brn=format_brn(receipt.vendor_brn),
            address=receipt.vendor_address,
            phone=receipt.vendor_phone,
            site_name=site_name,
        ),
        issued_at=issued,
        receipt_no=receipt.receipt_no,
        order_no=sale.number,
        lines=tuple(
            ReceiptLine(
                name=ln.name,
                qty=ln.qty,
                unit_price=ln.unit_price,
                amount=ln.amount,
                options=tuple(option_label(o) for o in json.loads(ln.options_json)),
                exempt=ln.tax == "exempt",
            )
            for ln in lines
        ),
        subtotal=receipt.subtotal,
        discounts=discounts,
        taxable_supply=receipt.taxable_supply,
        vat=receipt.vat,
        exempt=receipt.exempt,
        total=receipt.total,
        payments=tuple(payments),
        cash_receipt=cash_receipt,
        qr_url=sale.receipt_url,
        reprint=reprint,
        footer=_footer(receipt),
    )

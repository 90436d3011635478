"""Turn a stored sale into the plain receipt documents that ``printers`` lays out."""

from __future__ import annotations

import json

from inventory.vendors import format_brn
from pos import money
from pos.sales.models import CASH_RECEIPT_PURPOSES, PAYMENT_METHODS, Sale, SaleReceipt
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
    """Per receipt, (payment index, amount) so a joint checkout's tenders add up per vendor."""
    per_receipt: list[list[tuple[int, int]]] = [[] for _ in sale.receipts]
    weights = [r.total for r in sale.receipts]
    for i, pay in enumerate(sale.payments):
        for r_index, part in enumerate(money.allocate(pay.amount, weights)):
            if part:
                per_receipt[r_index].append((i, part))
    return per_receipt


def receipt_documents(sale: Sale, *, reprint: bool = False) -> list[ReceiptDocument]:
    issued = local_time(sale.created_at).strftime("%Y-%m-%d %H:%M:%S")
    site = sale.site
    allocation = allocated_payments(sale)
    docs = []
    for receipt, parts in zip(sale.receipts, allocation, strict=True):
        docs.append(
            _document(sale, receipt, parts, issued, site.name if site else "", reprint=reprint)
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
) -> ReceiptDocument:
    lines = [ln for ln in sale.lines if ln.receipt_position == receipt.position]
    single = len(sale.receipts) == 1
    payments = []
    for index, amount in parts:
        p = sale.payments[index]
        payments.append(
            ReceiptPayment(
                method=PAYMENT_METHODS[p.method],
                amount=amount,
                tendered=p.tendered if (p.method == "cash" and single) else None,
                change=p.change if (p.method == "cash" and single) else None,
                approval_no=p.approval_no,
                issuer=p.issuer,
                masked_card=p.masked_card,
                installment=p.installment,
            )
        )
    cash_receipt = None
    if sale.cash_receipt:
        cash_receipt = ReceiptCashReceipt(
            purpose=CASH_RECEIPT_PURPOSES[sale.cash_receipt.purpose],
            masked_id=sale.cash_receipt.masked_id,
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
        footer=("꿈이든 - 자활 성공의 꿈이 들어있는 곳", "이용해 주셔서 감사합니다"),
    )

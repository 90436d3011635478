"""sale.completed and refund.completed → facts and rollup deltas.

Figures are taken as the branch printed them (its receipts per vendor, its VAT split), never
recomputed here: the filing must match the receipts the customers hold. A payload whose own
figures disagree (lines vs total, 과세+부가세+면세 vs total, receipts vs total) is malformed."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, datetime, timedelta

from .errors import Rejected
from .facts import (
    CRefund,
    CRefundLine,
    CRefundPayment,
    CSale,
    CSaleLine,
    CSalePayment,
    CStockMove,
)
from .ingest_payloads import RefundIn, SaleIn
from .rollups import RCampaignDay, RMethodDay, RProductDay, RSiteDay, RSiteHour, RVendorDay

SEOUL = timedelta(hours=9)  # Asia/Seoul has no daylight saving time


def local_hour(utc: datetime) -> int:
    return (utc + SEOUL).hour


def local_day(utc: datetime) -> date:
    return (utc + SEOUL).date()


def move_id(ref: str, product_id: int) -> str:
    """The id of a move central derives (the branch sends none for a sale's or refund's
    moves): the same for the same sale and product, so a replay cannot add a second one."""
    return hashlib.md5(f"{ref}:{product_id}".encode(), usedforsecurity=False).hexdigest()


def _campaign(line, product, ids) -> int | None:
    """The campaign the line counted for at the branch (its snapshot), else, from an older
    branch, the product's campaign here."""
    if line.campaign is not None:
        return ids.campaign(line.campaign)
    if "campaign" in line.model_fields_set:
        return None
    return product.campaign_id


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise Rejected("malformed", f"이벤트의 금액이 서로 맞지 않습니다 ({what})")


def _moves(prepared, site_id: int, day: date, units: Counter, reason: str, ref: str, at) -> None:
    """The ledger moves the branch made with the sale or refund (it sends none of its own)."""
    for product_id in sorted(units):
        prepared.fact(
            CStockMove.__table__,
            {
                "site_id": site_id,
                "day": day,
                "id": move_id(ref, product_id),
                "product_id": product_id,
                "qty": units[product_id],
                "reason": reason,
                "ref": ref,
                "note": "",
                "at": at,
            },
        )
        prepared.stock.append((site_id, product_id, units[product_id], at))


def _sale(site, event, p: SaleIn, ids, out) -> None:
    _check(sum(ln.amount - ln.discount for ln in p.lines) == p.total, "품목 합계")
    _check(p.taxable_supply + p.vat + p.exempt == p.total, "과세·부가세·면세 합계")
    _check(sum(r.total for r in p.receipts) == p.total, "영수증 합계")
    s, day = site.id, p.business_day
    items = sum(ln.qty for ln in p.lines)
    out.fact(
        CSale.__table__,
        {
            "site_id": s,
            "day": day,
            "id": p.id,
            "number": p.number,
            "receipt_no": p.receipt_no,
            "created_at": p.created_at,
            "hour": local_hour(p.created_at),
            "username": p.user,
            "subtotal": p.subtotal,
            "discount": p.discount,
            "total": p.total,
            "taxable": p.taxable_supply,
            "vat": p.vat,
            "exempt": p.exempt,
            "items": items,
        },
    )
    units: Counter = Counter()
    for n, ln in enumerate(p.lines, start=1):
        product = ids.product(ln.product_uid, ln.sku)
        vendor_id = ids.vendor(ln.vendor_brn)
        net = ln.amount - ln.discount
        out.fact(
            CSaleLine.__table__,
            {
                "site_id": s,
                "day": day,
                "sale_id": p.id,
                "line": n,
                "product_id": product.id,
                "vendor_id": vendor_id,
                "sku": ln.sku,
                "name": ln.name,
                "tax": ln.tax,
                "qty": ln.qty,
                "unit_price": ln.unit_price,
                "amount": ln.amount,
                "discount": ln.discount,
                "net": net,
            },
        )
        out.add(
            RProductDay.__table__, site_id=s, day=day, product_id=product.id, qty=ln.qty, total=net
        )
        if (campaign_id := _campaign(ln, product, ids)) is not None:
            out.add(
                RCampaignDay.__table__, site_id=s, day=day, campaign_id=campaign_id, sold=ln.qty
            )
        if ln.track_stock:
            units[product.id] -= ln.qty
    for n, pay in enumerate(p.payments, start=1):
        out.fact(
            CSalePayment.__table__,
            {
                "site_id": s,
                "day": day,
                "sale_id": p.id,
                "position": n,
                "method": pay.method,
                "amount": pay.amount,
            },
        )
        out.add(
            RMethodDay.__table__, site_id=s, day=day, method=pay.method, count=1, amount=pay.amount
        )
    for r in p.receipts:
        out.add(
            RVendorDay.__table__,
            site_id=s,
            day=day,
            vendor_id=ids.vendor(r.vendor_brn),
            sales=1,
            total=r.total,
            taxable=r.taxable_supply,
            vat=r.vat,
            exempt=r.exempt,
        )
    out.add(
        RSiteDay.__table__,
        site_id=s,
        day=day,
        sales=1,
        gross=p.total,
        total=p.total,
        taxable=p.taxable_supply,
        vat=p.vat,
        exempt=p.exempt,
        discount=p.subtotal - p.total,
        items=items,
    )
    out.add(
        RSiteHour.__table__,
        site_id=s,
        day=day,
        hour=local_hour(p.created_at),
        sales=1,
        total=p.total,
    )
    _moves(out, s, day, units, "sale", f"sale:{p.id}", p.created_at)


def _refund(site, event, p: RefundIn, ids, out) -> None:
    """Counted on the refund's business day: it takes its amounts off that day's net."""
    _check(sum(ln.amount for ln in p.lines) == p.total, "품목 합계")
    _check(p.taxable_supply + p.vat + p.exempt == p.total, "과세·부가세·면세 합계")
    _check(sum(r.total for r in p.receipts) == p.total, "영수증 합계")
    s, day = site.id, p.business_day
    items = sum(ln.qty for ln in p.lines)
    out.fact(
        CRefund.__table__,
        {
            "site_id": s,
            "day": day,
            "id": p.id,
            "sale_id": p.sale_id,
            "kind": p.kind,
            "receipt_no": p.receipt_no,
            "created_at": p.created_at,
            "reason": p.reason,
            "total": p.total,
            "taxable": p.taxable_supply,
            "vat": p.vat,
            "exempt": p.exempt,
            "items": items,
        },
    )
    units: Counter = Counter()
    for ln in p.lines:
        product = ids.product(ln.product_uid)
        vendor_id = ids.vendor(ln.vendor_brn)
        out.fact(
            CRefundLine.__table__,
            {
                "site_id": s,
                "day": day,
                "refund_id": p.id,
                "line": ln.line,
                "product_id": product.id,
                "vendor_id": vendor_id,
                "tax": ln.tax,
                "qty": ln.qty,
                "amount": ln.amount,
                "restocked": ln.restocked,
            },
        )
        out.add(
            RProductDay.__table__,
            site_id=s,
            day=day,
            product_id=product.id,
            qty=-ln.qty,
            total=-ln.amount,
        )
        if (campaign_id := _campaign(ln, product, ids)) is not None:
            out.add(
                RCampaignDay.__table__, site_id=s, day=day, campaign_id=campaign_id, sold=-ln.qty
            )
        if ln.restocked:
            units[product.id] += ln.qty
    for n, pay in enumerate(p.payments, start=1):
        out.fact(
            CRefundPayment.__table__,
            {
                "site_id": s,
                "day": day,
                "refund_id": p.id,
                "position": n,
                "method": pay.method,
                "amount": pay.amount,
            },
        )
        out.add(RMethodDay.__table__, site_id=s, day=day, method=pay.method, amount=-pay.amount)
    for r in p.receipts:
        out.add(
            RVendorDay.__table__,
            site_id=s,
            day=day,
            vendor_id=ids.vendor(r.vendor_brn),
            total=-r.total,
            taxable=-r.taxable_supply,
            vat=-r.vat,
            exempt=-r.exempt,
        )
    out.add(
        RSiteDay.__table__,
        site_id=s,
        day=day,
        refunds=1,
        refunded=p.total,
        total=-p.total,
        taxable=-p.taxable_supply,
        vat=-p.vat,
        exempt=-p.exempt,
        items=-items,
    )
    _moves(out, s, day, units, "refund", f"refund:{p.id}", p.created_at)


HANDLERS = {"sale.completed": (SaleIn, _sale), "refund.completed": (RefundIn, _refund)}

"""The settlement per vendor (DESIGN §5 ``GET /api/fairs/CODE/settlement``): what each vendor
brought, sold, took home, the variance, its gross by payment method, the commission and the
amount payable.

Refunds (issue 7) come off: ``sold`` is units sold less units refunded, ``gross`` the lines'
amounts after discounts less refunds, ``refunds`` the won given back per vendor and
``by_method`` less what each refund paid back by each method, spread over the refund's vendors
the same way. Integer won throughout.

``by_method`` spreads each sale's tenders over its vendors exactly as the printed receipts do
(``money.apportion_matrix`` of the payments over the vendors' receipt totals), so a vendor's
slip, its receipts and its row here agree to the won.
"""

from __future__ import annotations

from sqlalchemy import func, select

from inventory.fairs.models import Fair, FairAdjustment
from inventory.fairs.service import accepted_methods, commission_bp, fair_vendors, pct_text
from inventory.models import Product
from pos import money
from pos.db import db
from pos.refunds.models import Refund, RefundLine, RefundPayment
from pos.sales.models import Payment, Sale, SaleReceipt

from .tally import moved_by_product, refunded_by_product, sold_by_product

#: the per-vendor figures the totals row sums
SUMMED = (
    "brought",
    "sold",
    "returned",
    "variance",
    "gross",
    "refunds",
    "commission",
    "adjustments",
    "payable",
)


def commission(gross: int, bp: int) -> int:
    """round-half-up(gross × pct / 100) with pct in hundredths of a percent, in integers."""
    return money.div_round_half_up(gross * bp, 10_000)


def _by_vendor(rows, key_of_product: dict[int, int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for pid, n in rows:
        vid = key_of_product.get(pid)
        if vid is not None:
            out[vid] = out.get(vid, 0) + int(n or 0)
    return out


def by_method(site_id: int) -> dict[int, dict[str, int]]:
    """vendor_id → {method: won}: each sale's payments apportioned over its vendors' receipts."""
    receipts: dict[str, list[tuple[int, int]]] = {}
    for sale_id, vendor_id, total in db.session.execute(
        select(SaleReceipt.sale_id, SaleReceipt.vendor_id, SaleReceipt.total)
        .join(Sale, Sale.id == SaleReceipt.sale_id)
        .where(Sale.site_id == site_id)
        .order_by(SaleReceipt.sale_id, SaleReceipt.position)
    ):
        receipts.setdefault(sale_id, []).append((vendor_id, int(total)))
    payments: dict[str, list[tuple[str, int]]] = {}
    for sale_id, method, amount in db.session.execute(
        select(Payment.sale_id, Payment.method, Payment.amount)
        .join(Sale, Sale.id == Payment.sale_id)
        .where(Sale.site_id == site_id)
        .order_by(Payment.sale_id, Payment.position)
    ):
        payments.setdefault(sale_id, []).append((method, int(amount)))
    out: dict[int, dict[str, int]] = {}
    for sale_id, recs in receipts.items():
        pays = payments.get(sale_id, [])
        if len(pays) == 1:
            table = [[total for _v, total in recs]]
        else:
            table = money.apportion_matrix([a for _m, a in pays], [t for _v, t in recs])
        for (method, _amount), row in zip(pays, table, strict=True):
            for (vendor_id, _t), won in zip(recs, row, strict=True):
                if won:
                    split = out.setdefault(vendor_id, {})
                    split[method] = split.get(method, 0) + won
    return out


def refunds_by_method(site_id: int) -> dict[int, dict[str, int]]:
    """vendor_id → {method: won paid back}: each refund's payments over its vendors' lines."""
    vendors: dict[str, dict[int, int]] = {}
    for refund_id, vendor_id, won in db.session.execute(
        select(RefundLine.refund_id, RefundLine.vendor_id, func.sum(RefundLine.amount))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.site_id == site_id)
        .group_by(RefundLine.refund_id, RefundLine.vendor_id)
        .order_by(RefundLine.refund_id, RefundLine.vendor_id)
    ):
        vendors.setdefault(refund_id, {})[vendor_id] = int(won or 0)
    payments: dict[str, list[tuple[str, int]]] = {}
    for refund_id, method, amount in db.session.execute(
        select(RefundPayment.refund_id, RefundPayment.method, RefundPayment.amount)
        .join(Refund, Refund.id == RefundPayment.refund_id)
        .where(Refund.site_id == site_id)
        .order_by(RefundPayment.refund_id, RefundPayment.position)
    ):
        payments.setdefault(refund_id, []).append((method, int(amount)))
    out: dict[int, dict[str, int]] = {}
    for refund_id, per_vendor in vendors.items():
        pays = payments.get(refund_id, [])
        ids, totals = list(per_vendor), list(per_vendor.values())
        if not pays or sum(totals) == 0:
            continue
        table = money.apportion_matrix([a for _m, a in pays], totals)
        for (method, _amount), row in zip(pays, table, strict=True):
            for vendor_id, won in zip(ids, row, strict=True):
                if won:
                    split = out.setdefault(vendor_id, {})
                    split[method] = split.get(method, 0) + won
    return out


def settlement(fair: Fair) -> dict:
    """``{vendors:[{brn, name, booth, brought, sold, returned, variance, gross, refunds,
    by_method, commission_pct, commission, adjustments, payable}], totals:{…}}``."""
    site_id = fair.site_id
    vendors = fair_vendors(fair)
    vendor_ids = [v.id for _fv, v in vendors]
    owner = dict(
        db.session.execute(
            select(Product.id, Product.vendor_id).where(Product.vendor_id.in_(vendor_ids))
        ).all()
    )
    brought = _by_vendor(db.session.execute(moved_by_product(site_id, "consign_in")), owner)
    returned = _by_vendor(db.session.execute(moved_by_product(site_id, "consign_return")), owner)
    units: dict[int, int] = {}
    gross: dict[int, int] = {}
    refunds: dict[int, int] = {}
    for vendor_id, _pid, n, won in db.session.execute(sold_by_product(site_id)):
        units[vendor_id] = units.get(vendor_id, 0) + int(n or 0)
        gross[vendor_id] = gross.get(vendor_id, 0) + int(won or 0)
    for vendor_id, _pid, n, won in db.session.execute(refunded_by_product(site_id)):
        units[vendor_id] = units.get(vendor_id, 0) - int(n or 0)
        gross[vendor_id] = gross.get(vendor_id, 0) - int(won or 0)
        refunds[vendor_id] = refunds.get(vendor_id, 0) + int(won or 0)
    adjustments = dict(
        db.session.execute(
            select(FairAdjustment.vendor_id, func.sum(FairAdjustment.amount))
            .where(FairAdjustment.site_id == site_id)
            .group_by(FairAdjustment.vendor_id)
        ).all()
    )
    split = by_method(site_id)
    for vendor_id, back in refunds_by_method(site_id).items():
        per = split.setdefault(vendor_id, {})
        for method, won in back.items():
            per[method] = per.get(method, 0) - won
    methods = list(accepted_methods(fair))
    for per in split.values():
        methods += [m for m in per if m not in methods]
    rows = []
    for fv, v in vendors:
        bp = commission_bp(fair, fv)
        g = gross.get(v.id, 0)
        fee = commission(g, bp)
        extra = int(adjustments.get(v.id) or 0)
        came, sold, back = brought.get(v.id, 0), units.get(v.id, 0), -returned.get(v.id, 0)
        rows.append(
            {
                "brn": v.brn,
                "name": v.name,
                "booth": fv.booth,
                "brought": came,
                "sold": sold,
                "returned": back,
                "variance": came - sold - back,
                "gross": g,
                "refunds": refunds.get(v.id, 0),
                "by_method": {m: split.get(v.id, {}).get(m, 0) for m in methods},
                "commission_pct": pct_text(bp),
                "commission": fee,
                "adjustments": extra,
                "payable": g - fee + extra,
            }
        )
    totals = {key: sum(r[key] for r in rows) for key in SUMMED}
    totals["by_method"] = {m: sum(r["by_method"][m] for r in rows) for m in methods}
    return {"state": fair.state, "methods": methods, "vendors": rows, "totals": totals}

"""일일 마감 (the Z report): a site's whole day, from its sales, refunds, tills and drawer moves.

Sales count on their business day (the Seoul date they were made), refunds on theirs: a refund
today of yesterday's sale lowers today's figures, as the money went back today. Every won
figure is net of refunds and adds up the way the receipts do:

    gross − discounts = Σ sales total;   net = Σ sales total − refunds
    taxable + vat + exempt = net;        Σ by_method = net
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from pos.auth.models import User
from pos.db import db
from pos.orders.models import OrderTicket
from pos.refunds.models import Refund, RefundKind, RefundLine, RefundPayment
from pos.sales.enums import PaymentMethod, SaleStatus
from pos.sales.models import CashReceipt, Payment, Sale, SaleLine
from pos.sites import SiteInfo

from .figures import cash_figures, day_bounds, expected_cash, iso
from .models import CashMoveKind, CashMovement, Shift

TOP_ITEMS = 10


def _sales(site_id: int, day: date) -> dict:
    count, gross, total, supply, vat, exempt = db.session.execute(
        select(
            func.count(Sale.id),
            func.coalesce(func.sum(Sale.subtotal), 0),
            func.coalesce(func.sum(Sale.total), 0),
            func.coalesce(func.sum(Sale.taxable_supply), 0),
            func.coalesce(func.sum(Sale.vat), 0),
            func.coalesce(func.sum(Sale.exempt), 0),
        ).where(Sale.site_id == site_id, Sale.business_day == day)
    ).one()
    return dict(
        count=int(count),
        gross=int(gross),
        total=int(total),
        taxable=int(supply),
        vat=int(vat),
        exempt=int(exempt),
    )


def _refunds(site_id: int, day: date) -> dict:
    count, voids, total, supply, vat, exempt = db.session.execute(
        select(
            func.count(Refund.id),
            func.count(Refund.id).filter(Refund.kind == RefundKind.VOID.value),
            func.coalesce(func.sum(Refund.total), 0),
            func.coalesce(func.sum(Refund.taxable_supply), 0),
            func.coalesce(func.sum(Refund.vat), 0),
            func.coalesce(func.sum(Refund.exempt), 0),
        ).where(Refund.site_id == site_id, Refund.business_day == day)
    ).one()
    return dict(
        count=int(count),
        voids=int(voids),
        total=int(total),
        taxable=int(supply),
        vat=int(vat),
        exempt=int(exempt),
    )


def _by_method(site_id: int, day: date) -> dict[str, int]:
    paid = dict(
        db.session.execute(
            select(Payment.method, func.sum(Payment.amount))
            .join(Sale, Sale.id == Payment.sale_id)
            .where(Sale.site_id == site_id, Sale.business_day == day)
            .group_by(Payment.method)
        ).all()
    )
    back = dict(
        db.session.execute(
            select(RefundPayment.method, func.sum(RefundPayment.amount))
            .join(Refund, Refund.id == RefundPayment.refund_id)
            .where(Refund.site_id == site_id, Refund.business_day == day)
            .group_by(RefundPayment.method)
        ).all()
    )
    return {
        m.value: int(paid.get(m.value, 0)) - int(back.get(m.value, 0))
        for m in PaymentMethod
        if m.value in paid or m.value in back
    }


def _top_items(site_id: int, day: date, limit: int = TOP_ITEMS) -> list[dict]:
    """Best sellers of the day by units, less the units refunded that day (amounts after
    discounts, less the won refunded)."""
    items: dict[int, dict] = {}
    for product_id, name, qty, amount in db.session.execute(
        select(
            SaleLine.product_id,
            func.max(SaleLine.name),
            func.sum(SaleLine.qty),
            func.sum(SaleLine.amount - SaleLine.discount_share),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.site_id == site_id, Sale.business_day == day)
        .group_by(SaleLine.product_id)
    ):
        items[product_id] = {"name": name, "qty": int(qty), "amount": int(amount)}
    for product_id, name, qty, amount in db.session.execute(
        select(
            RefundLine.product_id,
            func.max(RefundLine.name),
            func.sum(RefundLine.qty),
            func.sum(RefundLine.amount),
        )
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.site_id == site_id, Refund.business_day == day)
        .group_by(RefundLine.product_id)
    ):
        item = items.setdefault(product_id, {"name": name, "qty": 0, "amount": 0})
        item["qty"] -= int(qty)
        item["amount"] -= int(amount)
    kept = [i for i in items.values() if i["qty"] > 0]
    kept.sort(key=lambda i: (-i["qty"], -i["amount"], i["name"]))
    return kept[:limit]


def day_shifts(site_id: int, day: date) -> list[dict]:
    """The tills open at any time of the day, oldest first, with the drawer's figures."""
    start, end = day_bounds(day)
    shifts = db.session.scalars(
        select(Shift)
        .where(
            Shift.site_id == site_id,
            Shift.opened_at < end,
            or_(Shift.closed_at.is_(None), Shift.closed_at >= start),
        )
        .order_by(Shift.opened_at, Shift.id)
    ).all()
    cash = cash_figures([s.id for s in shifts])
    names = dict(
        db.session.execute(
            select(User.id, User.display_name).where(User.id.in_({s.user_id for s in shifts}))
        ).all()
    )
    out = []
    for s in shifts:
        closed = s.closed_at is not None
        live = expected_cash(s.opening_float, **cash[s.id])
        frozen = s.expected_cash if closed else None
        out.append(
            {
                "id": s.id,
                "user": names.get(s.user_id, ""),
                "opened_at": iso(s.opened_at),
                "closed_at": iso(s.closed_at),
                "opening_float": s.opening_float,
                "expected_cash": live if frozen is None else frozen,
                "counted_cash": s.counted_cash,
                "over_short": s.over_short,
                "closed": closed,
            }
        )
    return out


def _movements(site_id: int, day: date) -> dict[str, int]:
    start, end = day_bounds(day)
    sums = dict(
        db.session.execute(
            select(CashMovement.kind, func.sum(CashMovement.amount))
            .where(
                CashMovement.site_id == site_id,
                CashMovement.created_at >= start,
                CashMovement.created_at < end,
            )
            .group_by(CashMovement.kind)
        ).all()
    )
    return {
        "paid_in": int(sums.get(CashMoveKind.PAY_IN.value, 0)),
        "paid_out": int(sums.get(CashMoveKind.PAY_OUT.value, 0)),
    }


def _pending_cash_receipts(site_id: int, day: date) -> int:
    """현금영수증 asked for on the day's sales (not voided or wholly refunded) with no approval
    number yet."""
    return int(
        db.session.execute(
            select(func.count(CashReceipt.sale_id))
            .join(Sale, Sale.id == CashReceipt.sale_id)
            .where(
                Sale.site_id == site_id,
                Sale.business_day == day,
                Sale.status.not_in((SaleStatus.VOIDED.value, SaleStatus.REFUNDED.value)),
                CashReceipt.approval_no.is_(None),
            )
        ).scalar()
        or 0
    )


def z_report(site: SiteInfo, day: date) -> dict:
    sales = _sales(site.id, day)
    refunds = _refunds(site.id, day)
    orders = db.session.execute(
        select(func.count(OrderTicket.sale_id)).where(
            OrderTicket.site_id == site.id, OrderTicket.business_day == day
        )
    ).scalar()
    return {
        "site": site.code,
        "site_name": site.name,
        "day": day.isoformat(),
        "sales": sales["count"],
        "orders": int(orders or 0),
        "voids": refunds["voids"],
        "gross": sales["gross"],
        "discounts": sales["gross"] - sales["total"],
        "refunds": refunds["total"],
        "refund_count": refunds["count"],
        "net": sales["total"] - refunds["total"],
        "taxable": sales["taxable"] - refunds["taxable"],
        "vat": sales["vat"] - refunds["vat"],
        "exempt": sales["exempt"] - refunds["exempt"],
        "by_method": _by_method(site.id, day),
        "top_items": _top_items(site.id, day),
        "shifts": day_shifts(site.id, day),
        "cash_receipts_pending": _pending_cash_receipts(site.id, day),
        **_movements(site.id, day),
    }


def method_totals_note(by_method: dict[str, int]) -> list[tuple[str, int]]:
    """(Korean label, won) per method, for screens and slips."""
    labels = PaymentMethod.labels()
    return [(labels.get(m, m), won) for m, won in by_method.items()]


__all__ = ["day_shifts", "method_totals_note", "z_report"]


def day_details(site_id: int, day: date) -> dict:
    """What the 일일 마감 page lists beside the figures: the day's refunds and voids and the
    drawer's cash in and out, each with its reason and who did it (oldest first)."""
    from pos.refunds.models import REFUND_KIND_LABELS

    from .figures import movement_view

    refunds = db.session.execute(
        select(Refund, User.display_name)
        .outerjoin(User, User.id == Refund.user_id)
        .where(Refund.site_id == site_id, Refund.business_day == day)
        .order_by(Refund.created_at, Refund.id)
    ).all()
    start, end = day_bounds(day)
    moves = db.session.execute(
        select(CashMovement, User.display_name)
        .outerjoin(User, User.id == CashMovement.user_id)
        .where(
            CashMovement.site_id == site_id,
            CashMovement.created_at >= start,
            CashMovement.created_at < end,
        )
        .order_by(CashMovement.created_at, CashMovement.id)
    ).all()
    return {
        "refunds": [
            {
                "sale_id": r.sale_id,
                "receipt_no": r.receipt_no,
                "kind": REFUND_KIND_LABELS[RefundKind(r.kind)],
                "at": iso(r.created_at),
                "user": name or "",
                "reason": r.reason,
                "total": r.total,
            }
            for r, name in refunds
        ],
        "movements": [dict(movement_view(m), user=name or "") for m, name in moves],
    }

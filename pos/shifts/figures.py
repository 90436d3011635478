"""A shift's figures: what the drawer should hold, worked out from rows that already exist.

``cash_sales`` is the cash paid (Payment.amount, never the cash tendered) of the sales made in
the shift, ``cash_refunds`` the cash paid back (RefundPayment.amount) of the refunds made in it
(a refund counts in the shift of the user who makes it, whichever shift sold the goods):

    expected_cash = opening_float + cash_sales − cash_refunds + paid_in − paid_out
    over_short    = counted_cash − expected_cash   (negative when short)

``by_method`` is paid less paid back per method, so ``by_method["cash"]`` is
``cash_sales − cash_refunds`` and the methods add up to ``sales − refunds``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from pos.auth.models import User
from pos.db import db
from pos.refunds.models import Refund, RefundPayment
from pos.sales.enums import PaymentMethod
from pos.sales.models import Payment, Sale
from pos.sales.record import KST, local_time
from pos.sites import site_directory

from .models import CASH_MOVE_LABELS, CashMoveKind, CashMovement, Shift

CASH = PaymentMethod.CASH.value


def today() -> date:
    """The business day now: the Seoul calendar date."""
    return datetime.now(KST).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Seoul calendar day as naive UTC [start, end), the way times are stored."""
    start = datetime.combine(day, time(), tzinfo=KST).astimezone(UTC).replace(tzinfo=None)
    return start, start + timedelta(days=1)


def iso(at: datetime | None) -> str | None:
    return local_time(at).isoformat() if at is not None else None


def expected_cash(
    opening_float: int, cash_sales: int, cash_refunds: int, paid_in: int, paid_out: int
) -> int:
    """DESIGN §5: float + cash sales − cash refunds, plus cash paid in, less cash paid out."""
    return opening_float + cash_sales - cash_refunds + paid_in - paid_out


def _method_sums(stmt) -> dict[str, int]:
    return {method: int(amount) for method, amount in db.session.execute(stmt)}


def movement_view(m: CashMovement) -> dict:
    return {
        "id": m.id,
        "kind": m.kind,
        "label": CASH_MOVE_LABELS[CashMoveKind(m.kind)],
        "amount": m.amount,
        "reason": m.reason,
        "shift_id": m.shift_id,
        "created_at": iso(m.created_at),
    }


def cash_figures(shift_ids: list[str]) -> dict[str, dict[str, int]]:
    """Per shift: cash_sales, cash_refunds, paid_in, paid_out (four grouped queries for any
    number of shifts, so the Z report's list of tills costs the same as one)."""
    out = {sid: dict(cash_sales=0, cash_refunds=0, paid_in=0, paid_out=0) for sid in shift_ids}
    if not shift_ids:
        return out
    for sid, won in db.session.execute(
        select(Sale.shift_id, func.sum(Payment.amount))
        .join(Payment, Payment.sale_id == Sale.id)
        .where(Sale.shift_id.in_(shift_ids), Payment.method == CASH)
        .group_by(Sale.shift_id)
    ):
        out[sid]["cash_sales"] = int(won)
    for sid, won in db.session.execute(
        select(Refund.shift_id, func.sum(RefundPayment.amount))
        .join(RefundPayment, RefundPayment.refund_id == Refund.id)
        .where(Refund.shift_id.in_(shift_ids), RefundPayment.method == CASH)
        .group_by(Refund.shift_id)
    ):
        out[sid]["cash_refunds"] = int(won)
    for sid, kind, won in db.session.execute(
        select(CashMovement.shift_id, CashMovement.kind, func.sum(CashMovement.amount))
        .where(
            CashMovement.shift_id.in_(shift_ids),
            CashMovement.kind.in_((CashMoveKind.PAY_IN.value, CashMoveKind.PAY_OUT.value)),
        )
        .group_by(CashMovement.shift_id, CashMovement.kind)
    ):
        out[sid]["paid_in" if kind == CashMoveKind.PAY_IN else "paid_out"] = int(won)
    return out


def live_expected(shift: Shift) -> int:
    """What the drawer should hold now (the frozen figure once the shift is closed)."""
    if shift.closed_at is not None and shift.expected_cash is not None:
        return shift.expected_cash
    cash = cash_figures([shift.id])[shift.id]
    return expected_cash(shift.opening_float, **cash)


def shift_figures(shift: Shift) -> dict:
    """The figures of DESIGN §5 for one shift (its closing slip and the tablet's count)."""
    cash = cash_figures([shift.id])[shift.id]
    count, sales, discounts = db.session.execute(
        select(
            func.count(Sale.id),
            func.coalesce(func.sum(Sale.total), 0),
            func.coalesce(func.sum(Sale.subtotal - Sale.total), 0),
        ).where(Sale.shift_id == shift.id)
    ).one()
    refund_count, refunds = db.session.execute(
        select(func.count(Refund.id), func.coalesce(func.sum(Refund.total), 0)).where(
            Refund.shift_id == shift.id
        )
    ).one()
    by_method: dict[str, int] = defaultdict(int)
    paid = _method_sums(
        select(Payment.method, func.sum(Payment.amount))
        .join(Sale, Sale.id == Payment.sale_id)
        .where(Sale.shift_id == shift.id)
        .group_by(Payment.method)
    )
    back = _method_sums(
        select(RefundPayment.method, func.sum(RefundPayment.amount))
        .join(Refund, Refund.id == RefundPayment.refund_id)
        .where(Refund.shift_id == shift.id)
        .group_by(RefundPayment.method)
    )
    for method in PaymentMethod:  # in the cashier's order
        if method.value in paid or method.value in back:
            by_method[method.value] = paid.get(method.value, 0) - back.get(method.value, 0)
    expected = expected_cash(shift.opening_float, **cash)
    closed = shift.closed_at is not None
    if closed and shift.expected_cash is not None:
        expected = shift.expected_cash  # as it was at the close (what the slip printed)
    movements = db.session.scalars(
        select(CashMovement)
        .where(CashMovement.shift_id == shift.id)
        .order_by(CashMovement.created_at, CashMovement.id)
    ).all()
    user = db.session.get(User, shift.user_id)
    site = site_directory().get(shift.site_id)
    return {
        "id": shift.id,
        "site": site.code if site else "",
        "user": user.display_name if user else "",
        "username": user.username if user else "",
        "opened_at": iso(shift.opened_at),
        "closed_at": iso(shift.closed_at),
        "closed": closed,
        "opening_float": shift.opening_float,
        **cash,
        "expected_cash": expected,
        "counted_cash": shift.counted_cash,
        "over_short": shift.over_short,
        "by_method": dict(by_method),
        "sales": int(sales),
        "refunds": int(refunds),
        "discounts": int(discounts),
        "count": int(count),
        "refund_count": int(refund_count),
        "movements": [movement_view(m) for m in movements],
    }

"""What a refund gives back, worked out from the sale and its earlier refunds (pure functions).

A line's won refunded is its net (amount less every discount on it) pro rata by units, the
last units getting the remainder: refunding k of n units in total gives back
round-half-up(net × k / n), so however the units are split over refunds, refunding them all
gives back exactly the net, and the sale's total over every line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pos import money
from pos.api import ApiError
from pos.korean import josa
from pos.sales.enums import PaymentMethod
from pos.sales.record import SaleLineRecord, SaleRecord

from .record import RefundRecord
from .schemas import RefundLineIn, RefundPaymentIn

NOTHING_LEFT = "이 판매는 더 환불할 것이 없습니다 (이미 모두 환불되었습니다)"


@dataclass(frozen=True)
class PlannedLine:
    line: SaleLineRecord
    qty: int
    amount: int


def cumulative_share(net: int, sold: int, units: int) -> int:
    """Won given back for the first ``units`` of ``sold`` units of a line worth ``net``."""
    if units >= sold:
        return net
    return money.div_round_half_up(net * units, sold)


def line_amount(net: int, sold: int, before_qty: int, before_amount: int, qty: int) -> int:
    """Won for ``qty`` more units after ``before_qty`` (worth ``before_amount``) went back."""
    return cumulative_share(net, sold, before_qty + qty) - before_amount


def plan_lines(
    rec: SaleRecord,
    asked: Sequence[RefundLineIn] | None,
    refunded: Mapping[int, tuple[int, int]],
) -> list[PlannedLine]:
    """The lines this refund gives back, in sale order; 409 ``over_refund`` past what is left.

    ``asked`` None: everything left of every line. ``refunded``: position -> (units, won)
    already given back."""
    wanted: dict[int, int] = {}
    if asked is None:
        for ln in rec.lines:
            left = ln.qty - refunded.get(ln.position, (0, 0))[0]
            if left > 0:
                wanted[ln.position] = left
        if not wanted:
            raise ApiError(409, "over_refund", NOTHING_LEFT, "lines")
    else:
        for i, item in enumerate(asked):
            if item.line > len(rec.lines):
                raise ApiError(
                    422,
                    "invalid_line",
                    f"이 판매에는 {item.line}번째 상품이 없습니다 (상품 {len(rec.lines)}개)",
                    f"lines.{i}.line",
                )
            wanted[item.line - 1] = wanted.get(item.line - 1, 0) + item.qty
    planned = []
    for position in sorted(wanted):
        ln = rec.lines[position]
        qty = wanted[position]
        before_qty, before_amount = refunded.get(position, (0, 0))
        left = ln.qty - before_qty
        if qty > left:
            what = f"{ln.name}: 판매 {ln.qty}개 중 {before_qty}개가 이미 환불되어"
            raise ApiError(
                409,
                "over_refund",
                f"{what} {left}개까지만 환불할 수 있습니다"
                if left
                else f"{ln.name}: 판매한 {ln.qty}개가 모두 이미 환불되었습니다",
                "lines",
                line=position + 1,
                refundable=left,
            )
        amount = line_amount(ln.net, ln.qty, before_qty, before_amount, qty)
        planned.append(PlannedLine(ln, qty, amount))
    return planned


def split_of(planned: Sequence[PlannedLine]) -> tuple[int, money.VatSplit]:
    """(VAT-inclusive taxable total, VAT split) of some refunded lines (DESIGN §4)."""
    total = sum(p.amount for p in planned)
    taxable = sum(p.amount for p in planned if p.line.tax == "taxable")
    return taxable, money.vat_split(taxable, total - taxable)


def sale_split(
    rec: SaleRecord, before: Sequence[RefundRecord], planned: Sequence[PlannedLine]
) -> tuple[int, money.VatSplit]:
    """The refund's split; the refund that gives back the last taxable won takes what is left
    of the sale's 공급가액 and 부가세, so all the refunds of a sale add up to the sale (unless
    what is left would be negative: many tiny refunds each rounded up, then its own split)."""
    taxable, split = split_of(planned)
    if before and sum(r.taxable_total for r in before) + taxable == rec.taxable_total:
        supply = rec.taxable_supply - sum(r.taxable_supply for r in before)
        if 0 <= supply <= taxable:  # never a negative 공급가액 or 부가세
            split = money.VatSplit(supply, taxable - supply, split.exempt)
    return taxable, split


def check_refund_payments(
    payments: Sequence[RefundPaymentIn],
    total: int,
    rec: SaleRecord,
    refunded: Mapping[str, int],
) -> None:
    """Paid back exactly ``total``, only by methods the sale was paid with and never more by
    one than it took less what went back by it before; card refunds carry the terminal's
    cancellation number."""
    given = sum(p.amount for p in payments)
    if given != total:
        raise ApiError(
            422,
            "payments_mismatch",
            f"돌려줄 금액의 합계({money.won(given)})가 "
            f"환불 금액({money.won(total)})과 맞지 않습니다",
            "payments",
            total=total,
        )
    paid: dict[str, int] = {}
    for p in rec.payments:
        paid[p.method.value] = paid.get(p.method.value, 0) + p.amount
    back: dict[str, int] = {}
    for i, p in enumerate(payments):
        label = PaymentMethod(p.method).label
        if p.method == PaymentMethod.CARD and not p.approval_no:
            raise ApiError(
                422,
                "approval_no_required",
                "카드 환불에는 카드 단말기에서 받은 취소 승인번호가 필요합니다",
                f"payments.{i}.approval_no",
            )
        if p.method not in paid:
            raise ApiError(
                422,
                "method_not_paid",
                f"이 판매는 {josa(label, '으로/로')} 결제되지 않았습니다",
                f"payments.{i}.method",
            )
        back[p.method] = back.get(p.method, 0) + p.amount
    for method, amount in back.items():
        left = paid[method] - refunded.get(method, 0)
        if amount > left:
            label = PaymentMethod(method).label
            raise ApiError(
                409,
                "over_refund",
                f"{josa(label, '으로/로')}는 {money.won(max(left, 0))}까지만 돌려줄 수 있습니다",
                "payments",
            )

"""The refund arithmetic (pos/refunds/amounts.py) for any sale and any way of splitting its
refunds: never more than a line's net, all of it when every unit went back, and the VAT split
of all the refunds together equal to the sale's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos import money
from pos.api import ApiError
from pos.refunds.amounts import cumulative_share, plan_lines, sale_split
from pos.refunds.schemas import RefundLineIn
from pos.sales.record import SaleLineRecord

line_st = st.tuples(
    st.integers(1, 12),  # qty
    st.integers(0, 20_000),  # unit price
    st.sampled_from(["taxable", "exempt"]),
    st.integers(0, 100),  # discount percent of the line
)


def make_sale(specs):
    lines = []
    for i, (qty, price, tax, pct) in enumerate(specs):
        amount = qty * price
        lines.append(
            SaleLineRecord(
                position=i,
                receipt_position=0,
                product_id=i + 1,
                sku=f"P{i}",
                name=f"상품{i}",
                options=(),
                unit_price=price,
                qty=qty,
                amount=amount,
                discount_share=amount * pct // 100,
                tax=tax,
                vendor_id=1,
                track_stock=False,
            )
        )
    total = sum(ln.net for ln in lines)
    taxable = sum(ln.net for ln in lines if ln.tax == "taxable")
    split = money.vat_split(taxable, total - taxable)
    return SimpleNamespace(
        lines=tuple(lines),
        total=total,
        taxable_total=taxable,
        taxable_supply=split.taxable_supply,
        vat=split.vat,
        exempt=split.exempt,
    )


class Done(SimpleNamespace):
    """What the service stores of an earlier refund (the fields sale_split reads)."""


@settings(max_examples=200, deadline=None)
@given(st.lists(line_st, min_size=1, max_size=5), st.data())
def test_any_split_of_refunds_adds_up_to_the_sale(specs, data):
    rec = make_sale(specs)
    refunded: dict[int, tuple[int, int]] = {}
    before: list[Done] = []
    while True:
        left = {ln.position: ln.qty - refunded.get(ln.position, (0, 0))[0] for ln in rec.lines}
        open_lines = [p for p, n in left.items() if n > 0]
        if not open_lines:
            break
        picked = data.draw(st.lists(st.sampled_from(open_lines), min_size=1, unique=True))
        asked = [RefundLineIn(line=p + 1, qty=data.draw(st.integers(1, left[p]))) for p in picked]
        planned = plan_lines(rec, asked, refunded)
        taxable, split = sale_split(rec, before, planned)
        total = sum(p.amount for p in planned)
        assert split.taxable_supply + split.vat + split.exempt == total
        assert split.vat >= 0 and split.taxable_supply >= 0
        for p in planned:
            q, a = refunded.get(p.line.position, (0, 0))
            refunded[p.line.position] = (q + p.qty, a + p.amount)
            assert 0 <= a + p.amount <= p.line.net
        before.append(
            Done(
                total=total,
                taxable_total=taxable,
                taxable_supply=split.taxable_supply,
                vat=split.vat,
            )
        )
    # every unit back: every line's net, the sale's total and its VAT split exactly
    for ln in rec.lines:
        assert refunded[ln.position] == (ln.qty, ln.net)
    assert sum(r.total for r in before) == rec.total
    assert sum(r.taxable_total for r in before) == rec.taxable_total
    # the last taxable refund takes what is left of the sale's VAT, unless that would be
    # negative (each of many tiny refunds rounded its 공급가액 up): then a won or so per refund
    vat = sum(r.vat for r in before)
    assert sum(r.taxable_supply for r in before) + vat == rec.taxable_total
    assert abs(vat - rec.vat) <= len(before)
    if len([r for r in before if r.taxable_total]) <= 2 and rec.taxable_total >= 100:
        assert vat == rec.vat  # the usual case: a refund or two of real amounts
    with pytest.raises(ApiError) as exc:
        plan_lines(rec, None, refunded)
    assert exc.value.code == "over_refund"


@given(st.integers(0, 10**8), st.integers(1, 999), st.data())
def test_cumulative_share_grows_to_the_net(net, sold, data):
    k = data.draw(st.integers(0, sold - 1))
    assert 0 <= cumulative_share(net, sold, k) <= cumulative_share(net, sold, k + 1) <= net
    assert cumulative_share(net, sold, sold) == net

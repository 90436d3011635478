"""Money and VAT rules of DESIGN §4, with property-based checks."""

from hypothesis import given
from hypothesis import strategies as st

from pos import money


def test_design_example_split():
    split = money.vat_split(4500, 10000)
    assert (split.taxable_supply, split.vat, split.exempt, split.total) == (4091, 409, 10000, 14500)


def test_round_half_up_at_exact_half():
    # 55 * 10 / 11 = 50 exactly; 11 * 10 / 11 = 10; T=5.5 cases: 10*T/11 with remainder 5.5/11
    assert money.div_round_half_up(11, 2) == 6
    assert money.div_round_half_up(10, 4) == 3
    assert money.div_round_half_up(9, 4) == 2
    assert money.div_round_half_up(-11, 2) == -6


def test_formatting_uses_won_not_sign():
    assert money.won(4500) == "4,500원"
    assert money.won(1234567) == "1,234,567원"
    assert money.num(0) == "0"
    assert "₩" not in money.won(10)


def test_allocate_remainder_on_last():
    assert money.allocate(1000, [1, 1, 1]) == [333, 333, 334]
    assert money.allocate(0, [5, 5]) == [0, 0]
    assert money.allocate(100, [0, 0]) == [0, 100]


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_vat_split_adds_up_and_matches_formula(taxable, exempt):
    split = money.vat_split(taxable, exempt)
    assert split.total == taxable + exempt
    assert split.exempt == exempt
    assert split.vat >= 0
    # 공급가액 is the nearest integer to T*10/11, halves rounded up
    assert abs(split.taxable_supply * 11 - taxable * 10) * 2 <= 11
    assert isinstance(split.vat, int) and isinstance(split.taxable_supply, int)


@given(
    st.integers(min_value=0, max_value=10**10),
    st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=12),
)
def test_allocate_is_proportional_and_exact(total, weights):
    parts = money.allocate(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    weight_sum = sum(weights)
    if weight_sum:
        for part, w in zip(parts[:-1], weights[:-1], strict=True):
            assert part == total * w // weight_sum


def test_apportion_never_exceeds_a_weight():
    # the review's case: remainder-on-last would give the 1-won line 2 won of discount
    assert money.allocate(4, [2, 2, 1]) == [1, 1, 2]
    parts = money.apportion(4, [2, 2, 1])
    assert sum(parts) == 4 and all(p <= w for p, w in zip(parts, [2, 2, 1], strict=True))


@given(
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=10),
    st.data(),
)
def test_apportion_properties(weights, data):
    total = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    parts = money.apportion(total, weights)
    assert sum(parts) == total
    for part, w in zip(parts, weights, strict=True):
        assert 0 <= part <= w
        if sum(weights):
            exact = total * w / sum(weights)
            assert abs(part - exact) < 1 + 1e-9


@given(
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=5),
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=5),
)
def test_apportion_matrix_rows_and_columns_add_up(rows, cols):
    # scale columns so both sides have the same sum
    diff = sum(rows) - sum(cols)
    if diff > 0:
        cols = cols[:-1] + [cols[-1] + diff]
    else:
        rows = rows[:-1] + [rows[-1] - diff]
    table = money.apportion_matrix(rows, cols)
    assert [sum(r) for r in table] == rows
    assert [sum(c) for c in zip(*table, strict=True)] == cols
    assert all(v >= 0 for r in table for v in r)


def test_tender_vat_design_rule_remainder_on_last():
    split = money.vat_split(4500, 10000)  # 4,091 / 409 / 10,000
    parts = money.tender_vat(split, [10000, 4500])
    assert [p.total for p in parts] == [10000, 4500]
    assert sum(p.vat for p in parts) == 409 and sum(p.exempt for p in parts) == 10000
    assert parts[0].vat == 409 * 10000 // 14500  # rounded down, remainder on the last
    assert parts[1].vat == 409 - parts[0].vat


@given(
    st.integers(min_value=0, max_value=10**8),
    st.integers(min_value=0, max_value=10**8),
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=4),
)
def test_tender_vat_always_fits(taxable, exempt, weights):
    split = money.vat_split(taxable, exempt)
    if split.total == 0:
        return
    amounts = money.apportion(split.total, weights)
    if 0 in amounts:
        return
    parts = money.tender_vat(split, amounts)
    assert [p.total for p in parts] == amounts
    assert all(p.taxable_supply >= 0 and p.vat >= 0 and p.exempt >= 0 for p in parts)
    assert sum(p.vat for p in parts) == split.vat
    assert sum(p.exempt for p in parts) == split.exempt

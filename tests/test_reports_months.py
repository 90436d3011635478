"""Long ranges read whole months from the month rollups (r_*_month), or whole weeks from
r_site_week, and the ragged ends from the day rollups: over four months of real sales and a
refund, every figure equals what the branch's own sales add up to, on central (PostgreSQL, fed
by ingest) and on the branch itself (SQLite, its local catch-up), and a month-long range agrees
with the same range read day by day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from reports_kit import (
    AMERICANO_HOT,
    KST,
    LATTE_ICE,
    MUSHROOM,
    ingest_into,
    manager,
    outbox,
    refund,
)
from shift_helpers import sell
from support import ApiClient

from pos.db import clock_set_back


def _at(day: date):
    """The clock set to noon of DAY in Seoul (today: the real clock)."""
    if day == datetime.now(KST).date():
        return clock_set_back(timedelta(0))
    return clock_set_back(datetime.now(UTC) - datetime.combine(day, time(12), KST))


def _month(day: date) -> date:
    return day.replace(day=1)


def _months_back(day: date, n: int) -> date:
    for _ in range(n):
        day = _month(day) - timedelta(days=1)
    return _month(day)


def _four_months(branch):
    """Sales on four days in four months (the middle two months whole in the range), a refund
    in the third; returns the range and what each month adds up to (won, counts)."""
    today = datetime.now(KST).date()
    m3, m2, m1 = (_months_back(today, n) for n in (3, 2, 1))
    days = [m3.replace(day=20), m2.replace(day=5), m1.replace(day=15), today]
    till = ApiClient(branch, "cashier3", pin="1234")
    boss = manager(branch)
    want: dict[str, Counter] = {}
    sold = []
    for n, day in enumerate(days):
        with _at(day):
            items = (AMERICANO_HOT, MUSHROOM) if n % 2 == 0 else (LATTE_ICE,)
            sale = sell(till, items, "cash" if n % 2 == 0 else "card")
            sold.append(sale)
            got = want.setdefault(_month(day).isoformat(), Counter())
            got.update(sales=1, total=sale["total"], vat=sale["vat"], exempt=sale["exempt"])
            if n == 2:  # a part of the first sale comes back in the third month
                back = refund(boss, sold[0]["id"], lines=[(1, 1)], amount=4500)
                got.update(refunds=1)
                got.subtract(total=back["total"], vat=back["vat"], exempt=back["exempt"])
    return m3.replace(day=10), today, want, days


def _cells(api: ApiClient, start: date, end: date) -> Counter:
    query = {"from": start.isoformat(), "to": end.isoformat(), "site": "CAFE03"}
    rows = api.get("/api/reports/heatmap", query_string=query).get_json()["rows"]
    cells = Counter()
    for r in rows:
        cells[(r["weekday"], r["hour"], "sales")] += r["sales"]
        cells[(r["weekday"], r["hour"], "total")] += r["total"]
    return cells


def _check_heatmap(api: ApiClient, start: date, end: date, days: list[date]) -> None:
    """The heatmap of the whole range (two whole months read from r_site_hour_month) equals
    its sale days read one by one (each from the day rollup alone), cell by cell."""
    whole = _cells(api, start, end)
    each = Counter()
    for day in days:
        each.update(_cells(api, day, day))
    assert +whole == +each
    assert sum(v for k, v in whole.items() if k[2] == "sales") == len(days)
    noon = [(d.weekday(), 12, "sales") for d in days[:-1]]  # past days sold at noon in Seoul
    assert all(whole[cell] >= 1 for cell in noon), whole


def _check(api: ApiClient, start: date, end: date, want: dict[str, Counter]) -> None:
    query = {"from": start.isoformat(), "to": end.isoformat(), "site": "CAFE03"}
    rows = api.get("/api/reports/revenue", query_string={**query, "by": "month"}).get_json()
    got = {r["period"]: r for r in rows["rows"]}
    assert sorted(got) == sorted(want)
    for month, sums in want.items():
        for key in ("sales", "refunds", "total", "vat", "exempt"):
            assert got[month][key] == sums[key], (month, key, got[month], sums)
    whole = sum(s["total"] for s in want.values())
    by_day = api.get("/api/reports/revenue", query_string=query).get_json()["rows"]
    assert sum(r["total"] for r in by_day) == whole
    # by week (whole weeks from r_site_week, the ends by day) = the days summed per Monday
    weeks = Counter()
    for r in by_day:
        day = date.fromisoformat(r["period"])
        weeks[(day - timedelta(days=day.weekday())).isoformat(), "total"] += r["total"]
        weeks[(day - timedelta(days=day.weekday())).isoformat(), "sales"] += r["sales"]
    by_week = api.get("/api/reports/revenue", query_string={**query, "by": "week"}).get_json()
    got_weeks = Counter()
    for r in by_week["rows"]:
        got_weeks[r["period"], "total"] += r["total"]
        got_weeks[r["period"], "sales"] += r["sales"]
    assert +got_weeks == +weeks
    summary = api.get("/api/reports/summary", query_string=query).get_json()
    assert summary["current"]["total"] == whole
    assert summary["current"]["sales"] == sum(s["sales"] for s in want.values())
    for name, field in (("products", "total"), ("vendors", "total"), ("payments", "amount")):
        rows = api.get(f"/api/reports/{name}", query_string=query).get_json()["rows"]
        assert sum(r[field] for r in rows) == whole, name
    discounts = api.get("/api/reports/discounts", query_string=query).get_json()["rows"]
    assert [r["refunds"] for r in discounts] == [1]
    # one whole month alone, and the same month read as two halves, agree
    first, *_ = sorted(want)
    month = date.fromisoformat(sorted(want)[1])
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    one = api.get(
        "/api/reports/vendors",
        query_string={"from": month.isoformat(), "to": last.isoformat(), "site": "CAFE03"},
    ).get_json()["rows"]
    assert sum(r["total"] for r in one) == want[month.isoformat()]["total"]


def test_central_reads_whole_months_from_the_month_rollups(app_factory):
    branch = app_factory("sqlite")
    central = app_factory("postgresql", POS_ROLE="central")
    start, end, want, days = _four_months(branch)
    ingest_into(central, "CAFE03", outbox(branch, "CAFE03"))
    _check(manager(central), start, end, want)
    _check_heatmap(manager(central), start, end, days)


def test_a_branch_reads_its_own_months_the_same_way(app_factory):
    branch = app_factory("sqlite")
    start, end, want, days = _four_months(branch)
    _check(manager(branch), start, end, want)
    _check_heatmap(manager(branch), start, end, days)


def _check_mostly(api: ApiClient, days: list[date], want: dict[str, Counter]) -> None:
    """From the 6th of one month to the 16th of the next: both months are mostly held, so each
    is read from its month row less the days outside the range, and the first month's sale on
    the 5th (outside) must come out, while the next month's sale and refund on the 15th stay."""
    m2, m1 = _month(days[1]), _month(days[2])
    start, end = m2.replace(day=6), m1.replace(day=16)
    query = {"from": start.isoformat(), "to": end.isoformat(), "site": "CAFE03"}
    inside = want[m1.isoformat()]
    by_month = api.get("/api/reports/revenue", query_string={**query, "by": "month"}).get_json()
    assert [r["period"] for r in by_month["rows"]] == [m1.isoformat()]
    row = by_month["rows"][0]
    assert (row["sales"], row["refunds"], row["total"]) == (1, 1, inside["total"])
    summary = api.get("/api/reports/summary", query_string=query).get_json()["current"]
    assert (summary["sales"], summary["total"]) == (1, inside["total"])
    for name, field in (("products", "total"), ("vendors", "total"), ("payments", "amount")):
        rows = api.get(f"/api/reports/{name}", query_string=query).get_json()["rows"]
        assert sum(r[field] for r in rows) == inside["total"], name
        assert all(r[field] for r in rows), name  # nothing listed only to be subtracted
    assert _cells(api, start, end) == _cells(api, days[2], days[2])


def test_central_subtracts_the_days_outside_a_mostly_held_month(app_factory):
    branch = app_factory("sqlite")
    central = app_factory("postgresql", POS_ROLE="central")
    _, _, want, days = _four_months(branch)
    ingest_into(central, "CAFE03", outbox(branch, "CAFE03"))
    _check_mostly(manager(central), days, want)


def test_a_branch_subtracts_them_the_same_way(app_factory):
    branch = app_factory("sqlite")
    _, _, want, days = _four_months(branch)
    _check_mostly(manager(branch), days, want)

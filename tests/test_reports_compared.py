"""Revenue beside the previous range (지난 기간, the dashboard's revenue table) matches each
period with the previous range's period in the same place: its figures equal two plain revenue
reports (this range's and the previous range's) lined up period by period, by day, week and
month, on central (PostgreSQL) and on the branch (SQLite)."""

from __future__ import annotations

from datetime import date, timedelta

from reports_kit import ingest_into, outbox
from test_reports_months import _four_months, _month

from pos.central import local
from pos.db import db
from pos.reports import queries
from pos.reports.filters import Filters, period_starts
from pos.sites import site_directory


def _filters(app, start: date, end: date, unit: str) -> Filters:
    site = site_directory().by_code("CAFE03")
    return Filters(start=start, end=end, unit=unit, sites=(site,), all_sites=False)


def _lined_up(f: Filters) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """The oracle: this range's revenue rows, and the previous range's moved onto the period
    in the same place (the 3rd period beside the 3rd); the previous range's extra periods are
    dropped."""
    prev_start, prev_end = f.previous()
    before = Filters(start=prev_start, end=prev_end, unit=f.unit, sites=f.sites, all_sites=False)
    here = [p.isoformat() for p in period_starts(f.start, f.end, f.unit)]
    back = [p.isoformat() for p in period_starts(prev_start, prev_end, f.unit)]
    place = dict(zip(back, here, strict=False))
    out: dict[tuple[str, str], list[int]] = {}
    for r in queries.revenue(f):
        out.setdefault((r["site"], r["period"]), [0, 0, 0, 0])[:2] = [r["sales"], r["total"]]
    for r in queries.revenue(before):
        if r["period"] in place:
            out.setdefault((r["site"], place[r["period"]]), [0, 0, 0, 0])[2:] = [
                r["sales"],
                r["total"],
            ]
    return {k: tuple(v) for k, v in out.items()}


def _check(app, ranges) -> int:
    """Every range and unit agrees with the oracle; returns how many rows had a previous
    figure (so the test knows the matching was exercised)."""
    matched = 0
    with app.app_context(), app.test_request_context():
        local.catch_up(10_000)  # a branch's reports read what its outbox has applied so far
        db.session.commit()
        for start, end, unit in ranges:
            f = _filters(app, start, end, unit)
            rows = queries.revenue_compared(f)
            got = {
                (r["site"], r["period"]): (r["sales"], r["total"], r["prev_sales"], r["prev_total"])
                for r in rows
            }
            assert got == _lined_up(f), (start, end, unit)
            assert [r["period"] for r in rows] == sorted(r["period"] for r in rows)
            assert all(r["site_name"] for r in rows)
            matched += sum(1 for r in rows if r["prev_total"])
    return matched


def _ranges(days: list[date]) -> list[tuple[date, date, str]]:
    m2, m1, today = _month(days[1]), _month(days[2]), days[3]
    m1_end = _month(today) - timedelta(days=1)
    out = [(m1, m1_end, unit) for unit in ("day", "week", "month")]  # 지난달 beside this month
    out += [(m2 + timedelta(days=3), today, unit) for unit in ("week", "month")]
    out += [(days[2] - timedelta(days=20), days[2] + timedelta(days=5), "day")]
    out += [(days[0], today, "month"), (today - timedelta(days=6), today, "day")]
    return out


def test_central_lines_up_each_period_with_the_previous_ranges(app_factory):
    branch = app_factory("sqlite")
    central = app_factory("postgresql", POS_ROLE="central")
    _, _, _, days = _four_months(branch)
    ingest_into(central, "CAFE03", outbox(branch, "CAFE03"))
    assert _check(central, _ranges(days)) >= 3


def test_a_branch_lines_up_its_periods_the_same_way(app_factory):
    branch = app_factory("sqlite")
    _, _, _, days = _four_months(branch)
    assert _check(branch, _ranges(days)) >= 3

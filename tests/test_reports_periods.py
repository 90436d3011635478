"""Report periods as a manager counts them: weeks from Monday, months from the 1st, the previous
period of the same length (지난달 beside this month), on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from reports_kit import day_of_sales, manager, revenue, today

from pos.reports.filters import Filters, add_months, period_start, period_starts


def _f(start: str, end: str, unit: str = "day") -> Filters:
    return Filters(date.fromisoformat(start), date.fromisoformat(end), unit, (), True)


@pytest.mark.parametrize(
    ("start", "end", "before"),
    [
        ("2026-11-01", "2026-11-30", ("2026-10-01", "2026-10-31")),  # 지난달
        ("2026-03-01", "2026-03-31", ("2026-02-01", "2026-02-28")),  # a short month before
        ("2026-01-01", "2026-03-31", ("2025-10-01", "2025-12-31")),  # a quarter
        ("2026-11-30", "2026-12-06", ("2026-11-23", "2026-11-29")),  # a week, Monday to Sunday
        ("2026-12-01", "2026-12-01", ("2026-11-30", "2026-11-30")),  # 어제 beside the day before
        ("2026-11-15", "2026-12-14", ("2026-10-16", "2026-11-14")),  # 30 days
    ],
)
def test_the_previous_period_has_the_same_length(start, end, before):
    got = _f(start, end).previous()
    assert (got[0].isoformat(), got[1].isoformat()) == before


def test_weeks_start_on_monday_and_months_on_the_first():
    assert period_start(date(2026, 12, 6), "week") == date(2026, 11, 30)  # Sunday → Monday
    assert period_start(date(2026, 11, 30), "week") == date(2026, 11, 30)
    assert period_start(date(2026, 12, 31), "month") == date(2026, 12, 1)
    weeks = period_starts(date(2026, 11, 26), date(2026, 12, 9), "week")
    assert weeks == [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]
    months = period_starts(date(2026, 11, 15), date(2027, 1, 2), "month")
    assert months == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_branch_buckets_by_week_and_month_on_sqlite(sqlite_app):
    day_of_sales(sqlite_app)
    boss = manager(sqlite_app)
    (by_day,) = revenue(boss)
    sold = date.fromisoformat(today())
    for unit, first in (("week", period_start(sold, "week")), ("month", sold.replace(day=1))):
        (row,) = revenue(boss, by=unit, **{"from": first.isoformat()})
        assert row["period"] == first.isoformat()
        assert {k: row[k] for k in row if k != "period"} == {
            k: by_day[k] for k in by_day if k != "period"
        }
    # the summary's chart puts the day's net sales under today, nothing the week before
    chart = boss.get("/api/reports/summary", query_string={"from": today(), "to": today()})
    body = chart.get_json()
    assert body["chart"]["current"] == [by_day["total"]] and body["chart"]["previous"] == [0]
    assert body["current"]["total"] == by_day["total"] and body["previous"]["total"] == 0

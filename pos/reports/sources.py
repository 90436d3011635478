"""Where a report reads a range from: the whole months of the range from a month rollup
(``r_*_month``, one row per key and month) and only the ragged ends from the day rollup, so a
two-year report over 250 sites reads about 24 rows per key instead of 730. Both tables have the
same columns (``day`` is the month's first day in the month table), so a query runs unchanged
over the union."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Table, and_, or_, select, true, union_all

from pos.db import db

from .filters import Filters

#: day rollup → month rollup (pos.central.rollups.MONTHLY, by table name)
MONTH_OF = {
    "r_site_day": "r_site_month",
    "r_product_day": "r_product_month",
    "r_vendor_day": "r_vendor_month",
    "r_method_day": "r_method_month",
    "r_campaign_day": "r_campaign_month",
}


#: day rollup → week rollup (pos.central.rollups.WEEKLY): revenue by week
WEEK_OF = {"r_site_day": "r_site_week"}


def whole_weeks(start: date, end: date) -> tuple[date, date] | None:
    """The Monday of the first whole week (Monday to Sunday) in [start, end] and the Monday
    after the last one, or None when the range holds no whole week."""
    first = start + timedelta(days=-start.weekday() % 7)
    after = end + timedelta(days=1) - timedelta(days=(end + timedelta(days=1)).weekday())
    return (first, after) if first < after else None


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """The first day of the first whole month in [start, end] and the first day after the
    last one, or None when the range holds no whole month."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    return (first, after) if first < after else None


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _sites(t, f: Filters):
    return true() if f.all_sites else t.c.site_id.in_(f.site_ids)


def source(name: str, f: Filters, *ranges: tuple[date, date], weeks: bool = False):
    """Rollup NAME's rows for the given day ranges (default: the filter's) and sites in scope,
    as ``(table or subquery, where clause)``. A range that holds whole months reads them from
    the month rollup, or with ``weeks`` whole weeks from the week rollup. Queries that group
    by day must use the day table itself, and by week only ``weeks``."""
    ranges = ranges or ((f.start, f.end),)
    day_t: Table = db.metadata.tables[name]
    twin = (WEEK_OF if weeks else MONTH_OF).get(name)
    whole = whole_weeks if weeks else whole_months
    spans = [(a, b, whole(a, b) if twin else None) for a, b in ranges]
    if not any(months for _, _, months in spans):
        clause = or_(*(and_(day_t.c.day >= a, day_t.c.day <= b) for a, b, _ in spans))
        return day_t, and_(clause, _sites(day_t, f))
    month_t: Table = db.metadata.tables[twin]
    cols = [c.name for c in day_t.columns]
    parts = []
    for a, b, months in spans:
        days = and_(day_t.c.day >= a, day_t.c.day <= b, _sites(day_t, f))
        if months is None:
            parts.append(select(*(day_t.c[c] for c in cols)).where(days))
            continue
        first, after = months
        ends = or_(day_t.c.day < first, day_t.c.day >= after)
        parts.append(select(*(day_t.c[c] for c in cols)).where(days, ends))
        inside = and_(month_t.c.day >= first, month_t.c.day < after, _sites(month_t, f))
        parts.append(select(*(month_t.c[c] for c in cols)).where(inside))
    return union_all(*parts).subquery(name), true()

"""Where a report reads a range from: each month the range holds whole, or more than half of,
from a month rollup (``r_*_month``, one row per key and month), less the days of it outside the
range; the rest from the day rollup. A two-year report over 250 sites reads about 24 rows per
key instead of 730, and one from the 5th to the 25th of the next month two month rows less
ten days or so. Both tables have the same columns (``day`` is the month's first day in the
month table), so a query runs unchanged over the union."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Table, and_, func, literal, or_, select, true, union_all

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


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def sites_in(t, f: Filters):
    return true() if f.all_sites else t.c.site_id.in_(f.site_ids)


def _periods(a: date, b: date, weeks: bool):
    """Each week (Monday) or month touching [a, b]: (its first day, its last day)."""
    cursor = a - timedelta(days=a.weekday()) if weeks else a.replace(day=1)
    while cursor <= b:
        after = cursor + timedelta(days=7) if weeks else _next_month(cursor)
        yield cursor, after - timedelta(days=1)
        cursor = after


def plan(a: date, b: date, weeks: bool = False):
    """How to read [a, b] with the fewest rows: ``(periods, days, less)``. A week or month
    that the range holds whole is read from the twin; one it holds more than half of, from the
    twin less the days it does not hold (``less``, subtracted); the rest day by day."""
    periods: list[date] = []
    days: list[tuple[date, date]] = []
    less: list[tuple[date, date]] = []
    for first, last in _periods(a, b, weeks):
        lo, hi = max(a, first), min(b, last)
        held = (hi - lo).days + 1
        if held * 2 <= (last - first).days + 1:
            days.append((lo, hi))
            continue
        periods.append(first)
        if lo > first:
            less.append((first, lo - timedelta(days=1)))
        if hi < last:
            less.append((hi + timedelta(days=1), last))
    return periods, days, less


def days_in(t, spans):
    return or_(*(and_(t.c.day >= lo, t.c.day <= hi) for lo, hi in spans))


def source(name: str, f: Filters, *ranges: tuple[date, date], weeks: bool = False):
    """Rollup NAME's rows for the given day ranges (default: the filter's) and sites in scope,
    as ``(table or subquery, where clause)``. Weeks or months that a range holds whole, or
    mostly, are read from the twin (``weeks``: the week rollup, else the month rollup), with
    the days of a mostly-held one that fall outside subtracted (their sums negated): a range
    from the 5th to the 25th of the next month reads two month rows less ten days or so. Sums
    over the rows are right; a key summing to zero may appear, so list queries keep only
    rows with something in them. Queries that group by day must use the day table itself,
    and by week only ``weeks``."""
    ranges = ranges or ((f.start, f.end),)
    day_t: Table = db.metadata.tables[name]
    twin = (WEEK_OF if weeks else MONTH_OF).get(name)
    plans = [plan(a, b, weeks) for a, b in ranges] if twin else []
    if not any(periods for periods, _, _ in plans):
        clause = or_(*(and_(day_t.c.day >= a, day_t.c.day <= b) for a, b in ranges))
        return day_t, and_(clause, sites_in(day_t, f))
    twin_t: Table = db.metadata.tables[twin]
    keys = {c.name for c in day_t.primary_key.columns}
    cols = [c.name for c in day_t.columns]
    parts = []
    for i, (periods, days, less) in enumerate(plans):
        part = literal(i).label("part")
        if periods:
            where = and_(twin_t.c.day.in_(periods), sites_in(twin_t, f))
            parts.append(select(*(twin_t.c[c] for c in cols), part).where(where))
        if days:
            where = and_(days_in(day_t, days), sites_in(day_t, f))
            parts.append(select(*(day_t.c[c] for c in cols), part).where(where))
        if less:
            negated = (day_t.c[c] if c in keys else (-day_t.c[c]).label(c) for c in cols)
            where = and_(days_in(day_t, less), sites_in(day_t, f))
            parts.append(select(*negated, part).where(where))
    return union_all(*parts).subquery(name), true()


def later(t, split: date):
    """Rows of the later of two ranges (the second given to ``source``): by the ``part`` the
    row was read for, since a twin's row or a subtracted day may lie before ``split``."""
    return t.c.part == 1 if "part" in t.c else t.c.day >= split


def something(t, *keys: str):
    """HAVING for a list query over ``source``: a key whose sums all come to zero was only
    read to be subtracted (or sold and taken back in full), and is not listed."""
    return or_(*(func.sum(t.c[k]) != 0 for k in keys))

"""The revenue tables: per site and period, beside the previous range, and the chart's series
over all sites. Rows over every site run to thousands (a month by day over 250 sites), so the
database groups, joins the sites, orders and formats, and Python only zips each row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, String, case, cast, func, literal, select

from pos.db import db

from .filters import Filters, period_starts
from .queries import _before, _dialect, _period, _where, table
from .sources import later, something, source

REVENUE_SUMS = ("sales", "refunds", "total", "taxable", "vat", "exempt")


def _iso(column):
    """A date as YYYY-MM-DD text, made by the database (SQLite keeps dates as that text)."""
    if _dialect() == "postgresql":
        return func.to_char(column, "YYYY-MM-DD")
    return cast(column, String)


def _by_site(grouped, period, *columns, named: bool = True):
    """``grouped`` (a subquery with site_id) joined to the sites for code (and name), ordered
    as the reports list them (period, then code byte by byte): the rows come out ready to zip."""
    sites = table("sites")
    code = sites.c.code.collate("C") if _dialect() == "postgresql" else sites.c.code
    name = [sites.c.name] if named else []
    return (
        select(sites.c.code, *name, _iso(period), *columns)
        .select_from(grouped)
        .join(sites, sites.c.id == grouped.c.site_id)
        .order_by(period, code)
    )


def _rows(stmt, names: tuple[str, ...]) -> list[dict]:
    """The rows as dicts, fetched at once. On PostgreSQL without parallel workers: a revenue
    table has about as many groups as rows read (one per site and period), which the planner
    cannot see through the CASE, so partial aggregates in workers only add a second pass
    (365 days by week over 250 sites: 115-150 ms with workers, 80 without)."""
    if _dialect() != "postgresql":
        return [dict(zip(names, r, strict=True)) for r in db.session.execute(stmt).all()]
    setting = "max_parallel_workers_per_gather"
    old = db.session.execute(select(func.current_setting(setting))).scalar_one()
    db.session.execute(select(func.set_config(setting, "0", True)))
    rows = [dict(zip(names, r, strict=True)) for r in db.session.execute(stmt).all()]
    # a failed statement leaves nothing to undo: the transaction's rollback ends the setting
    db.session.execute(select(func.set_config(setting, old, True)))
    return rows


def _source(f: Filters, start: date, end: date, split: date | None = None):
    """r_site_day's rows for [start, end] (split in two at ``split``): by week or month through
    ``source`` (the twins), by day the day table itself."""
    if f.unit in ("month", "week"):
        ranges = [(start, end)] if split is None else [(start, _before(split)), (split, end)]
        return source("r_site_day", f, *ranges, weeks=f.unit == "week")
    t = table("r_site_day")
    return t, _where(t, f, start, end)


def _revenue_rows(
    f: Filters, start: date, end: date, split: date | None = None, by_site: bool = True
) -> list[dict]:
    """Rows per site (or, without ``by_site``, all sites summed) and period of [start, end];
    with ``split``, days before it are kept apart (``"before": True``) so one statement reads
    a range and the one before it."""
    t, where = _source(f, start, end, split)
    period = _period(t.c.day, f.unit).label("period")
    keys = [t.c.site_id, period] if by_site else [period]
    if split is not None:
        keys.append(case((later(t, split), 0), else_=1).label("before"))
    # summed as bigint, never NULL: the driver hands back ints, not Decimals to convert
    sums = [cast(func.coalesce(func.sum(t.c[k]), 0), BigInteger).label(k) for k in REVENUE_SUMS]
    having = something(t, "sales", "refunds")
    g = select(*keys, *sums).where(where).group_by(*keys).having(having).subquery("g")
    extra = [g.c.before] if split is not None else []
    columns = [g.c[k] for k in REVENUE_SUMS] + extra
    names = ("site", "period", *REVENUE_SUMS, *(["before"] if extra else []))
    if by_site:
        stmt = _by_site(g, g.c.period, *columns, named=False)
    else:
        stmt = select(literal(""), _iso(g.c.period), *columns).order_by(g.c.period)
    # one dict(zip) per row, in the database's order: a report over every site builds thousands
    rows = _rows(stmt, names)
    if extra:
        for row in rows:
            row["before"] = row["before"] == 1
    return rows


def _both(f: Filters, by_site: bool = True) -> tuple[list[dict], list[dict]]:
    """This range's revenue rows and the previous range's, in one statement."""
    prev_start, _ = f.previous()
    now: list[dict] = []
    then: list[dict] = []
    for row in _revenue_rows(f, prev_start, f.end, split=f.start, by_site=by_site):
        (then if row.pop("before") else now).append(row)
    return now, then


def revenue(f: Filters) -> list[dict]:
    """DESIGN §5 revenue rows: per site and period (its first day), counts and won net of
    refunds; only periods with sales or refunds."""
    return _revenue_rows(f, f.start, f.end)


def _shifted(column, unit: str, steps: int):
    """The period ``steps`` days (day, week) or months later, as SQL on both engines."""
    if _dialect() == "postgresql":
        if unit == "month":
            return cast(column + func.make_interval(0, steps), Date)
        return column + steps
    return func.date(column, f"+{steps} {'months' if unit == 'month' else 'days'}", type_=Date)


def revenue_compared(f: Filters) -> list[dict]:
    """Revenue rows with the same period of the previous range beside each (지난 기간), periods
    matched by their place in the range (this month's 3rd week beside last month's 3rd). One
    GROUP BY in SQL: the previous range's periods are shifted onto this range's and summed
    beside them, so a month by day over every site is one row per site and day."""
    prev_start, prev_end = f.previous()
    here = period_starts(f.start, f.end, f.unit)
    before = period_starts(prev_start, prev_end, f.unit)
    if f.unit == "month":
        steps = (here[0].year - before[0].year) * 12 + here[0].month - before[0].month
    else:
        steps = (here[0] - before[0]).days
    t, where = _source(f, prev_start, f.end, split=f.start)
    now = later(t, f.start)
    period = _period(t.c.day, f.unit)
    slot = case((now, period), else_=_shifted(period, f.unit, steps)).label("slot")

    def summed(key: str, current: bool):
        picked = case((now, t.c[key]), else_=0) if current else case((now, 0), else_=t.c[key])
        return cast(func.coalesce(func.sum(picked), 0), BigInteger)

    sums = [summed(k, True).label(k) for k in REVENUE_SUMS]
    sums += [summed("total", False).label("prev_total"), summed("sales", False).label("prev_sales")]
    having = (slot <= here[-1], something(t, "sales", "refunds"))
    g = select(t.c.site_id, slot, *sums).where(where).group_by(t.c.site_id, slot).having(*having)
    g = g.subquery("g")
    names = ("site", "site_name", "period", *REVENUE_SUMS, "prev_total", "prev_sales")
    stmt = _by_site(g, g.c.slot, *(g.c[n] for n in names[3:]))
    return _rows(stmt, names)


def chart_series(f: Filters) -> dict:
    """The revenue chart: every period of the range (all sites summed) beside the previous
    range's period in the same place."""
    prev_start, prev_end = f.previous()
    here = period_starts(f.start, f.end, f.unit)
    before = period_starts(prev_start, prev_end, f.unit)
    current, previous = _both(f, by_site=False)
    now: dict[str, int] = {}
    for row in current:
        now[row["period"]] = now.get(row["period"], 0) + row["total"]
    then: dict[str, int] = {}
    for row in previous:
        then[row["period"]] = then.get(row["period"], 0) + row["total"]
    return {
        "labels": [p.isoformat() for p in here],
        "current": [now.get(p.isoformat(), 0) for p in here],
        "previous": [then.get(b.isoformat(), 0) for b in before[: len(here)]]
        + [0] * max(0, len(here) - len(before)),
        "range": [f.start.isoformat(), f.end.isoformat()],
        "previous_range": [prev_start.isoformat(), prev_end.isoformat()],
    }

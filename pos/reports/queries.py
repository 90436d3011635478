"""The report queries, over the rollups ingest keeps (r_site_day, r_site_hour, r_product_day,
r_vendor_day, r_method_day, r_campaign_day, their month twins, c_fairs) and never over sale
lines, so a dashboard over 250 sites and two years stays a few indexed GROUP BYs. SQLAlchemy
Core, one statement per table; the site's code and names come from the directory and the
catalog tables."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Integer as SqlInteger
from sqlalchemy import Table, and_, case, cast, func, select, union_all

from pos.db import db
from pos.sites import site_directory

from .filters import Filters
from .sources import days_in, later, plan, sites_in, something, source


def table(name: str) -> Table:
    """A rollup table by its name (pos.central.rollups defines them on the shared metadata)."""
    return db.metadata.tables[name]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _period(column, unit: str):
    """The first day of the column's week (Monday) or month, as SQL."""
    if unit == "day":
        return column
    if _dialect() == "postgresql":
        return cast(func.date_trunc(unit, column), column.type)
    if unit == "month":
        return func.date(column, "start of month")
    # SQLite: forward to Sunday (a Sunday stays), then back six days: that week's Monday
    return func.date(column, "weekday 0", "-6 days")


def _weekday(column):
    """0 = Monday … 6 = Sunday, as SQL on both engines."""
    if _dialect() == "postgresql":
        return cast(func.extract("isodow", column), SqlInteger) - 1
    return (cast(func.strftime("%w", column), SqlInteger) + 6) % 7


def _day_text(value) -> str:
    """A date column's value as YYYY-MM-DD (SQLite hands back text, PostgreSQL dates)."""
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _where(t: Table, f: Filters, start: date | None = None, end: date | None = None):
    clauses = [t.c.day >= (start or f.start), t.c.day <= (end or f.end)]
    if not f.all_sites:
        clauses.append(t.c.site_id.in_(f.site_ids))
    return and_(*clauses)


def _before(day: date) -> date:
    return day - timedelta(days=1)


def _site(site_id: int) -> tuple[str, str]:
    site = site_directory().get(site_id)
    return (site.code, site.name) if site else (str(site_id), str(site_id))


SUMMARY_SUMS = (
    "sales",
    "refunds",
    "gross",
    "refunded",
    "total",
    "taxable",
    "vat",
    "exempt",
    "discount",
    "items",
)


def summary(f: Filters) -> dict:
    """The cards: 매출, 건수, 환불, 부가세 of the range and of the previous one (one statement
    over both: the previous range ends the day before this one starts)."""
    prev_start, prev_end = f.previous()
    t, where = source("r_site_day", f, (prev_start, _before(f.start)), (f.start, f.end))
    now = later(t, f.start)
    then = ~now
    cols = []
    for key in SUMMARY_SUMS:
        cols.append(func.coalesce(func.sum(case((now, t.c[key]), else_=0)), 0).label(key))
        cols.append(func.coalesce(func.sum(case((then, t.c[key]), else_=0)), 0).label("p_" + key))
    row = db.session.execute(select(*cols).select_from(t).where(where)).one()
    return {
        "current": {k: int(getattr(row, k)) for k in SUMMARY_SUMS},
        "previous": {k: int(getattr(row, "p_" + k)) for k in SUMMARY_SUMS},
        "previous_range": [prev_start.isoformat(), prev_end.isoformat()],
    }


def heatmap(f: Filters) -> list[dict]:
    """Sales by weekday (0 = 월) and local hour: count and won (sales, before refunds). Months
    the range holds whole or mostly come from r_site_hour_month (keyed by weekday) less the
    days outside, the rest from r_site_hour (as ``source`` plans it)."""
    t = table("r_site_hour")
    m = table("r_site_hour_month")
    months, days, less = plan(f.start, f.end)
    weekday = _weekday(t.c.day).label("weekday")
    parts = []
    if months:
        where = and_(m.c.day.in_(months), sites_in(m, f))
        parts.append(select(m.c.weekday, m.c.hour, m.c.sales, m.c.total).where(where))
    if days:
        where = and_(days_in(t, days), sites_in(t, f))
        parts.append(select(weekday, t.c.hour, t.c.sales, t.c.total).where(where))
    if less:
        where = and_(days_in(t, less), sites_in(t, f))
        negated = ((-t.c.sales).label("sales"), (-t.c.total).label("total"))
        parts.append(select(weekday, t.c.hour, *negated).where(where))
    u = union_all(*parts).subquery("cells") if len(parts) > 1 else parts[0].subquery("cells")
    stmt = (
        select(u.c.weekday, u.c.hour, func.sum(u.c.sales), func.sum(u.c.total))
        .group_by(u.c.weekday, u.c.hour)
        .having(something(u, "sales", "total"))
        .order_by(u.c.weekday, u.c.hour)
    )
    return [
        {"weekday": int(w), "hour": int(h), "sales": int(s or 0), "total": int(tot or 0)}
        for w, h, s, tot in db.session.execute(stmt)
    ]


def products(f: Filters, limit: int = 20) -> list[dict]:
    """Top products by won net of refunds, with units: summed per product first, then joined
    to the catalog (43 rows to join, not one per site and month)."""
    t, where = source("r_product_day", f)
    sums = (
        select(t.c.product_id, func.sum(t.c.qty).label("qty"), func.sum(t.c.total).label("total"))
        .where(where)
        .group_by(t.c.product_id)
        .having(something(t, "qty", "total"))
        .subquery("sums")
    )
    p = table("products")
    v = table("vendors")
    stmt = (
        select(p.c.sku, p.c.name, v.c.name.label("vendor"), sums.c.qty, sums.c.total)
        .select_from(sums)
        .join(p, p.c.id == sums.c.product_id)
        .join(v, v.c.id == p.c.vendor_id)
        .order_by(sums.c.total.desc(), p.c.name)
        .limit(limit)
    )
    return [
        {"sku": r.sku, "name": r.name, "vendor": r.vendor, "qty": int(r.qty), "total": int(r.total)}
        for r in db.session.execute(stmt)
    ]


METHOD_LABELS = {
    "cash": "현금",
    "card": "카드",
    "transfer": "계좌이체",
    "local_currency": "지역화폐",
    "onnuri": "온누리상품권",
    "zeropay": "제로페이",
    "easypay": "간편결제",
}


def payments(f: Filters) -> list[dict]:
    """Payment mix: payments and won net of refunds per method, with each method's share."""
    t, where = source("r_method_day", f)
    amount = func.sum(t.c.amount).label("amount")
    stmt = (
        select(t.c.method, func.sum(t.c["count"]).label("count"), amount)
        .where(where)
        .group_by(t.c.method)
        .having(something(t, "count", "amount"))
        .order_by(amount.desc(), t.c.method)
    )
    rows = [
        {
            "method": r.method,
            "label": METHOD_LABELS.get(r.method, r.method),
            "count": int(r.count),
            "amount": int(r.amount),
        }
        for r in db.session.execute(stmt)
    ]
    whole = sum(r["amount"] for r in rows)
    for r in rows:
        r["share"] = round(r["amount"] * 100 / whole, 1) if whole > 0 else 0.0
    return rows


def discounts(f: Filters) -> list[dict]:
    """Per site: sales before and after discounts, won discounted, refunds and their won."""
    t, where = source("r_site_day", f)
    keys = ("sales", "gross", "discount", "refunds", "refunded", "total")
    stmt = (
        select(t.c.site_id, *(func.sum(t.c[k]).label(k) for k in keys))
        .where(where)
        .group_by(t.c.site_id)
        .having(something(t, "sales", "refunds"))
    )
    rows = []
    for r in db.session.execute(stmt):
        code, name = _site(r.site_id)
        row = {"site": code, "site_name": name, **{k: int(getattr(r, k) or 0) for k in keys}}
        listed = row["gross"] + row["discount"]
        row["discount_rate"] = round(row["discount"] * 100 / listed, 1) if listed else 0.0
        row["refund_rate"] = round(row["refunded"] * 100 / row["gross"], 1) if row["gross"] else 0.0
        rows.append(row)
    return sorted(rows, key=lambda r: r["site"])


VAT_SUMS = ("sales", "taxable", "vat", "exempt", "total")


def _vendor_rows(f: Filters, start: date, end: date) -> list[dict]:
    """Per vendor, summed first and then joined to the vendors (as in ``products``)."""
    t, where = source("r_vendor_day", f, (start, end))
    sums = (
        select(t.c.vendor_id, *(func.sum(t.c[k]).label(k) for k in VAT_SUMS))
        .where(where)
        .group_by(t.c.vendor_id)
        .having(something(t, *VAT_SUMS))
        .subquery("sums")
    )
    v = table("vendors")
    stmt = (
        select(v.c.brn, v.c.name, *(sums.c[k] for k in VAT_SUMS))
        .select_from(sums)
        .join(v, v.c.id == sums.c.vendor_id)
        .order_by(v.c.name, v.c.brn)
    )
    return [
        {"brn": r.brn, "vendor": r.name, **{k: int(getattr(r, k) or 0) for k in VAT_SUMS}}
        for r in db.session.execute(stmt)
    ]


def vendors(f: Filters) -> list[dict]:
    """Sales per vendor (the seller of record on each receipt), net of refunds."""
    return _vendor_rows(f, f.start, f.end)


def vat(f: Filters, start: date, end: date) -> list[dict]:
    """DESIGN §5 VAT rows for filing: per vendor 과세물품가액 (supply), 부가세, 면세물품가액 and
    합계 of the month's sales less refunds."""
    return [
        {k: row[k] for k in ("brn", "vendor", "taxable", "vat", "exempt", "total")}
        for row in _vendor_rows(f, start, end)
    ]


# the fair and donation tables and the revenue tables, in modules of their own (imported last:
# they use the helpers)
from .queries_events import donations, fairs  # noqa: E402, F401
from .queries_revenue import chart_series, revenue, revenue_compared  # noqa: E402, F401

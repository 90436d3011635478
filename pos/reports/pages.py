"""The managers' dashboard (/admin/reports) and the VAT filing page (/admin/reports/vat) in the
back office, plus the exports. Server-rendered from the same tables the API and the exports
use; the page's script adds the quick picks and the Chart.js revenue chart."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, render_template, url_for
from werkzeug.datastructures import MultiDict

from pos import money
from pos.api import ApiError
from pos.auth.service import roles_required
from pos.backoffice.views import bp
from pos.scope import SITE_ADMINS

from . import queries
from .api import refresh, vat_filters
from .exports import export
from .filters import UNITS, Filters, add_months, month_end, parse_filters, scope_sites, today
from .tables import TABLES, WEEKDAYS

site_admins = roles_required(*SITE_ADMINS)

#: the dashboard's tables, in page order (the VAT table has a page of its own)
DASHBOARD = ("revenue", "products", "payments", "discounts", "vendors", "fairs", "donations")


def _filters(reader) -> Filters:
    """The page's filters; a bad one is said in a flash and the defaults are shown instead."""
    try:
        return reader()
    except ApiError as exc:
        if exc.status == 403:
            abort(403)
        flash(exc.message, "error")
        return parse_filters(MultiDict()) if reader is parse_filters else _default_vat()


def _default_vat() -> Filters:
    first = today().replace(day=1)
    base = parse_filters(MultiDict())
    return Filters(first, month_end(first), "month", base.sites, base.all_sites)


def quick_picks(f: Filters) -> list[tuple[str, dict]]:
    """어제, 이번 주, 지난주, 이번 달, 지난달: (label, query) keeping the sites and unit."""
    now = today()
    monday = now - timedelta(days=now.weekday())
    first = now.replace(day=1)
    last_month = add_months(first, -1)
    ranges = [
        ("어제", now - timedelta(days=1), now - timedelta(days=1), "day"),
        ("이번 주", monday, monday + timedelta(days=6), "day"),
        ("지난주", monday - timedelta(days=7), monday - timedelta(days=1), "day"),
        ("이번 달", first, month_end(first), "day"),
        ("지난달", last_month, month_end(last_month), "day"),
        ("올해", now.replace(month=1, day=1), now.replace(month=12, day=31), "month"),
    ]
    out = []
    for label, start, end, unit in ranges:
        query = f.query(**{"from": start.isoformat(), "to": end.isoformat(), "by": unit})
        out.append((label, query, f.start == start and f.end == end))
    return out


def heat_grid(rows: list[dict]) -> dict:
    """The hour × weekday table: hours that had sales (at least 9–18), each cell's share of the
    busiest cell for its colour."""
    cells = {(r["weekday"], r["hour"]): r for r in rows}
    hours = [r["hour"] for r in rows] or [9, 18]
    span = range(min(min(hours), 9), max(max(hours), 18) + 1)
    top = max((r["total"] for r in rows), default=0)
    grid = []
    for weekday, label in enumerate(WEEKDAYS):
        line = []
        for hour in span:
            cell = cells.get((weekday, hour))
            total = cell["total"] if cell else 0
            heat = round(total / top, 2) if top else 0
            line.append({"total": total, "sales": cell["sales"] if cell else 0, "heat": heat})
        grid.append((label, line))
    return {"hours": list(span), "rows": grid, "top": top}


def _table_view(name: str, f: Filters) -> dict:
    spec = TABLES[name]
    rows = spec.rows(f)
    links = {
        fmt: url_for(".report_export", name=name, fmt=fmt, **f.query()) for fmt in ("csv", "xlsx")
    }
    return {"spec": spec, "rows": rows, "totals": spec.totals(rows), "links": links}


def _common(f: Filters) -> dict:
    return {
        "f": f,
        "scope": scope_sites(),
        "selected": {s.code for s in f.sites} if not f.all_sites else set(),
        "units": UNITS,
        "won": money.won,
        "num": money.num,
    }


@site_admins
def dashboard():
    f = _filters(parse_filters)
    refresh()
    heat = queries.heatmap(f)
    heat_links = {
        fmt: url_for(".report_export", name="heatmap", fmt=fmt, **f.query())
        for fmt in ("csv", "xlsx")
    }
    return render_template(
        "reports/dashboard.html",
        **_common(f),
        summary=queries.summary(f),
        chart=queries.chart_series(f),
        picks=quick_picks(f),
        heat=heat_grid(heat),
        heat_links=heat_links,
        tables=[_table_view(name, f) for name in DASHBOARD],
        vat_url=url_for(".report_vat", **_vat_query(f)),
    )


def _vat_query(f: Filters) -> dict:
    query = {"month": f"{f.start:%Y-%m}"}
    if not f.all_sites:
        query["site"] = ",".join(s.code for s in f.sites)
    return query


@site_admins
def vat_page():
    f = _filters(vat_filters)
    refresh()
    query = _vat_query(f)
    spec = TABLES["vat"]
    rows = spec.rows(f)
    links = {
        fmt: url_for(".report_export", name="vat", fmt=fmt, **query) for fmt in ("csv", "xlsx")
    }
    prev_month, next_month = add_months(f.start, -1), add_months(f.start, 1)
    return render_template(
        "reports/vat.html",
        **_common(f),
        table={"spec": spec, "rows": rows, "totals": spec.totals(rows), "links": links},
        month=f"{f.start:%Y-%m}",
        prev_query={**query, "month": f"{prev_month:%Y-%m}"},
        next_query={**query, "month": f"{next_month:%Y-%m}"},
    )


@site_admins
def report_export(name: str, fmt: str):
    return export(name, fmt)


ROUTES = (
    ("/admin/reports", "reports", dashboard),
    ("/admin/reports/vat", "report_vat", vat_page),
    ("/admin/reports/export/<name>.<fmt>", "report_export", report_export),
)

if not bp._got_registered_once:  # imported before the back office registered its blueprint
    for _rule, _name, _view in ROUTES:
        bp.add_url_rule(_rule, _name, _view, methods=["GET"])


def init_app(app) -> None:
    """The back office registers its blueprint before the reports load, so the pages join it
    by name (``backoffice.reports`` …): its layout, navigation and checks apply as to its own."""
    for rule, name, view in ROUTES:
        if f"backoffice.{name}" not in app.view_functions:
            app.add_url_rule(rule, f"backoffice.{name}", view, methods=["GET"])

"""Report API (DESIGN §5 "Central store"): ``GET /api/reports/revenue`` and ``/vat`` exactly as
the contract says, and the dashboard's other tables under the same filters. Managers and admins
only; a manager with a site sees only it. Registered on both roles: a branch reports on its own
site from its local rollups, brought up to date first."""

from __future__ import annotations

import importlib

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel

from pos.api import endpoint
from pos.auth.service import roles_required
from pos.db import db
from pos.scope import SITE_ADMINS

from . import queries
from .filters import Filters, month_end, parse_filters, parse_month, parse_sites
from .tables import TABLES

bp = Blueprint("reports_api", __name__, url_prefix="/api")


def refresh() -> None:
    """On a branch, apply its own outbox to its local rollups first (pos.central.local), so the
    report shows the sale just made. A failure there leaves the figures as they were."""
    if current_app.config.get("POS_ROLE") != "branch":
        return
    try:
        local = importlib.import_module("pos.central.local")
    except ModuleNotFoundError as exc:
        if exc.name != "pos.central.local":
            raise
        return
    try:
        local.catch_up()
    except Exception:  # a report must still answer with what the rollups hold
        db.session.rollback()
        current_app.logger.exception("reports: local catch-up failed")


def vat_filters() -> Filters:
    """``month=YYYY-MM`` plus the site filter."""
    first = parse_month(request.args.get("month"))
    sites, all_sites = parse_sites(request.args.getlist("site"))
    return Filters(first, month_end(first), "month", sites, all_sites)


class RevenueRow(BaseModel):
    site: str
    period: str
    sales: int
    refunds: int
    total: int
    taxable: int
    vat: int
    exempt: int


class RevenueOut(BaseModel):
    rows: list[RevenueRow]


class VatRow(BaseModel):
    brn: str
    vendor: str
    taxable: int
    vat: int
    exempt: int
    total: int


class VatOut(BaseModel):
    rows: list[VatRow]


class RowsOut(BaseModel):
    rows: list[dict]


class ChartOut(BaseModel):
    #: the first day of every period of the range
    labels: list[str]
    current: list[int]
    #: the previous range's periods, in the same places
    previous: list[int]
    range: list[str]
    previous_range: list[str]


class SummaryOut(BaseModel):
    #: sales, refunds (counts), gross, refunded, total, taxable, vat, exempt, discount, items
    current: dict[str, int]
    previous: dict[str, int]
    previous_range: list[str]
    chart: ChartOut


_BAD = {400: "bad dates, range, unit or site", 403: "another site than the manager's"}


@endpoint(
    "/reports/revenue",
    blueprint=bp,
    summary="Revenue per site and period (day, week from Monday, month), net of refunds",
    response=RevenueOut,
    responses={200: "rows", **_BAD},
)
@roles_required(*SITE_ADMINS)
def revenue():
    f = parse_filters()
    refresh()
    return jsonify({"rows": queries.revenue(f)})


@endpoint(
    "/reports/vat",
    blueprint=bp,
    summary="VAT summary per vendor for a month: 과세물품가액, 부가세, 면세물품가액, 합계",
    response=VatOut,
    responses={200: "rows", **_BAD},
)
@roles_required(*SITE_ADMINS)
def vat():
    f = vat_filters()
    refresh()
    return jsonify({"rows": queries.vat(f, f.start, f.end)})


@endpoint(
    "/reports/summary",
    blueprint=bp,
    summary="The dashboard's cards (sales, counts, refunds, VAT) beside the previous period",
    response=SummaryOut,
    responses={200: "figures", **_BAD},
)
@roles_required(*SITE_ADMINS)
def summary():
    f = parse_filters()
    refresh()
    return jsonify({**queries.summary(f), "chart": queries.chart_series(f)})


def _rows_view(name: str):
    spec = TABLES[name]

    @roles_required(*SITE_ADMINS)
    def view():
        f = parse_filters()
        refresh()
        return jsonify({"rows": spec.rows(f)})

    view.__name__ = f"report_{name}"
    view.__doc__ = f"{spec.title}: the dashboard table under the same filters"
    return view


for _name in ("heatmap", "products", "payments", "discounts", "vendors", "fairs", "donations"):
    endpoint(
        f"/reports/{_name}",
        blueprint=bp,
        response=RowsOut,
        responses={200: "rows", **_BAD},
    )(_rows_view(_name))


def init_app(app) -> None:
    app.register_blueprint(bp)

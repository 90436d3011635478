"""Z report API: ``GET /api/reports/z?day=`` and ``POST /api/reports/z/print`` for managers."""

from __future__ import annotations

from datetime import date, timedelta

from flask import jsonify, request

from pos.api import ApiError, endpoint
from pos.auth.service import roles_required
from pos.db import db
from pos.receipts.models import JobKind
from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue, status_label
from pos.scope import SITE_ADMINS, require_site, site_by_code, working_site
from pos.sites import SiteInfo

from .figures import today
from .schemas import PrintQueuedOut, ZPrintIn, ZReportOut
from .views import bp
from .zreport import z_report

BAD_DAY = "날짜는 YYYY-MM-DD 형식의 지난 날이나 오늘이어야 합니다"


def parse_day(text: str | None) -> date:
    """The day asked for (Seoul), today when absent; 422 for nonsense or the far future."""
    if not text:
        return today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, "invalid", BAD_DAY, "day") from None
    if not date(2000, 1, 1) <= day <= today() + timedelta(days=1):
        raise ApiError(422, "invalid", BAD_DAY, "day")
    return day


def report_site() -> SiteInfo:
    """``?site=CODE`` when given (in the user's scope), else the back office's working site."""
    code = request.args.get("site")
    site = site_by_code(code) if code else working_site()
    require_site(site.id)
    return site


@endpoint(
    "/reports/z",
    blueprint=bp,
    summary="일일 마감: the site's day (sales, refunds, VAT, methods, top items, tills)",
    response=ZReportOut,
    responses={200: "the report", 422: "a bad day"},
)
@roles_required(*SITE_ADMINS)
def get_z_report():
    return jsonify(z_report(report_site(), parse_day(request.args.get("day"))))


@endpoint(
    "/reports/z/print",
    "POST",
    body=ZPrintIn,
    blueprint=bp,
    summary="Print the day's Z report on the site's receipt printer",
    response=PrintQueuedOut,
    status=202,
    responses={202: "queued", 409: "no printer (no_printer)", 422: "a bad day"},
)
@roles_required(*SITE_ADMINS)
def print_z_report(payload: ZPrintIn):
    site = report_site()
    status = queue_z_print(site, parse_day(payload.day))
    return jsonify({"status": status, "label": status_label(status)}), 202


def queue_z_print(site: SiteInfo, day: date) -> str:
    """Enqueue the Z report slip (commits) or 409 ``no_printer``."""
    status = enqueue(None, kind=JobKind.ZREPORT, ref=day.isoformat(), site_id=site.id)
    if status is None:
        raise ApiError(409, "no_printer", NO_PRINTER_MESSAGE)
    db.session.commit()
    return status

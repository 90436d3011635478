"""일일 마감 (the Z report) and the day's tills in the back office (/admin/close?day=).

The page shows what ``GET /api/reports/z`` answers, for the working site; a manager prints it
on the receipt printer and closes a till a cashier left open (with the cash counted)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pos import money
from pos.api import ApiError
from pos.auth.service import roles_required
from pos.backoffice.views import bp
from pos.db import db
from pos.scope import SITE_ADMINS, require_site, working_site

from . import service
from .printing import over_short_text
from .reports import parse_day, queue_z_print, today
from .schemas import MAX_CASH
from .zreport import day_details, method_totals_note, z_report

site_admins = roles_required(*SITE_ADMINS)


def _page_day() -> date:
    """The day asked for; nonsense means today (a page never answers 422)."""
    try:
        return parse_day(request.args.get("day") or request.form.get("day"))
    except ApiError:
        return today()


def _when(day: date):
    """ "2026-12-02T13:42:05+09:00" → "13:42" on the page's day, "12-01 13:42" on another."""

    def fmt(text: str | None) -> str:
        if not text:
            return ""
        return text[11:16] if text[:10] == day.isoformat() else text[5:16].replace("T", " ")

    return fmt


def _has(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


@bp.get("/admin/close")
@site_admins
def close():
    site = working_site()
    require_site(site.id)
    day = _page_day()
    z = z_report(site, day)
    return render_template(
        "shifts/close.html",
        site=site,
        day=day,
        today=today(),
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        z=z,
        details=day_details(site.id, day),
        methods=method_totals_note(z["by_method"]),
        cash_receipts_url=(
            url_for("backoffice.cash_receipts", day=day.isoformat())
            if _has("backoffice.cash_receipts")
            else None
        ),
        won=money.won,
        num=money.num,
        over_short_text=over_short_text,
        when=_when(day),
    )


@bp.post("/admin/close/print")
@site_admins
def close_print():
    site = working_site()
    require_site(site.id)
    day = _page_day()
    try:
        queue_z_print(site, day)
        flash(f"{day.month}월 {day.day}일 마감을 영수증 프린터로 보냈습니다.", "ok")
    except ApiError as exc:
        flash(exc.message, "error")
    return redirect(url_for(".close", day=day.isoformat()))


@bp.post("/admin/close/shifts/<shift_id>")
@site_admins
def close_till(shift_id: str):
    """A manager closes a till left open, with the cash counted in its drawer."""
    day = _page_day()
    text = (request.form.get("counted_cash") or "").replace(",", "").strip()
    if not text.isdigit() or int(text) > MAX_CASH:
        flash("센 현금을 0 이상의 숫자(원)로 입력하세요.", "error")
        return redirect(url_for(".close", day=day.isoformat()))
    try:
        shift = service.visible_shift(shift_id, current_user)
        figures = service.close_shift(shift, int(text))
        db.session.commit()
    except ApiError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".close", day=day.isoformat()))
    gap = over_short_text(figures["over_short"])
    flash(f"{figures['user']} 님의 영업을 마감했습니다. 과부족 {gap}", "ok")
    return redirect(url_for(".close", day=day.isoformat()))


@bp.post("/admin/close/shifts/<shift_id>/print")
@site_admins
def print_till(shift_id: str):
    """The till's slip again on the receipt printer (마감 전표, or 중간 점검 while open)."""
    from pos.receipts.models import JobKind
    from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue

    day = _page_day()
    try:
        shift = service.visible_shift(shift_id, current_user)
    except ApiError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".close", day=day.isoformat()))
    if enqueue(None, kind=JobKind.SHIFT, ref=shift.id, site_id=shift.site_id) is None:
        flash(NO_PRINTER_MESSAGE, "error")
    else:
        db.session.commit()
        flash("돈통 전표를 영수증 프린터로 보냈습니다.", "ok")
    return redirect(url_for(".close", day=day.isoformat()))

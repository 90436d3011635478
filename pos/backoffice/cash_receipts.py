"""현금영수증 requests of a day at the working site (/admin/cash-receipts?day=): masked id,
amount, 발급/미발급, unissued first, with a form to record the approval number issued on the
card terminal or 홈택스. Also mounts the tablet's API (pos/sales/cash_receipts.py)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from pos import money
from pos.api import ApiError
from pos.auth.service import roles_required
from pos.db import db, utcnow
from pos.sales import cash_receipts as service
from pos.sales.record import local_time
from pos.sales.service import visible_sale_id
from pos.scope import BACK_OFFICE, require_site, working_site

from .views import bp

bp.register_blueprint(service.api)

staff = roles_required(*BACK_OFFICE)


def _day() -> tuple[date, date]:
    today = local_time(utcnow()).date()
    try:
        day = date.fromisoformat(request.values.get("day", ""))
    except ValueError:
        day = today
    return min(day, today), today


def _page(
    day: date, today: date, errors: dict | None = None, typed: dict | None = None, status: int = 200
):
    site = working_site()
    require_site(site.id)
    rows = service.day_requests(site.id, day)
    return render_template(
        "backoffice/cash_receipts/index.html",
        site=site,
        day=day,
        today=today,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        rows=rows,
        pending=sum(1 for r in rows if r.needed),
        errors=errors or {},
        typed=typed or {},
        won=money.won,
    ), status


@bp.get("/admin/cash-receipts")
@staff
def cash_receipts():
    day, today = _day()
    return _page(day, today)


@bp.post("/admin/cash-receipts/<sale_id>")
@staff
def cash_receipt_issue(sale_id: str):
    day, today = _day()
    site = working_site()
    require_site(site.id)
    raw = request.form.get("approval_no", "")
    try:
        visible_sale_id(sale_id, current_user)
        row, created = service.issue(sale_id, raw, current_user)
    except ApiError as exc:
        db.session.rollback()
        return _page(day, today, {sale_id: exc.message}, {sale_id: raw}, 422)
    db.session.commit()
    if created:
        flash(f"현금영수증 승인번호 {row.approval_no}를 기록했습니다.", "ok")
    else:
        flash("이미 같은 승인번호로 기록되어 있습니다.", "ok")
    return redirect(url_for(".cash_receipts", day=day.isoformat()))

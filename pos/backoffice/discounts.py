"""The manager's list of discount reasons and the site's approval limit (할인 사유).

Reasons are shared by every site (the tablet offers the active ones); the limit is the working
site's: a discount over that percent of what it is taken off needs a manager's PIN on the
tablet, an empty limit means a cashier never needs one. Also mounts the small JSON API the
tablet reads (pos/sales/discounts.py) and the 현금영수증 and campaign APIs' siblings.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from pos.api import ApiError
from pos.auth.service import roles_required
from pos.db import db
from pos.korean import particle
from pos.sales import discounts as service
from pos.sales.models import DiscountReason
from pos.scope import SITE_ADMINS, require_site, working_site
from pos.sites import Site

from .views import bp

bp.register_blueprint(service.api)

site_admins = roles_required(*SITE_ADMINS)


def _site() -> Site:
    info = working_site()
    require_site(info.id)
    return db.session.get(Site, info.id)


def _page(site: Site, errors: dict | None = None, form: dict | None = None, status: int = 200):
    limit = site.discount_approval_pct
    return (
        render_template(
            "backoffice/discounts/index.html",
            site=site,
            reasons=service.all_reasons(),
            errors=errors or {},
            form=form or {"approval_pct": "" if limit is None else str(limit)},
        ),
        status,
    )


@bp.get("/admin/discounts")
@site_admins
def discount_reasons():
    return _page(_site())


def _reason(reason_id: int) -> DiscountReason:
    reason = db.session.get(DiscountReason, reason_id)
    if reason is None:
        from flask import abort

        abort(404)
    return reason


def _refused(site: Site, exc: ApiError, key: str, form: dict):
    db.session.rollback()
    return _page(site, {key: exc.message}, {**_limit_form(site), **form}, 422)


def _limit_form(site: Site) -> dict:
    limit = site.discount_approval_pct
    return {"approval_pct": "" if limit is None else str(limit)}


@bp.post("/admin/discounts/reasons")
@site_admins
def discount_reason_add():
    site = _site()
    try:
        reason = service.add_reason(request.form.get("name"))
    except ApiError as exc:
        return _refused(site, exc, "new", {"new": request.form.get("name", "")})
    db.session.commit()
    flash(f"할인 사유 '{reason.name}'{particle(reason.name, '을/를')} 추가했습니다.", "ok")
    return redirect(url_for(".discount_reasons"))


@bp.post("/admin/discounts/reasons/<int:reason_id>")
@site_admins
def discount_reason_edit(reason_id: int):
    site = _site()
    reason = _reason(reason_id)
    action = request.form.get("action", "rename")
    if action in ("stop", "resume"):
        service.set_active(reason, action == "resume")
        db.session.commit()
        done = "다시 쓰도록 했습니다" if action == "resume" else "사용 중지했습니다"
        flash(f"할인 사유 '{reason.name}'{particle(reason.name, '을/를')} {done}.", "ok")
        return redirect(url_for(".discount_reasons"))
    old = reason.name
    try:
        service.rename_reason(reason, request.form.get("name"))
    except ApiError as exc:
        return _refused(site, exc, f"r{reason_id}", {f"r{reason_id}": request.form.get("name", "")})
    db.session.commit()
    if old != reason.name:
        to = f"'{reason.name}'{particle(reason.name, '으로/로')}"
        flash(f"'{old}'의 이름을 {to} 바꿨습니다.", "ok")
    return redirect(url_for(".discount_reasons"))


@bp.post("/admin/discounts/limit")
@site_admins
def discount_limit():
    site = _site()
    raw = request.form.get("approval_pct", "")
    try:
        limit = service.parse_limit(raw)
    except ApiError as exc:
        return _refused(site, exc, "approval_pct", {"approval_pct": raw})
    site.discount_approval_pct = limit
    db.session.commit()
    if limit is None:
        flash(f"{site.name}: 할인에 매니저 승인을 받지 않습니다.", "ok")
    else:
        flash(f"{site.name}: {limit}%를 넘는 할인은 매니저 승인이 필요합니다.", "ok")
    return redirect(url_for(".discount_reasons"))

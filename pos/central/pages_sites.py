"""매장·행사 목록 (/admin/sites, admin, on central and on a branch): every site with its kind
and operator, a form to add one (what ``pos site add`` does, with Korean messages per field)
and switching a site on or off.

A site switched off keeps its history; its sync token stops working and it leaves the lists
people pick from. The server's own site cannot be switched off from its own back office."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from inventory.models import Vendor
from inventory.vendors import InvalidBrn, format_brn, normalize_brn
from pos.auth.service import roles_required
from pos.db import db
from pos.sites import SITE_KINDS, Site

from .pages import KIND_LABELS, add_page

admins = roles_required("admin")

CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,31}")
LIMITS = {"name": 120, "address": 200, "phone": 40}


def check_site_form(form) -> tuple[dict, dict[str, str]]:
    """Cleaned values and a Korean message per refused field."""
    values: dict = {}
    errors: dict[str, str] = {}
    code = (form.get("code") or "").strip().upper()
    if not code:
        errors["code"] = "매장 코드를 입력하세요."
    elif not CODE_RE.fullmatch(code):
        errors["code"] = (
            "매장 코드는 영문 대문자, 숫자, 빼기(-), 밑줄(_) 2~32자입니다 (예: CAFE09)."
        )
    elif db.session.scalar(select(func.count()).select_from(Site).where(Site.code == code)):
        errors["code"] = f"매장 코드 {code}는 이미 있습니다."
    values["code"] = code
    name = " ".join((form.get("name") or "").split())
    if not name:
        errors["name"] = "이름을 입력하세요."
    values["name"] = name
    kind = form.get("kind") or ""
    if kind not in SITE_KINDS:
        errors["kind"] = "종류를 고르세요."
    values["kind"] = kind
    brn_text = (form.get("vendor") or "").strip()
    vendor = None
    if not brn_text:
        errors["vendor"] = "운영하는 공급자의 사업자등록번호를 입력하세요."
    else:
        try:
            brn = normalize_brn(brn_text)
        except InvalidBrn as exc:
            errors["vendor"] = f"{exc}."
        else:
            vendor = db.session.scalars(select(Vendor).where(Vendor.brn == brn)).first()
            if vendor is None:
                errors["vendor"] = (
                    f"사업자등록번호 {format_brn(brn)}인 공급자가 없습니다. "
                    "먼저 공급자를 등록하세요."
                )
    values["vendor"] = vendor
    for key in ("address", "phone"):
        values[key] = " ".join((form.get(key) or "").split())
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            errors[key] = f"{limit}자까지 쓸 수 있습니다."
    return values, errors


def _page(form=None, errors=None, status: int = 200):
    sites = db.session.scalars(select(Site).order_by(Site.active.desc(), Site.code)).all()
    vendors = db.session.scalars(
        select(Vendor).where(Vendor.active.is_(True)).order_by(Vendor.name)
    ).all()
    branch = current_app.config["POS_ROLE"] == "branch"
    page = render_template(
        "central/site_list.html",
        sites=sites,
        vendors=vendors,
        kinds=KIND_LABELS,
        kind_values=SITE_KINDS,
        form=form or {"kind": "cafe"},
        errors=errors or {},
        format_brn=format_brn,
        own=current_app.config.get("POS_SITE") if branch else None,
    )
    return page, status


@admins
def sites():
    return _page()


@admins
def site_create():
    values, errors = check_site_form(request.form)
    if errors:
        return _page(request.form, errors, 422)
    vendor = values["vendor"]
    site = Site(
        code=values["code"],
        name=values["name"],
        kind=values["kind"],
        vendor_id=vendor.id,
        address=values["address"],
        phone=values["phone"],
    )
    db.session.add(site)
    db.session.commit()
    flash(f"{site.name} ({site.code}, {KIND_LABELS[site.kind]})을(를) 추가했습니다.", "ok")
    return redirect(url_for("backoffice.sites"))


@admins
def site_active(code: str):
    site = db.session.scalars(select(Site).where(Site.code == code)).first()
    if site is None:
        abort(404)
    own = current_app.config.get("POS_SITE")
    if current_app.config["POS_ROLE"] == "branch" and site.code == own and site.active:
        flash("이 서버가 일하는 매장은 여기에서 사용 중지할 수 없습니다.", "error")
        return redirect(url_for("backoffice.sites"))
    site.active = not site.active
    db.session.commit()
    if site.active:
        flash(f"{site.name}을(를) 다시 사용합니다.", "ok")
    else:
        flash(f"{site.name}을(를) 사용 중지했습니다. 지난 기록은 그대로 남습니다.", "ok")
    return redirect(url_for("backoffice.sites"))


def init_app(app) -> None:
    add_page(app, "/admin/sites", "sites", sites)
    add_page(app, "/admin/sites", "site_create", site_create, ["POST"])
    add_page(app, "/admin/sites/<code>/active", "site_active", site_active, ["POST"])

"""Consignment check-in (/fairs/CODE/checkin): the organiser picks a vendor, types what it
brought per product on a tablet, and the vendor's representative signs for it by name. Every
check-in is listed per vendor with its sign-off state."""

from __future__ import annotations

import unicodedata
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inventory.fairs.models import Consignment
from inventory.models import Product
from pos.auth.service import roles_required
from pos.db import db
from pos.scope import FAIR_STAFF

from .pages import (
    bp,
    committed,
    fair_context,
    fair_vendors,
    is_locked,
    load_fair,
    vendor_in_fair,
    vendor_products,
)

#: most units of one product in one check-in (a typo guard; the database takes more)
MAX_QTY = 100_000


def consignments(fair, vendor_id: int | None = None) -> list[Consignment]:
    q = (
        select(Consignment)
        .where(Consignment.site_id == fair.site_id)
        .options(selectinload(Consignment.lines))
        .order_by(Consignment.created_at.desc())
    )
    if vendor_id is not None:
        q = q.where(Consignment.vendor_id == vendor_id)
    return list(db.session.scalars(q))


@bp.get("/fairs/<code>/checkin")
@roles_required(*FAIR_STAFF)
def checkin(code: str):
    fair = load_fair(code)
    brn = request.args.get("vendor", "")
    chosen = vendor_in_fair(fair, brn) if brn else None
    if brn and chosen is None:
        flash("이 장터에 참여하지 않는 공급자입니다", "error")
    return _page(fair, chosen)


def _page(fair, chosen, typed=None, errors=None, new_id: str | None = None):
    """The check-in page; after a refused form, with what was typed and the bad boxes marked."""
    vendors = fair_vendors(fair)
    products = vendor_products(chosen.vendor.id) if chosen else []
    names = {p.id: p.name for p in db.session.scalars(select(Product))}
    listed = consignments(fair, chosen.vendor.id if chosen else None)
    by_vendor = {v.vendor.id: v for v in vendors}
    signed = {}
    for c in consignments(fair):
        done, total = signed.get(c.vendor_id, (0, 0))
        signed[c.vendor_id] = (done + bool(c.signed_by), total + 1)
    return render_template(
        "fairs/checkin.html",
        vendors=vendors,
        chosen=chosen,
        products=products,
        listed=listed,
        names=names,
        by_vendor=by_vendor,
        signed=signed,
        new_id=new_id or str(uuid.uuid4()),
        typed=typed or {},
        errors=errors or {},
        **fair_context(fair),
    )


def _lines(form, products) -> tuple[list[tuple[int, int]], dict[int, str], str | None]:
    """The typed quantities as lines, a Korean message per box that is not a count (full-width
    digits are read as digits), and the page's message when anything is wrong."""
    lines, errors = [], {}
    for p in products:
        raw = unicodedata.normalize("NFKC", form.get(f"qty_{p.id}", "")).strip().replace(",", "")
        if not raw or raw == "0":
            continue
        if raw.startswith("-") and raw[1:].isascii() and raw[1:].isdigit():
            errors[p.id] = "수량은 1 이상이어야 합니다"
        elif not raw.isascii() or not raw.isdigit():
            errors[p.id] = "수량은 숫자로만 입력하세요"
        elif int(raw) > MAX_QTY:
            errors[p.id] = f"수량이 너무 큽니다 ({MAX_QTY:,}개까지)"
        else:
            lines.append((p.id, int(raw)))
    if errors:
        first = next(p for p in products if p.id in errors)
        more = f" 외 {len(errors) - 1}칸" if len(errors) > 1 else ""
        return [], errors, f"{first.name}{more}: {errors[first.id]}"
    if not lines:
        return [], {}, "받은 수량을 하나 이상 입력하세요"
    return lines, {}, None


@bp.post("/fairs/<code>/checkin")
@roles_required(*FAIR_STAFF)
def checkin_save(code: str):
    from inventory.fairs import service

    fair = load_fair(code)
    brn = request.form.get("brn", "")
    chosen = vendor_in_fair(fair, brn)
    if chosen is None:
        flash("공급자를 먼저 고르세요", "error")
        return redirect(url_for(".checkin", code=code))
    if is_locked(fair):
        flash("마감한 장터에는 입고할 수 없습니다", "error")
        return redirect(url_for(".checkin", code=code, vendor=brn))
    lines, errors, problem = _lines(request.form, vendor_products(chosen.vendor.id))
    if problem:
        flash(problem, "error")
        return _page(fair, chosen, request.form, errors, request.form.get("id", "").strip())
    cid = request.form.get("id", "").strip() or str(uuid.uuid4())
    signed_by = request.form.get("signed_by", "").strip()
    units = sum(qty for _pid, qty in lines)
    committed(
        lambda: service.check_in(
            fair, cid, brn, lines, user_id=current_user.id, signed_by=signed_by
        ),
        f"{chosen.vendor.name}: {len(lines)}종 {units:,}개를 입고했습니다"
        + (f" ({signed_by} 서명)" if signed_by else ". 공급자 대표의 서명을 받으세요"),
    )
    return redirect(url_for(".checkin", code=code, vendor=brn))


@bp.post("/fairs/<code>/checkin/<cid>/sign")
@roles_required(*FAIR_STAFF)
def checkin_sign(code: str, cid: str):
    """The vendor's representative signs for a check-in by typing their name."""
    from inventory.fairs import service

    fair = load_fair(code)
    back = request.form.get("vendor", "")
    signed_by = request.form.get("signed_by", "").strip()
    if not signed_by:
        flash("서명할 분의 이름을 입력하세요", "error")
        return redirect(url_for(".checkin", code=code, vendor=back))
    committed(lambda: service.sign_off(fair, cid, signed_by), f"{signed_by} 님이 서명했습니다")
    return redirect(url_for(".checkin", code=code, vendor=back))

"""After 마감: count each vendor's remainder (expected shown, counted typed, variance shown
before it is booked), the settlement per vendor (printable on A4, a receipt-printer slip, XLSX),
and the audited adjustments that are the only way to correct a closed fair."""

from __future__ import annotations

import uuid
from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inventory.fairs.models import FairAdjustment, FairCount
from inventory.models import Product
from pos.auth.models import User
from pos.auth.service import roles_required
from pos.db import db
from pos.korean import josa
from pos.scope import FAIR_STAFF

from .pages import (
    bp,
    committed,
    fair_context,
    fair_vendors,
    is_locked,
    load_fair,
    vendor_in_fair,
)

#: the most won one adjustment may move (a typo guard)
MAX_AMOUNT = 100_000_000


def _counts(fair) -> dict[int, FairCount]:
    """The latest count per vendor."""
    rows = db.session.scalars(
        select(FairCount)
        .where(FairCount.site_id == fair.site_id)
        .options(selectinload(FairCount.lines))
        .order_by(FairCount.created_at)
    )
    return {c.vendor_id: c for c in rows}


def _expected(fair, brn: str) -> list[dict]:
    """The vendor's products as the board sees them (brought, sold, left)."""
    from .pages_board import board_data

    for v in board_data(fair)["vendors"]:
        if v["brn"] == brn:
            return v["products"]
    return []


def _parse_counts(form, products) -> tuple[list[dict], dict[int, str], dict[int, int]]:
    lines, errors, typed = [], {}, {}
    for p in products:
        raw = form.get(f"counted_{p['product_id']}", "").strip().replace(",", "")
        if raw == "":
            errors[p["product_id"]] = "남은 수량을 입력하세요 (없으면 0)"
        elif not raw.isascii() or not raw.isdigit():
            errors[p["product_id"]] = "숫자로만 입력하세요"
        else:
            typed[p["product_id"]] = int(raw)
            lines.append((p["product_id"], int(raw)))
    return lines, errors, typed


@bp.route("/fairs/<code>/count", methods=["GET", "POST"])
@roles_required(*FAIR_STAFF)
def count(code: str):
    """GET: pick a vendor; POST action=preview shows the variance, action=commit books it."""
    from inventory.fairs import service

    fair = load_fair(code)
    brn = request.values.get("vendor", "")
    chosen = vendor_in_fair(fair, brn) if brn else None
    counts = _counts(fair)
    products = _expected(fair, brn) if chosen else []
    typed: dict[int, int] = {}
    errors: dict[int, str] = {}
    preview = False
    if request.method == "POST":
        if not is_locked(fair):
            flash("장터를 마감한 뒤에 남은 수량을 셉니다", "error")
            return redirect(url_for(".overview", code=code))
        if chosen is None:
            flash("공급자를 먼저 고르세요", "error")
            return redirect(url_for(".count", code=code))
        lines, errors, typed = _parse_counts(request.form, products)
        if errors:
            flash("입력하지 않았거나 숫자가 아닌 칸이 있습니다", "error")
        elif request.form.get("action") == "commit":
            cid = request.form.get("id") or str(uuid.uuid4())
            if committed(
                lambda: service.count_remainder(fair, cid, brn, lines, user_id=current_user.id),
                f"{chosen.vendor.name}: 남은 수량을 반환 처리했습니다",
            ):
                return redirect(url_for(".count", code=code))
        else:
            preview = True
    return render_template(
        "fairs/count.html",
        vendors=fair_vendors(fair),
        chosen=chosen,
        products=products,
        counts=counts,
        typed=typed,
        errors=errors,
        preview=preview,
        new_id=request.form.get("id") or str(uuid.uuid4()),
        names=_product_names(),
        **fair_context(fair),
    )


def _product_names() -> dict[int, str]:
    return dict(db.session.execute(select(Product.id, Product.name)).all())


@bp.get("/fairs/<code>/settlement")
@roles_required(*FAIR_STAFF)
def settlement(code: str):
    from pos.fairs.settlement import settlement as figures

    fair = load_fair(code)
    data = figures(fair)
    # a column per payment method that took money (seven columns of zeros hide the payable)
    methods: list[str] = []
    for v in data["vendors"]:
        for m, amount in v.get("by_method", {}).items():
            if amount and m not in methods:
                methods.append(m)
    counted = set(_counts(fair))
    pending = [v for v in fair_vendors(fair) if v.vendor.id not in counted]
    return render_template(
        "fairs/settlement.html",
        data=data,
        methods=methods,
        pending=pending if is_locked(fair) else [],
        adjustments=_adjustments(fair),
        vendor_names={v.vendor.id: v.vendor.name for v in fair_vendors(fair)},
        **fair_context(fair),
    )


def _adjustments(fair) -> list[FairAdjustment]:
    return list(
        db.session.scalars(
            select(FairAdjustment)
            .where(FairAdjustment.site_id == fair.site_id)
            .order_by(FairAdjustment.created_at.desc())
        )
    )


def _int(raw: str, label: str) -> int:
    text = (raw or "").strip().replace(",", "")
    if text in ("", "0", "+0", "-0"):
        return 0
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{josa(label, '은/는')} 숫자로 입력하세요 (줄이면 앞에 -)")
    return sign * int(digits)


@bp.route("/fairs/<code>/adjustments", methods=["GET", "POST"])
@roles_required(*FAIR_STAFF)
def adjustments(code: str):
    """조정: after close, units returned and/or won payable corrected, each with its reason."""
    from inventory.fairs import service

    fair = load_fair(code)
    form = request.form
    if request.method == "POST":
        brn = form.get("brn", "")
        chosen = vendor_in_fair(fair, brn)
        reason = form.get("reason", "").strip()
        problem = None
        qty = amount = 0
        product_id = None
        try:
            qty = _int(form.get("qty", ""), "수량")
            amount = _int(form.get("amount", ""), "금액")
            product_id = int(form["product_id"]) if form.get("product_id") else None
        except ValueError as err:
            problem = str(err)
        if problem:
            pass
        elif not is_locked(fair):
            problem = "조정은 마감한 뒤에 합니다. 마감 전에는 입고나 판매를 고치세요"
        elif chosen is None:
            problem = "공급자를 고르세요"
        elif not reason:
            problem = "조정 사유를 입력하세요"
        elif not qty and not amount:
            problem = "수량이나 금액 중 하나는 0이 아니어야 합니다"
        elif qty and product_id is None:
            problem = "수량을 조정할 상품을 고르세요"
        elif abs(amount) > MAX_AMOUNT:
            problem = "금액이 너무 큽니다"
        if problem is None:
            write = partial(
                service.adjust,
                fair,
                brn,
                adjustment_id=form.get("id") or str(uuid.uuid4()),
                product_id=product_id,
                qty=qty,
                amount=amount,
                reason=reason,
                user_id=current_user.id,
            )
            if committed(write, "조정을 기록했습니다"):
                return redirect(url_for(".adjustments", code=code))
        else:
            flash(problem, "error")
    vendors = fair_vendors(fair)
    products = {
        v.vendor.brn: list(
            db.session.scalars(
                select(Product).where(Product.vendor_id == v.vendor.id).order_by(Product.id)
            )
        )
        for v in vendors
    }
    rows = _adjustments(fair)
    users = {
        u.id: u.display_name
        for u in db.session.scalars(
            select(User).where(User.id.in_({r.user_id for r in rows if r.user_id}))
        )
    }
    return render_template(
        "fairs/adjustments.html",
        vendors=vendors,
        products=products,
        rows=rows,
        users=users,
        names=_product_names(),
        vendor_names={v.vendor.id: v.vendor.name for v in vendors},
        form=form,
        new_id=str(uuid.uuid4()),
        **fair_context(fair),
    )

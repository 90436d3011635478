"""재고실사: count a whole category on a tablet, see the variance, then book it.

Three steps: enter (every tracked product of the category, blind: the ledger's figure is not
shown while counting), preview (the server's variance per line), commit (``count`` moves for
the differences and the count itself, kept even when nothing differed). If stock moved after
the preview, the commit books nothing and shows the new variance instead.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pos.auth.models import User
from pos.auth.service import roles_required
from pos.db import db
from pos.scope import require_site, working_site

from . import pages_data as data
from .models import Category, Product
from .pages import bp
from .pages_common import SUPERVISORS, form_id
from .stock_service import (
    StaleCount,
    StockCount,
    StockInputError,
    commit_count,
    count_rows,
    parse_qty,
)


def _site():
    site = working_site()
    require_site(site.id)
    return site


def _category() -> Category:
    raw = request.values.get("category", "")
    category = db.session.get(Category, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if category is None:
        abort(404)
    return category


def _products(site, category: Category) -> list[Product]:
    """The category's tracked products this site keeps (has a stock level for)."""
    return [r.product for r in data.stock_rows(site.id, category_id=category.id)]


@bp.get("/stock/count")
@roles_required(*SUPERVISORS)
def count():
    site = _site()
    if not request.args.get("category"):
        cats = [(c, len(_products(site, c))) for c in data.categories()]
        recent = db.session.execute(
            select(StockCount, Category.name, User.display_name)
            .outerjoin(Category, Category.id == StockCount.category_id)
            .outerjoin(User, User.id == StockCount.user_id)
            .where(StockCount.site_id == site.id)
            .order_by(StockCount.created_at.desc())
            .limit(10)
        ).all()
        return render_template("stock/count_pick.html", site=site, cats=cats, recent=recent)
    category = _category()
    return _entry(site, category, {}, {}, str(uuid.uuid4()))


def _entry(site, category, typed: dict, errors: dict, count_id: str, status: int = 200):
    return (
        render_template(
            "stock/count_entry.html",
            site=site,
            category=category,
            products=_products(site, category),
            typed=typed,
            errors=errors,
            count_id=count_id,
        ),
        status,
    )


def _read_counts(products: list[Product]) -> tuple[dict, dict, dict]:
    """(typed text, parsed counts, errors) by product id; every product needs a figure."""
    typed, counted, errors = {}, {}, {}
    for product in products:
        text = request.form.get(f"counted_{product.id}", "")
        typed[product.id] = text
        try:
            counted[product.id] = parse_qty(text, allow_zero=True)
        except StockInputError as exc:
            errors[product.id] = exc.message
    return typed, counted, errors


@bp.post("/stock/count/preview")
@roles_required(*SUPERVISORS)
def count_preview():
    site = _site()
    category = _category()
    count_id = form_id("count_id")
    products = _products(site, category)
    typed, counted, errors = _read_counts(products)
    if not products:
        flash("이 분류에는 재고를 관리하는 상품이 없습니다", "error")
        return redirect(url_for(".count"))
    if errors or request.form.get("edit"):
        if errors:
            flash(
                "고칠 칸이 있습니다. 표시된 줄을 고쳐 주세요. 아무것도 기록하지 않았습니다", "error"
            )
        return _entry(site, category, typed, errors, count_id, 422 if errors else 200)
    return _preview(site, category, count_rows(site, counted), count_id)


def _preview(site, category, rows, count_id, stale: bool = False, status: int = 200):
    return (
        render_template(
            "stock/count_preview.html",
            site=site,
            category=category,
            rows=rows,
            count_id=count_id,
            stale=stale,
            changed=sum(1 for r in rows if r.variance),
        ),
        status,
    )


@bp.post("/stock/count/commit")
@roles_required(*SUPERVISORS)
def count_commit():
    site = _site()
    category = _category()
    count_id = form_id("count_id")
    counted, expected, errors = {}, {}, False
    for key in request.form:
        if not key.startswith("counted_"):
            continue
        pid = key.removeprefix("counted_")
        if not pid.isdigit() or len(pid) > 9:
            continue
        try:
            counted[int(pid)] = parse_qty(request.form[key], allow_zero=True)
            expected[int(pid)] = int(request.form.get(f"expected_{pid}", "-1"))
        except (StockInputError, ValueError):
            errors = True
    if errors or not counted:
        products = _products(site, category)
        typed, _, errs = _read_counts(products)
        flash("고칠 칸이 있습니다. 표시된 줄을 고쳐 주세요. 아무것도 기록하지 않았습니다", "error")
        return _entry(site, category, typed, errs, count_id, 422)
    try:
        done = commit_count(
            site,
            count_id=count_id,
            category_id=category.id,
            counted=counted,
            expected=expected,
            user_id=current_user.id,
            note=f"재고실사 {category.name}",
        )
        db.session.commit()
    except StaleCount as exc:
        db.session.rollback()
        flash(
            "미리보기 뒤에 재고가 바뀌었습니다 (판매나 입고). 새 차이를 확인하고 다시 확정하세요",
            "error",
        )
        return _preview(site, category, exc.rows, count_id, stale=True, status=409)
    except StockInputError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".count"))
    except IntegrityError:
        db.session.rollback()  # the same count committed twice at once: the other one won
        done = db.session.get(StockCount, count_id)
        if done is None:
            raise
    changed = sum(1 for line in done.lines if line.variance)
    flash(f"{category.name} 재고실사를 기록했습니다 (차이 {changed}개 상품)", "ok")
    return redirect(url_for(".count_done", count_id=done.id))


@bp.get("/stock/counts/<count_id>")
@roles_required(*SUPERVISORS)
def count_done(count_id: str):
    done = db.session.get(StockCount, count_id[:36])
    if done is None:
        abort(404)
    require_site(done.site_id)
    rows = {r.product.id: r for r in data.stock_rows(done.site_id)}
    lines = [
        (db.session.get(Product, line.product_id), line, rows.get(line.product_id))
        for line in done.lines
    ]
    category = db.session.get(Category, done.category_id) if done.category_id else None
    user = db.session.get(User, done.user_id) if done.user_id else None
    return render_template(
        "stock/count_done.html", count=done, lines=lines, category=category, user=user
    )

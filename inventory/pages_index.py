"""Stock by site with search and filters, a product's move history, thresholds, low stock."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pos.auth.service import roles_required
from pos.context import safe_path
from pos.db import db
from pos.scope import require_site

from . import pages_data as data
from .models import Product
from .pages import bp
from .pages_common import SUPERVISORS, VIEWERS, page_site
from .site_terms import set_low_stock
from .stock_service import StockInputError, parse_qty

#: rows one page shows (a tablet stays quick with thousands of products); search narrows
MAX_ROWS = 400


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@bp.get("/stock")
@roles_required(*VIEWERS)
def index():
    site = page_site()
    q = request.args.get("q", "")[:80]
    category_id, vendor_id = _int_arg("category"), _int_arg("vendor")
    only = request.args.get("only", "")
    rows = data.stock_rows(site.id, q=q, category_id=category_id, vendor_id=vendor_id)
    if only == "low":
        rows = [r for r in rows if r.low]
    elif only == "out":
        rows = [r for r in rows if r.out]
    return render_template(
        "stock/index.html",
        site=site,
        rows=rows[:MAX_ROWS],
        matched=len(rows),
        q=q,
        category_id=category_id,
        vendor_id=vendor_id,
        only=only,
        categories=data.categories(),
        vendors=data.vendors(),
        total_value=sum(r.value for r in rows),
        may_edit=_may_edit(),
        back=request.full_path,
    )


def _may_edit() -> bool:
    return current_user.role in SUPERVISORS


@bp.get("/stock/products/<int:product_id>")
@roles_required(*VIEWERS)
def history(product_id: int):
    site = page_site()
    product = db.session.get(Product, product_id)
    if product is None:
        abort(404)
    rows = data.stock_rows(site.id, product_ids=[product_id], stocked_only=False)
    moves, count = data.history(site.id, product_id)
    return render_template(
        "stock/history.html",
        site=site,
        product=product,
        row=rows[0] if rows else None,
        moves=moves,
        count=count,
    )


@bp.post("/stock/products/<int:product_id>/threshold")
@roles_required(*SUPERVISORS)
def threshold(product_id: int):
    """This site's low-stock threshold; empty goes back to the product's own."""
    site = page_site()
    require_site(site.id)
    product = db.session.get(Product, product_id)
    if product is None or not product.track_stock:
        abort(404)
    raw = request.form.get("threshold", "").strip()
    back = request.form.get("back", "")
    back = safe_path(back) or url_for(".index")
    try:
        value = None if raw == "" else parse_qty(raw, allow_zero=True)
    except StockInputError as exc:
        return _saved(site, product, back, f"부족 기준: {exc.message}", error=True)
    set_low_stock(site.id, product.id, value)
    db.session.commit()
    if value is None:
        shown = "상품 기본값" + (f" {product.low_stock}개" if product.low_stock is not None else "")
        message = f"{product.name}의 부족 기준을 {shown}으로 되돌렸습니다"
    else:
        message = f"{product.name}의 부족 기준을 {value}개로 바꿨습니다"
    return _saved(site, product, back, message)


def _saved(site, product, back: str, message: str, *, error: bool = False):
    """htmx swaps the product's row (with the message in it); a plain form goes back."""
    if request.headers.get("HX-Request") == "true":
        rows = data.stock_rows(site.id, product_ids=[product.id], stocked_only=False)
        return render_template(
            "stock/_row.html",
            r=rows[0],
            may_edit=True,
            back=back,
            row_message=message,
            row_error=error,
        )
    flash(f"{product.name}: {message}" if error else message, "error" if error else "ok")
    return redirect(back)


@bp.get("/stock/low")
@roles_required(*VIEWERS)
def low():
    site = page_site()
    return render_template("stock/low.html", site=site, rows=data.low_rows(site.id))

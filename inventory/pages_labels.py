"""라벨 인쇄: pick products and copies (scan or search, like 입고), the label kind and the code,
and send them to this site's receipt printer."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from pos import money
from pos.auth.service import roles_required
from pos.db import db
from pos.scope import require_site, working_site

from . import labels as service
from . import pages_data as data
from .models import Product
from .pages import bp
from .pages_common import SUPERVISORS, read_lines


def _site():
    site = working_site()
    require_site(site.id)
    return site


def _products(site) -> list[dict]:
    """Every active product (labels are not only for tracked stock), with its price here."""
    rows = db.session.execute(
        select(Product).where(Product.active).order_by(Product.sort, Product.name)
    ).scalars()
    prices = service.site_prices(site.id)
    return [
        {
            "id": p.id,
            "name": p.name,
            "sku": p.sku,
            "barcode": p.barcode or "",
            "info": money.won(prices.get(p.id, p.price)),
            "category_id": p.category_id,
        }
        for p in rows
    ]


def _show(site, rows=None, error: str = "", status: int = 200, **form):
    return (
        render_template(
            "stock/lines.html",
            kind="labels",
            title="라벨 인쇄",
            button="라벨 뽑기",
            action=url_for(".labels_post"),
            info_label="가격",
            qty_label="장수",
            site=site,
            rows=rows or [],
            products=_products(site),
            batch_id=str(uuid.uuid4()),
            error=error,
            error_field=None,
            form=form,
            printer=service.printer_url(site),
            categories=data.categories(),
        ),
        status,
    )


@bp.get("/stock/labels")
@roles_required(*SUPERVISORS)
def labels():
    return _show(_site())


@bp.post("/stock/labels")
@roles_required(*SUPERVISORS)
def labels_post():
    site = _site()
    form = {
        "label_kind": request.form.get("label_kind", "shelf"),
        "symbology": request.form.get("symbology", "auto"),
    }

    def price(product: Product) -> str:
        return money.won(service.site_price(site.id, product))

    rows, parsed = read_lines(site.id, tracked=False, info=price)
    if not rows:
        return _show(site, rows, "라벨을 뽑을 상품을 넣으세요", 422, **form)
    if any(r["error"] for r in rows):
        return _show(site, rows, "표시된 줄을 고쳐 주세요. 아무것도 뽑지 않았습니다", 422, **form)
    try:
        done = service.print_labels(
            site, parsed, kind=form["label_kind"], symbology=form["symbology"]
        )
    except service.LabelError as exc:
        for row in rows:
            if exc.product_id is not None and row["id"] == exc.product_id:
                row["error"] = exc.message
        return _show(site, rows, exc.message, 422 if exc.field else 503, **form)
    flash(f"라벨 {done.labels}장({done.products}가지 상품)을 프린터로 보냈습니다", "ok")
    return redirect(url_for(".labels"))

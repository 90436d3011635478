"""Checkout API (DESIGN §5): thin views over the sales and inventory services."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from inventory.models import OptionGroup, Product, StockLevel
from pos.api import ApiError, endpoint
from pos.auth.service import login_required
from pos.context import current_site, receipt_base_url
from pos.db import db
from pos.receipts.models import JOB_STATUS
from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue

from .record import sale_view
from .responses import CatalogOut, PrintStatusOut, SaleOut
from .schemas import SaleIn
from .service import PlacedSale, place_sale, replay_sale, stored_sale, visible_sale_id


def catalog_json(site) -> dict:
    products = db.session.scalars(
        select(Product)
        .where(Product.active)
        .options(
            selectinload(Product.option_groups).selectinload(OptionGroup.options),
            selectinload(Product.vendor),
            selectinload(Product.category),
        )
        .order_by(Product.sort, Product.id)
    ).all()
    stock = dict(
        db.session.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(StockLevel.site_id == site.id)
        ).all()
    )
    items = []
    categories: dict[str, int] = {}
    for p in products:
        on_hand = stock.get(p.id, 0) if p.track_stock else None
        out = p.sold_out or (
            p.track_stock and not site.allow_negative_stock and (on_hand or 0) <= 0
        )
        cat = p.category.name if p.category else "기타"
        categories.setdefault(cat, p.category.sort if p.category else 999)
        items.append(
            {
                "id": p.id,
                "sku": p.sku,
                "barcode": p.barcode,
                "name": p.name,
                "price": p.price,
                "tax": p.tax,
                "category": cat,
                "vendor": {"id": p.vendor.id, "name": p.vendor.name},
                "track_stock": p.track_stock,
                "on_hand": on_hand,
                "sold_out": bool(out),
                "option_groups": [
                    {
                        "id": g.id,
                        "name": g.name,
                        "required": g.required,
                        "max_select": g.max_select,
                        "options": [
                            {"id": o.id, "name": o.name, "price_delta": o.price_delta}
                            for o in g.options
                            if o.active
                        ],
                    }
                    for g in p.option_groups
                ],
            }
        )
    return {
        "site": {"code": site.code, "name": site.name, "kind": site.kind},
        "categories": [name for name, _ in sorted(categories.items(), key=lambda kv: kv[1])],
        "products": items,
    }


def sale_json(placed: PlacedSale) -> dict:
    """The sale as the API shows it, with its print job's state."""
    status = placed.print_status
    return {
        **sale_view(placed.record),
        "print": {
            "status": status,
            "label": JOB_STATUS.get(status, "프린터 없음"),
            "error": placed.print_error,
        },
    }


@endpoint(
    "/catalog",
    summary="Products with options, on-hand and sold-out marks for the cashier's site",
    response=CatalogOut,
)
@login_required
def get_catalog():
    return jsonify(catalog_json(current_site()))


@endpoint(
    "/sales",
    "POST",
    body=SaleIn,
    summary="Check out a sale (idempotent by id; prices come from the server)",
    response=SaleOut,
    responses={
        201: "created",
        200: "the same id and body again: the same sale",
        409: "id used with another body, sold out or not enough stock",
        422: "invalid",
    },
)
@login_required
def post_sale(payload: SaleIn):
    site = current_site()
    try:
        placed = place_sale(
            payload, site=site, user=current_user, receipt_base_url=receipt_base_url()
        )
        db.session.commit()
    except (IntegrityError, ApiError):
        # The same id may have won a race in another request (on PostgreSQL a twin request
        # waits on the stock row, then finds it sold): answer like a retry, never a refusal.
        db.session.rollback()
        if (placed := replay_sale(payload, current_user)) is None:
            raise
    except Exception:
        db.session.rollback()
        raise
    return jsonify(sale_json(placed)), 201 if placed.created else 200


@endpoint(
    "/sales/<sale_id>",
    summary="Read a sale with its receipts and print status",
    response=SaleOut,
    responses={200: "the sale", 404: "no such sale at this site"},
)
@login_required
def get_sale(sale_id: str):
    return jsonify(sale_json(stored_sale(sale_id, current_user)))


@endpoint(
    "/sales/<sale_id>/print",
    "POST",
    summary="Reprint the sale's receipts (marked 재출력)",
    response=PrintStatusOut,
    responses={202: "queued", 404: "no such sale at this site", 409: "no printer configured"},
)
@login_required
def print_sale(sale_id: str):
    status = enqueue(visible_sale_id(sale_id, current_user), reprint=True)
    if status is None:
        raise ApiError(409, "no_printer", NO_PRINTER_MESSAGE)
    db.session.commit()
    return jsonify({"status": status, "label": JOB_STATUS[status]}), 202

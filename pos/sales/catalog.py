"""GET /api/catalog's body: what the cashier screen offers at a site, with on-hand and marks.

The site-independent part (names, categories, vendors, option groups) is built once per
catalog token and shared; each request adds the site's terms (inventory.assortment) and one
query of its stock levels, so 5,000 products cost a dictionary walk, not an ORM load.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inventory.assortment import is_low, offer
from inventory.cache import pricing_catalog
from inventory.models import OptionGroup, Product, StockLevel
from inventory.site_terms import today
from pos.db import db
from pos.versions import TokenCache


@dataclass(frozen=True)
class _Shown:
    """A product as every site shows it, before the site's terms."""

    id: int
    body: dict
    category: str
    category_sort: int


def _build(_token: str | None) -> list[_Shown]:
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
    shown = []
    for p in products:
        cat = p.category.name if p.category else "기타"
        body = {
            "id": p.id,
            "sku": p.sku,
            "barcode": p.barcode,
            "name": p.name,
            "tax": p.tax,
            "category": cat,
            "vendor": {"id": p.vendor.id, "name": p.vendor.name, "brn": p.vendor.brn},
            "track_stock": p.track_stock,
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
        shown.append(_Shown(p.id, body, cat, p.category.sort if p.category else 999))
    return shown


_shown = TokenCache("catalog_shown", _build)


def catalog_json(site, *, booth_vendor_id: int | None = None) -> dict:
    """The site's catalog. At a café a tracked product shows once the site has stocked it; a
    booth tablet at a fair sees only its vendor's products."""
    pricing = pricing_catalog()
    stock = dict(
        db.session.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(StockLevel.site_id == site.id)
        ).all()
    )
    day = today()
    items = []
    categories: dict[str, int] = {}
    for s in _shown.get():
        info = pricing.products.get(s.id)
        terms = offer(pricing, site, info, day) if info is not None else None
        if terms is None:
            continue
        if booth_vendor_id is not None and info.vendor_id != booth_vendor_id:
            continue
        if info.track_stock and site.kind != "fair" and s.id not in stock:
            continue  # never received here: not part of this café's shelf
        on_hand = stock.get(s.id, 0) if info.track_stock else None
        out = terms.sold_out or (
            info.track_stock and not site.allow_negative_stock and (on_hand or 0) <= 0
        )
        categories.setdefault(s.category, s.category_sort)
        items.append(
            {
                **s.body,
                "price": terms.price,
                "on_hand": on_hand,
                "sold_out": bool(out),
                "low_stock": terms.low_stock,
                "low": is_low(on_hand, terms.low_stock),
            }
        )
    return {
        "site": {"code": site.code, "name": site.name, "kind": site.kind},
        "categories": [name for name, _ in sorted(categories.items(), key=lambda kv: kv[1])],
        "products": items,
    }

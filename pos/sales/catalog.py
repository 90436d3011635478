"""GET /api/catalog's body: what the cashier screen offers at a site, with on-hand and marks.

The site-independent part (names, categories, vendors, option groups) is built once per
catalog token and kept already serialised; each request adds the site's terms
(inventory.assortment) and one query of its stock levels and joins strings, so 5,000 products
cost a walk over a list, not an ORM load and a JSON encoding of every option.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inventory.assortment import is_low, offer
from inventory.cache import pricing_catalog
from inventory.models import OptionGroup, Product, StockLevel
from inventory.site_terms import today
from pos.db import db
from pos.versions import TokenCache, current_token


@dataclass(frozen=True)
class _Shown:
    """A product as every site shows it, before the site's terms."""

    id: int
    body: dict
    #: ``body`` as JSON without its closing brace, ready for the site's fields
    head: str
    category: str
    category_sort: int


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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
                if g.active
            ],
        }
        head = _dumps(body)[:-1]
        shown.append(_Shown(p.id, body, head, cat, p.category.sort if p.category else 999))
    return shown


_shown = TokenCache("catalog_shown", _build)


def _offered(site, booth_vendor_id: int | None):
    """(shown product, its offer, on-hand, sold out) for what this site offers, in menu order.
    At a café a tracked product shows once the site has stocked it; a booth tablet at a fair
    sees only its vendor's products."""
    pricing = pricing_catalog()
    stock = dict(
        db.session.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(StockLevel.site_id == site.id)
        ).all()
    )
    day = today()
    own_terms = pricing.terms  # one copy for the whole walk
    for s in _shown.get():
        info = pricing.products.get(s.id)
        terms = offer(pricing, site, info, day, own_terms) if info is not None else None
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
        yield s, terms, on_hand, bool(out)


def _site_fields(terms, on_hand, out) -> dict:
    return {
        "price": terms.price,
        "on_hand": on_hand,
        "sold_out": out,
        "low_stock": terms.low_stock,
        "low": is_low(on_hand, terms.low_stock),
    }


def _literal(value: int | bool | None) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return str(int(value))


def _site_fields_text(terms, on_hand, out) -> str:
    """``_site_fields`` as JSON members, written directly (they are only ints, bools, nulls)."""
    return ",".join(f'"{k}":{_literal(v)}' for k, v in _site_fields(terms, on_hand, out).items())


def _categories(seen: dict[str, int]) -> list[str]:
    return [name for name, _ in sorted(seen.items(), key=lambda kv: kv[1])]


def _site_ref(site) -> dict:
    return {"code": site.code, "name": site.name, "kind": site.kind}


def catalog_version(site, booth_vendor_id: int | None = None) -> str:
    """Changes whenever this site's catalog answer may change: either token, the site's stock
    levels, the day (a 품절 mark ends at midnight) or the booth. One cheap statement, so
    tablets can ask every few seconds and reload the catalog only when it changed."""
    levels = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(StockLevel.on_hand), 0),
            func.max(StockLevel.updated_at),
        ).where(StockLevel.site_id == site.id)
    ).one()
    mark = (current_token(), current_token("terms"), *levels, today(), site.id, booth_vendor_id)
    return hashlib.sha256(repr(mark).encode()).hexdigest()[:16]


#: (database, site, booth) → (version, body): the last answer, reused while its version holds
_answers: dict[tuple, tuple[str, bytes]] = {}


def catalog_bytes(site, *, booth_vendor_id: int | None = None) -> bytes:
    """The same catalog as JSON text (the API): the last answer while nothing it shows has
    changed (its version), else joined anew from the pre-serialised products."""
    version = catalog_version(site, booth_vendor_id)
    key = (str(db.engine.url), site.id, booth_vendor_id)
    cached = _answers.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    body = _joined(site, booth_vendor_id, version)
    _answers[key] = (version, body)
    return body


def _joined(site, booth_vendor_id: int | None, version: str) -> bytes:
    parts = []
    categories: dict[str, int] = {}
    for s, terms, on_hand, out in _offered(site, booth_vendor_id):
        categories.setdefault(s.category, s.category_sort)
        parts.append(f"{s.head},{_site_fields_text(terms, on_hand, out)}}}")
    head = _dumps(
        {
            "site": _site_ref(site),
            "version": version,
            "categories": _categories(categories),
        }
    )[:-1]
    return f'{head},"products":[{",".join(parts)}]}}'.encode()

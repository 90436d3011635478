"""A product's price and availability at one site: the JSON API the cashier screen and the fair
board call (`POST /api/catalog/availability`) and the rows the back-office page shows.

Writes go through ``site_terms`` (the one write path for ``site_products``). A cashier may only
mark 품절 (or selling again) at their own site; organisers, managers and admins may change the
price and hide a product too, at the sites their scope covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import jsonify
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from pos.api import _PYDANTIC_MESSAGES, FIELD_LABELS, MAX_ID, ApiError, endpoint
from pos.auth.service import login_required
from pos.context import current_site
from pos.db import db
from pos.scope import CATALOG_EDITORS, site_by_code

from . import site_terms
from .fairs.models import FairVendor
from .imports import MAX_PRICE
from .models import Product, SiteProduct, StockLevel

# what the Korean messages call this API's fields (the shared labels have no such names yet)
for _name, _label in (
    ("sold_out", "품절"),
    ("hidden", "숨김"),
    ("price", "가격"),
    ("site", "매장"),
):
    FIELD_LABELS.setdefault(_name, _label)
_PYDANTIC_MESSAGES.setdefault("bool_type", "참(true) 또는 거짓(false)이어야 합니다")


class AvailabilityIn(BaseModel):
    """Give any of ``sold_out``, ``hidden``, ``price``; what is left out stays as it is.
    ``price: null`` goes back to the product's own price. ``site`` (a site code) defaults to
    the caller's site."""

    model_config = ConfigDict(extra="forbid", strict=True)

    product_id: int = Field(ge=1, le=MAX_ID)
    #: 품절 for the rest of today (Asia/Seoul) at the site, or selling again
    sold_out: bool | None = None
    #: not offered at the site (the cashier screen does not show it)
    hidden: bool | None = None
    #: the site's own VAT-inclusive price in won; null = the product's price
    price: int | None = Field(default=None, ge=0, le=MAX_PRICE)
    site: str | None = Field(default=None, min_length=1, max_length=32)


class AvailabilityOut(BaseModel):
    product_id: int
    site: str
    #: what the site sells it for now (its own price or the product's)
    price: int
    #: the site's own price, null when it uses the product's
    own_price: int | None
    default_price: int
    hidden: bool
    #: sold out at this site now (marked today here, or marked everywhere)
    sold_out: bool
    #: marked 품절 today at this site (what the one-tap toggle shows)
    sold_out_today: bool


@dataclass(frozen=True)
class Row:
    """One product as a site has it (the back-office page and the API answer)."""

    product: Product
    own_price: int | None
    hidden: bool
    sold_out_today: bool
    on_hand: int | None
    #: at a fair: the product's vendor takes part (else the fair does not offer it)
    in_fair: bool = True

    @property
    def price(self) -> int:
        return self.product.price if self.own_price is None else self.own_price

    @property
    def sold_out(self) -> bool:
        return self.product.sold_out or self.sold_out_today

    def as_json(self, site_code: str) -> dict:
        return {
            "product_id": self.product.id,
            "site": site_code,
            "price": self.price,
            "own_price": self.own_price,
            "default_price": self.product.price,
            "hidden": self.hidden,
            "sold_out": self.sold_out,
            "sold_out_today": self.sold_out_today,
        }


def _row(site, product: Product, terms: SiteProduct | None, on_hand, fair_vendors) -> Row:
    today = site_terms.today()
    return Row(
        product=product,
        own_price=terms.price if terms is not None else None,
        hidden=bool(terms is not None and terms.hidden),
        sold_out_today=bool(terms is not None and terms.sold_out_on == today),
        on_hand=(on_hand or 0) if product.track_stock else None,
        in_fair=fair_vendors is None or product.vendor_id in fair_vendors,
    )


def _fair_vendors(site) -> set[int] | None:
    if site.kind != "fair":
        return None
    return set(
        db.session.scalars(select(FairVendor.vendor_id).where(FairVendor.site_id == site.id))
    )


def row_for(site, product: Product) -> Row:
    terms = db.session.get(SiteProduct, (site.id, product.id))
    level = db.session.get(StockLevel, (site.id, product.id))
    return _row(site, product, terms, level.on_hand if level else 0, _fair_vendors(site))


def site_rows(site, products: list[Product]) -> list[Row]:
    """The given products as this site has them, in the given order (two queries)."""
    ids = [p.id for p in products]
    terms = {
        t.product_id: t
        for t in db.session.scalars(
            select(SiteProduct).where(
                SiteProduct.site_id == site.id, SiteProduct.product_id.in_(ids)
            )
        )
    }
    stock = dict(
        db.session.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(
                StockLevel.site_id == site.id, StockLevel.product_id.in_(ids)
            )
        ).all()
    )
    fair = _fair_vendors(site)
    return [_row(site, p, terms.get(p.id), stock.get(p.id), fair) for p in products]


def fair_vendors(site) -> set[int] | None:
    """At a fair, the vendors taking part (what it offers); None at other sites."""
    return _fair_vendors(site)


def products_query(q: str = "", category_id: int | None = None, vendor_ids=None):
    """Active products for the availability page: by name, sku or barcode, one category, and
    (at a fair) only the given vendors' products."""
    query = (
        select(Product)
        .where(Product.active)
        .options(selectinload(Product.vendor), selectinload(Product.category))
        .order_by(Product.sort, Product.id)
    )
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Product.name.ilike(pattern, escape="\\"),
                Product.sku.ilike(pattern, escape="\\"),
                Product.barcode.like(pattern, escape="\\"),
            )
        )
    if category_id:
        query = query.where(Product.category_id == category_id)
    if vendor_ids is not None:
        query = query.where(Product.vendor_id.in_(vendor_ids))
    return query


def apply(site, product: Product, changes: dict) -> Row:
    """Apply ``changes`` (any of sold_out, hidden, price) at ``site``; flushes."""
    if "sold_out" in changes:
        site_terms.set_sold_out(site.id, product, bool(changes["sold_out"]))
    if "hidden" in changes:
        site_terms.set_hidden(site.id, product.id, bool(changes["hidden"]))
    if "price" in changes:
        site_terms.set_price(site.id, product.id, changes["price"])
    return row_for(site, product)


@endpoint(
    "/catalog/availability",
    "POST",
    body=AvailabilityIn,
    summary="Set a product's 품절-today, hidden or own price at a site (cashiers: 품절 only)",
    response=AvailabilityOut,
    responses={
        200: "changed; the product's terms at the site now",
        403: "a cashier changing more than 품절, or a site out of the caller's scope",
        404: "no such product or site",
        422: "invalid field, or nothing to change",
    },
)
@login_required
def post_availability(payload: AvailabilityIn):
    """One tap 품절 from the cashier screen and the fair board; price and hiding from the back
    office. Scoped to the caller's site unless ``site`` names another they may work on."""
    given = payload.model_fields_set - {"product_id", "site"}
    if not given:
        raise ApiError(422, "invalid", "바꿀 내용(품절, 숨김, 가격)이 없습니다", "sold_out")
    if (
        payload.sold_out is None
        and "sold_out" in given
        or (payload.hidden is None and "hidden" in given)
    ):
        field = "sold_out" if payload.sold_out is None and "sold_out" in given else "hidden"
        raise ApiError(422, "invalid", f"{FIELD_LABELS[field]}: 참 또는 거짓이어야 합니다", field)
    if current_user.role not in CATALOG_EDITORS and given - {"sold_out"}:
        raise ApiError(
            403,
            "forbidden",
            "계산원은 품절만 바꿀 수 있습니다",
            "price" if "price" in given else "hidden",
        )
    site = site_by_code(payload.site) if payload.site else current_site()
    product = db.session.get(Product, payload.product_id)
    if product is None:
        raise ApiError(404, "not_found", "상품을 찾을 수 없습니다", "product_id")
    row = apply(site, product, {name: getattr(payload, name) for name in given})
    db.session.commit()
    return jsonify(row.as_json(site.code))

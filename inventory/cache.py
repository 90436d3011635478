"""An in-memory copy of what checkout needs to price a sale, rebuilt when the catalog changes.

Every change to products, options, vendors or sites through the ORM writes a new random token
into ``catalog_state`` in the same transaction; checkout reads that one row and reuses its copy
while the token is unchanged. That keeps a sale to a handful of SQL statements, and it works
across several server processes sharing one database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pos.db import db
from pos.sites import SiteInfo  # noqa: F401  (re-exported for checkout)
from pos.versions import TokenCache, watch

from .models import Category, Option, OptionGroup, Product, SiteProduct, Vendor

watch(Product, Option, OptionGroup, Vendor, Category, SiteProduct)


@dataclass(frozen=True)
class OptionInfo:
    id: int
    group_id: int
    group_name: str
    group_sort: int
    name: str
    price_delta: int
    sort: int


@dataclass(frozen=True)
class GroupInfo:
    id: int
    name: str
    required: bool
    max_select: int
    options: dict[int, OptionInfo]


@dataclass(frozen=True)
class ProductInfo:
    id: int
    sku: str
    name: str
    price: int
    tax: str
    vendor_id: int
    track_stock: bool
    sold_out: bool
    active: bool
    groups: tuple[GroupInfo, ...]


@dataclass(frozen=True)
class VendorInfo:
    id: int
    name: str
    owner: str
    brn: str
    address: str
    phone: str


@dataclass
class PricingCatalog:
    token: str | None
    products: dict[int, ProductInfo] = field(default_factory=dict)
    vendors: dict[int, VendorInfo] = field(default_factory=dict)


def _build(token: str | None) -> PricingCatalog:
    cat = PricingCatalog(token=token)
    for v in db.session.scalars(select(Vendor)):
        cat.vendors[v.id] = VendorInfo(v.id, v.name, v.owner, v.brn, v.address, v.phone)
    products = db.session.scalars(
        select(Product).options(
            selectinload(Product.option_groups).selectinload(OptionGroup.options)
        )
    )
    for p in products:
        groups = tuple(
            GroupInfo(
                g.id,
                g.name,
                g.required,
                g.max_select,
                {
                    o.id: OptionInfo(o.id, g.id, g.name, g.sort, o.name, o.price_delta, o.sort)
                    for o in g.options
                    if o.active
                },
            )
            for g in p.option_groups
        )
        cat.products[p.id] = ProductInfo(
            p.id,
            p.sku,
            p.name,
            p.price,
            p.tax,
            p.vendor_id,
            p.track_stock,
            p.sold_out,
            p.active,
            groups,
        )
    return cat


_catalog = TokenCache("pricing_catalog", _build)


def pricing_catalog() -> PricingCatalog:
    """The current copy: one SELECT when nothing changed, a rebuild when something did."""
    return _catalog.get()

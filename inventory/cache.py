"""An in-memory copy of what checkout needs to price a sale, rebuilt when the catalog changes.

Every change to products, options, vendors or sites through the ORM writes a new random token
into ``catalog_state`` in the same transaction; checkout reads that one row and reuses its copy
while the token is unchanged. That keeps a sale to a handful of SQL statements, and it works
across several server processes sharing one database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pos.db import db
from pos.sites import SiteInfo  # noqa: F401  (re-exported for checkout)
from pos.versions import TokenCache, watch

from .fairs.models import FairVendor
from .models import Category, Option, OptionGroup, Product, SiteProduct, Vendor

watch(Product, Option, OptionGroup, Vendor, Category)
# a 품절 tap or a site's price rebuilds only the small copy of site terms
watch(SiteProduct, channel="terms")


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
    #: warn at or below this on-hand unless a site has its own threshold
    low_stock: int | None = None
    #: made to order: a bar ticket prints (café operations)
    made_to_order: bool = False
    #: 만원의 행복 campaign each unit sold owes a donation to
    campaign_id: int | None = None


@dataclass(frozen=True)
class VendorInfo:
    id: int
    name: str
    owner: str
    brn: str
    address: str
    phone: str


@dataclass(frozen=True)
class TermsInfo:
    """A product's terms at one site (``site_products``)."""

    price: int | None
    hidden: bool
    sold_out_on: date | None
    low_stock: int | None


@dataclass
class PricingCatalog:
    token: str | None
    products: dict[int, ProductInfo] = field(default_factory=dict)
    vendors: dict[int, VendorInfo] = field(default_factory=dict)
    #: fair site id → the vendors taking part (what the fair offers)
    fair_vendors: dict[int, frozenset[int]] = field(default_factory=dict)

    @property
    def terms(self) -> dict[tuple[int, int], TermsInfo]:
        """(site_id, product_id) → that site's own terms (a copy of its own token channel)."""
        return site_terms_copy()


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
            if g.active  # a switched-off group is neither offered nor required
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
            p.low_stock,
            p.made_to_order,
            p.campaign_id,
        )
    members: dict[int, set[int]] = {}
    for site_id, vendor_id in db.session.execute(select(FairVendor.site_id, FairVendor.vendor_id)):
        members.setdefault(site_id, set()).add(vendor_id)
    cat.fair_vendors = {k: frozenset(v) for k, v in members.items()}
    return cat


_catalog = TokenCache("pricing_catalog", _build)


def _build_terms(_token: str | None) -> dict[tuple[int, int], TermsInfo]:
    return {
        (t.site_id, t.product_id): TermsInfo(t.price, t.hidden, t.sold_out_on, t.low_stock)
        for t in db.session.scalars(select(SiteProduct))
    }


_terms = TokenCache("site_terms", _build_terms, channel="terms")


def site_terms_copy() -> dict[tuple[int, int], TermsInfo]:
    """Every site's own terms: one SELECT when nothing changed, a rebuild when one did."""
    return _terms.get()


def pricing_catalog() -> PricingCatalog:
    """The current copy: one SELECT when nothing changed, a rebuild when something did."""
    return _catalog.get()

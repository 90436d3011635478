"""An in-memory copy of what checkout needs to price a sale, rebuilt when the catalog changes.

Every change to products, options, vendors or sites through the ORM writes a new random token
into ``catalog_state`` in the same transaction; checkout reads that one row and reuses its copy
while the token is unchanged. That keeps a sale to a handful of SQL statements, and it works
across several server processes sharing one database.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

from sqlalchemy import String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, selectinload

from pos.db import db, dialect_insert

from .models import Category, Option, OptionGroup, Product, Site, Vendor

#: changes to these (through the ORM) give the catalog a new token; see ``watch``
_watched: set[type] = {Product, Option, OptionGroup, Vendor, Site, Category}


def watch(*models: type) -> None:
    """Let another package's cached tables (e.g. users) share the catalog token."""
    _watched.update(models)


class CatalogState(db.Model):
    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: random token, new on every catalog change (never repeats, even after a wipe)
    token: Mapped[str] = mapped_column(String(36))


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


@dataclass(frozen=True)
class SiteInfo:
    id: int
    code: str
    name: str
    kind: str
    vendor_id: int
    allow_negative_stock: bool
    active: bool


@dataclass
class PricingCatalog:
    token: str | None
    products: dict[int, ProductInfo] = field(default_factory=dict)
    vendors: dict[int, VendorInfo] = field(default_factory=dict)
    sites: dict[int, SiteInfo] = field(default_factory=dict)

    def site_by_code(self, code: str) -> SiteInfo | None:
        return next((s for s in self.sites.values() if s.code == code), None)

    def first_active_site(self) -> SiteInfo | None:
        return next((s for _, s in sorted(self.sites.items()) if s.active), None)


_cache: dict[str, PricingCatalog] = {}
_cache_lock = threading.Lock()


def _build(token: str | None) -> PricingCatalog:
    cat = PricingCatalog(token=token)
    for v in db.session.scalars(select(Vendor)):
        cat.vendors[v.id] = VendorInfo(v.id, v.name, v.owner, v.brn, v.address, v.phone)
    for s in db.session.scalars(select(Site)):
        cat.sites[s.id] = SiteInfo(
            s.id, s.code, s.name, s.kind, s.vendor_id, s.allow_negative_stock, s.active
        )
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


def current_token() -> str | None:
    """The catalog token, read once per request (``g``); None right after a wipe."""
    from flask import g, has_app_context

    if has_app_context() and "catalog_token" in g:
        return g.catalog_token
    token = db.session.execute(select(CatalogState.token).where(CatalogState.id == 1)).scalar()
    if has_app_context():
        g.catalog_token = token
    return token


def pricing_catalog() -> PricingCatalog:
    """The current copy: one SELECT when nothing changed, a rebuild when something did."""
    from flask import g, has_app_context

    if has_app_context() and "pricing_catalog" in g:
        return g.pricing_catalog
    token = current_token()
    key = str(db.engine.url)
    cached = _cache.get(key)
    if token is not None and cached is not None and cached.token == token:
        result = cached
    else:
        with _cache_lock:
            result = _build(token)
            if token is not None:
                _cache[key] = result
    if has_app_context():
        g.pricing_catalog = result
    return result


def _bump_on_catalog_change(session: Session, _ctx, _instances) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if not any(type(obj) in _watched for obj in changed):
        return
    from flask import g, has_app_context

    if has_app_context():
        g.pop("pricing_catalog", None)
        g.pop("catalog_token", None)
    token = str(uuid.uuid4())
    stmt = dialect_insert(CatalogState.__table__).values(id=1, token=token)
    session.connection().execute(
        stmt.on_conflict_do_update(index_elements=["id"], set_={"token": token})
    )


event.listen(Session, "before_flush", _bump_on_catalog_change)

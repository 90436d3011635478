"""``GET /api/sync/catalog?since=V`` (central only): what changed in the catalog, prices,
vendors and users after version V, for the site of the token that asks.

The version is read before the rows and the rows are cut at it: on PostgreSQL a catalog
writer holds the clock's row lock until it commits, so every change numbered V2 or less is
committed when V2 is visible, and the next pull (``since=V2``) picks up whatever came after.
Identity keys cross the wire (code, brn, username, uid), never local integer ids."""

from __future__ import annotations

import importlib
import re

from flask import Blueprint, g, jsonify, request
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from inventory.campaigns.models import Campaign
from inventory.models import Category, Option, OptionGroup, Product, SiteProduct, Vendor
from pos.api import ApiError, endpoint
from pos.auth.models import User
from pos.central.tokens import require_sync_token
from pos.db import db
from pos.sites import Site
from pos.versions import Tombstone, current_version

from .catalog_doc import CatalogDoc
from .fair_doc import fair_block

bp = Blueprint("sync_feed", __name__, url_prefix="/api")

_SINCE = re.compile(r"[0-9]{1,18}")


def init_app(app) -> None:
    if app.config.get("POS_ROLE") == "central":
        app.register_blueprint(bp)


def parse_since(raw: str | None) -> int:
    """``since`` is a version this site already has: missing means everything (0)."""
    if raw is None or raw == "":
        return 0
    if not _SINCE.fullmatch(raw):
        raise ApiError(
            400, "bad_since", "받은 버전 번호가 올바르지 않습니다 (0 이상의 정수)", field="since"
        )
    return int(raw)


@endpoint(
    "/sync/catalog",
    "GET",
    auth="bearer",
    blueprint=bp,
    response=CatalogDoc,
    summary="Catalog, prices, vendors and users changed after version since (central)",
    responses={
        200: "changes after since, up to version; since=0 is everything",
        400: "since is not a non-negative integer",
        401: "no sync token",
        403: "unknown or revoked sync token",
    },
)
@require_sync_token
def sync_catalog():
    since = parse_since(request.args.get("since"))
    doc = catalog_doc(g.sync_site, since)
    _touch_pull(g.sync_site.id)
    db.session.commit()
    return jsonify(doc)


def _touch_pull(site_id: int) -> None:
    """The ledger records the site's last pull (pos.central.ledger; skipped while absent)."""
    try:
        ledger = importlib.import_module("pos.central.ledger")
    except ModuleNotFoundError:
        return
    touch = getattr(ledger, "touch_pull", None)
    if touch is not None:
        touch(site_id)


def catalog_doc(site: Site, since: int) -> dict:
    """The pull document for ``site``: rows with since < version <= the version it names."""
    upto = current_version()
    if since > upto:
        since = 0  # the branch is ahead of central (central restored or reset): resend it all

    def changed(model):
        return select(model).where(model.version > since, model.version <= upto)

    vendors = {v.id: v for v in db.session.scalars(select(Vendor))}
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    campaigns = {c.id: c for c in db.session.scalars(select(Campaign))}
    sites = {s.id: s.code for s in db.session.scalars(select(Site))}
    products = list(
        db.session.scalars(
            changed(Product).options(selectinload(Product.option_groups)).order_by(Product.id)
        )
    )
    groups = db.session.scalars(
        changed(OptionGroup)
        .options(selectinload(OptionGroup.options))
        .order_by(OptionGroup.sort, OptionGroup.id)
    )
    own_site = site if since < site.version <= upto else None
    users = db.session.scalars(
        changed(User).where(or_(User.site_id == site.id, User.site_id.is_(None))).order_by(User.id)
    )
    doc = {
        "version": upto,
        "since": since,
        "site": _site(own_site, vendors) if own_site is not None else None,
        "vendors": [_vendor(v) for v in vendors.values() if since < v.version <= upto],
        "categories": [_category(c) for c in categories.values() if since < c.version <= upto],
        "campaigns": [_campaign(c) for c in campaigns.values() if since < c.version <= upto],
        "option_groups": [_group(grp) for grp in groups],
        "products": [_product(p, vendors, categories, campaigns) for p in products],
        "site_prices": _site_prices(site, since, upto),
        "users": [_user(u, sites) for u in users],
        "deleted": _deleted(site, since, upto),
        "fair": fair_block(site),
    }
    return doc


def _site(site: Site, vendors: dict[int, Vendor]) -> dict:
    return {
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "vendor_brn": vendors[site.vendor_id].brn,
        "address": site.address or "",
        "phone": site.phone or "",
        "allow_negative_stock": bool(site.allow_negative_stock),
        "active": bool(site.active),
        "receipt_header": site.receipt_header or "",
        "receipt_footer": site.receipt_footer or "",
        "discount_approval_pct": site.discount_approval_pct,
    }


def _vendor(v: Vendor) -> dict:
    return {
        "brn": v.brn,
        "name": v.name,
        "owner": v.owner,
        "address": v.address or "",
        "phone": v.phone or "",
        "tax_type": v.tax_type,
        "is_example": bool(v.is_example),
        "active": bool(v.active),
    }


def _category(c: Category) -> dict:
    return {"uid": c.uid, "name": c.name, "sort": c.sort or 0, "active": bool(c.active)}


def _campaign(c: Campaign) -> dict:
    return {"name": c.name, "unit": c.unit, "recipient": c.recipient or "", "active": c.active}


def _option(o: Option) -> dict:
    return {
        "uid": o.uid,
        "name": o.name,
        "price_delta": o.price_delta,
        "sort": o.sort or 0,
        "active": bool(o.active),
    }


def _group(grp: OptionGroup) -> dict:
    return {
        "uid": grp.uid,
        "name": grp.name,
        "required": bool(grp.required),
        "max_select": grp.max_select,
        "sort": grp.sort or 0,
        "active": bool(grp.active),
        "options": [_option(o) for o in grp.options],
    }


def _product(p: Product, vendors: dict, categories: dict, campaigns: dict) -> dict:
    category = categories.get(p.category_id)
    campaign = campaigns.get(p.campaign_id)
    return {
        "uid": p.uid,
        "sku": p.sku,
        "name": p.name,
        "barcode": p.barcode,
        "price": p.price,
        "tax": p.tax,
        "vendor_brn": vendors[p.vendor_id].brn,
        "category_uid": category.uid if category else None,
        "track_stock": bool(p.track_stock),
        "active": bool(p.active),
        "sort": p.sort or 0,
        "description": p.description or "",
        "low_stock": p.low_stock,
        "made_to_order": bool(p.made_to_order),
        "campaign": campaign.name if campaign else None,
        "option_group_uids": [grp.uid for grp in p.option_groups],
    }


def _site_prices(site: Site, since: int, upto: int) -> list[dict]:
    rows = db.session.execute(
        select(Product.uid, SiteProduct.price, SiteProduct.hidden)
        .join(Product, Product.id == SiteProduct.product_id)
        .where(
            SiteProduct.site_id == site.id,
            SiteProduct.version > since,
            SiteProduct.version <= upto,
        )
        .order_by(SiteProduct.product_id)
    )
    return [
        {"product_uid": uid, "price": price, "hidden": bool(hidden)} for uid, price, hidden in rows
    ]


def _user(u: User, sites: dict[int, str]) -> dict:
    return {
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "site": sites.get(u.site_id) if u.site_id is not None else None,
        "pin_hash": u.pin_hash,
        "password_hash": u.password_hash,
        "active": bool(u.active),
    }


def _deleted(site: Site, since: int, upto: int) -> list[dict]:
    """Tombstones after since (another site's prices left out), and, to a branch that may
    have them, users who moved to another site (it turns them off)."""
    rows = db.session.execute(
        select(Tombstone.kind, Tombstone.key)
        .where(Tombstone.version > since, Tombstone.version <= upto)
        .order_by(Tombstone.version, Tombstone.kind, Tombstone.key)
    )
    out = [
        {"kind": kind, "key": key}
        for kind, key in rows
        if kind != "site_price" or key.startswith(f"{site.code}:")
    ]
    if since > 0:
        moved = db.session.scalars(
            select(User.username).where(
                User.version > since,
                User.version <= upto,
                User.site_id.is_not(None),
                User.site_id != site.id,
            )
        )
        out.extend({"kind": "user_elsewhere", "key": name} for name in moved)
    return out

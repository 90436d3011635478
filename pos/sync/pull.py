"""The branch side of the catalog pull: apply central's document in the current transaction.

Rows are matched by identity key and updated in place, never deleted and made again: local
integer ids stay, so a cart in progress still names real products and old sales keep their
snapshots; a deletion on central turns the row off here. Everything goes through the ORM so
the catalog token changes and every process's caches rebuild. The document is checked whole
first: one that does not fit raises ``CatalogRejected`` and nothing is applied."""

from __future__ import annotations

from flask import current_app
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inventory.campaigns.models import Campaign
from inventory.models import Category, Option, OptionGroup, Product, SiteProduct, Vendor
from pos.auth.models import ROLES, User
from pos.db import db
from pos.sites import SITE_KINDS, Site

from .catalog_doc import PART_LABELS, CatalogDoc, ProductDoc
from .fair_doc import apply_fair, check_fair

COUNT_KINDS = (
    "vendors",
    "site",
    "categories",
    "campaigns",
    "option_groups",
    "options",
    "products",
    "site_prices",
    "users",
    "deleted",
    "fair",
)


class CatalogRejected(ValueError):
    """Central's document cannot be applied; the message says why, in Korean."""


def _refuse(message: str) -> CatalogRejected:
    return CatalogRejected(f"받은 카탈로그를 적용하지 않았습니다: {message}")


def parse(doc: dict) -> CatalogDoc:
    if not isinstance(doc, dict):
        raise _refuse("문서 형식이 아닙니다")
    try:
        return CatalogDoc.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]["loc"]
        part = PART_LABELS.get(str(first[0]), "문서") if first else "문서"
        raise _refuse(f"{part} 항목이 올바르지 않습니다") from None


def _by(model, column, keys) -> dict:
    keys = list(set(keys))
    if not keys:
        return {}
    rows = db.session.scalars(select(model).where(column.in_(keys)))
    return {getattr(row, column.key): row for row in rows}


def apply_catalog(doc: dict) -> dict:
    """Apply a pull document; flushes, the caller commits. Returns how many rows of each
    kind it wrote (``site`` is 1 when the site came along)."""
    parsed = parse(doc)
    code = current_app.config.get("POS_SITE")
    _check(parsed, code)
    counts = dict.fromkeys(COUNT_KINDS, 0)
    try:
        # a savepoint: a clash with rows made here (a sku another local product has) undoes
        # the whole document, not the caller's transaction
        with db.session.begin_nested():
            _apply(parsed, code, counts)
    except IntegrityError:
        raise _refuse(
            "이 지점에서 만든 자료와 겹치는 항목(상품코드, 바코드, 이름)이 있습니다"
        ) from None
    return counts


def _apply(parsed: CatalogDoc, code: str | None, counts: dict) -> None:
    counts["deleted"] = _apply_deleted(parsed, code)
    vendors = _apply_vendors(parsed, counts)
    site = _apply_site(parsed, code, vendors, counts)
    categories = _apply_categories(parsed, counts)
    campaigns = _apply_campaigns(parsed, counts)
    groups = _apply_groups(parsed, counts)
    products = _apply_products(parsed, vendors, categories, campaigns, groups, counts)
    if site is not None:
        _apply_site_prices(parsed, site, products, counts)
    _apply_users(parsed, site, counts)
    if parsed.fair is not None and site is not None and site.kind == "fair":
        counts["fair"] = apply_fair(parsed.fair, site, vendors)
    db.session.flush()


def _check(parsed: CatalogDoc, code: str | None) -> None:
    """Every reference names something in the document or already here; nothing written."""
    if parsed.site is not None:
        if code and parsed.site.code != code:
            raise _refuse(f"다른 매장({parsed.site.code})의 카탈로그입니다")
        if parsed.site.kind not in SITE_KINDS:
            raise _refuse("매장 종류가 올바르지 않습니다")
    elif code and _by(Site, Site.code, [code]) == {}:
        raise _refuse("이 매장의 정보가 없습니다")
    brns = {v.brn for v in parsed.vendors}
    wanted = {p.vendor_brn for p in parsed.products}
    if parsed.site is not None:
        wanted.add(parsed.site.vendor_brn)
    if wanted - brns - set(_by(Vendor, Vendor.brn, wanted - brns)):
        raise _refuse("모르는 공급자를 가리키는 상품이나 매장이 있습니다")
    _check_products(parsed)
    if parsed.fair is not None:
        try:
            check_fair(parsed.fair)
        except ValueError:
            raise _refuse("행사 날짜가 올바르지 않습니다") from None
        wanted = {v.brn for v in parsed.fair.vendors} - brns
        if wanted - set(_by(Vendor, Vendor.brn, wanted)):
            raise _refuse("모르는 공급자가 행사에 들어 있습니다")
    site_codes = {u.site for u in parsed.users if u.site is not None}
    if site_codes - {code, parsed.site.code if parsed.site else None}:
        raise _refuse("다른 매장의 사용자가 들어 있습니다")
    if any(u.role not in ROLES for u in parsed.users):
        raise _refuse("사용자 역할이 올바르지 않습니다")
    uids = {p.uid for p in parsed.products}
    missing = {sp.product_uid for sp in parsed.site_prices} - uids
    if missing - set(_by(Product, Product.uid, missing)):
        raise _refuse("모르는 상품의 매장 가격이 있습니다")


def _check_products(parsed: CatalogDoc) -> None:
    cats = {c.uid for c in parsed.categories}
    want = {p.category_uid for p in parsed.products if p.category_uid} - cats
    if want - set(_by(Category, Category.uid, want)):
        raise _refuse("모르는 분류를 가리키는 상품이 있습니다")
    groups = {g.uid for g in parsed.option_groups}
    want = {u for p in parsed.products for u in p.option_group_uids} - groups
    if want - set(_by(OptionGroup, OptionGroup.uid, want)):
        raise _refuse("모르는 옵션 그룹을 가리키는 상품이 있습니다")
    names = {c.name for c in parsed.campaigns}
    want = {p.campaign for p in parsed.products if p.campaign} - names
    if want - set(_by(Campaign, Campaign.name, want)):
        raise _refuse("모르는 캠페인을 가리키는 상품이 있습니다")
    if any(p.tax not in ("taxable", "exempt") for p in parsed.products):
        raise _refuse("상품의 과세 구분이 올바르지 않습니다")


_DEACTIVATE = {
    "vendor": (Vendor, Vendor.brn),
    "category": (Category, Category.uid),
    "option_group": (OptionGroup, OptionGroup.uid),
    "option": (Option, Option.uid),
    "product": (Product, Product.uid),
    "user": (User, User.username),
    "campaign": (Campaign, Campaign.name),
    "site": (Site, Site.code),
}


def _apply_deleted(parsed: CatalogDoc, code: str | None) -> int:
    """Deleted on central: turned off here (sales and moves may name it), never deleted."""
    done = 0
    own = _by(Site, Site.code, [code]).get(code) if code else None
    for item in parsed.deleted:
        if item.kind == "site_price":
            site_code, _, uid = item.key.partition(":")
            product = _by(Product, Product.uid, [uid]).get(uid)
            site = _by(Site, Site.code, [site_code]).get(site_code)
            row = db.session.get(SiteProduct, (site.id, product.id)) if site and product else None
            if row is not None:
                row.price, row.hidden = None, False
                done += 1
            continue
        if item.kind == "user_elsewhere":
            user = _by(User, User.username, [item.key]).get(item.key)
            if user is not None and own is not None and user.site_id == own.id:
                user.active = False
                done += 1
            continue
        model, column = _DEACTIVATE.get(item.kind, (None, None))
        row = _by(model, column, [item.key]).get(item.key) if model is not None else None
        if row is not None and row.active:
            row.active = False
            done += 1
    db.session.flush()
    return done


def _set(row, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _apply_vendors(parsed: CatalogDoc, counts: dict) -> dict[str, Vendor]:
    brns = {v.brn for v in parsed.vendors} | {p.vendor_brn for p in parsed.products}
    if parsed.site is not None:
        brns.add(parsed.site.vendor_brn)
    if parsed.fair is not None:
        brns |= {v.brn for v in parsed.fair.vendors}
    known = _by(Vendor, Vendor.brn, brns)
    for v in parsed.vendors:
        row = known.get(v.brn)
        if row is None:
            row = known[v.brn] = Vendor(brn=v.brn)
            db.session.add(row)
        counts["vendors"] += _set(row, v.model_dump(exclude={"brn"}))
    db.session.flush()
    return known


def _apply_site(parsed: CatalogDoc, code: str | None, vendors: dict, counts: dict) -> Site | None:
    doc = parsed.site
    code = doc.code if doc is not None else code
    if code is None:
        return None
    site = _by(Site, Site.code, [code]).get(code)
    if doc is None:
        return site
    if site is None:
        site = Site(code=doc.code)
        db.session.add(site)
    values = doc.model_dump(exclude={"code", "vendor_brn"})
    values["vendor_id"] = vendors[doc.vendor_brn].id
    counts["site"] += _set(site, values)
    db.session.flush()
    return site


def _adopt(model, uid_map: dict, uid: str, natural_col, natural):
    """The row with this uid, else a local row with the same natural key (made here before
    the branch synced), which takes central's uid; None when there is neither."""
    row = uid_map.get(uid)
    if row is None and natural is not None:
        row = db.session.execute(
            select(model).where(natural_col == natural, model.uid.not_in(list(uid_map) or [""]))
        ).scalar()
        if row is not None:
            row.uid = uid
    return row


def _apply_categories(parsed: CatalogDoc, counts: dict) -> dict[str, Category]:
    wanted = {c.uid for c in parsed.categories}
    wanted |= {p.category_uid for p in parsed.products if p.category_uid}
    known = _by(Category, Category.uid, wanted)
    for c in parsed.categories:
        row = _adopt(Category, known, c.uid, Category.name, c.name)
        if row is None:
            row = Category(uid=c.uid)
            db.session.add(row)
        known[c.uid] = row
        counts["categories"] += _set(row, c.model_dump(exclude={"uid"}))
    db.session.flush()
    return known


def _apply_campaigns(parsed: CatalogDoc, counts: dict) -> dict[str, Campaign]:
    wanted = {c.name for c in parsed.campaigns} | {p.campaign for p in parsed.products}
    known = _by(Campaign, Campaign.name, {n for n in wanted if n})
    for c in parsed.campaigns:
        row = known.get(c.name)
        if row is None:
            row = known[c.name] = Campaign(name=c.name)
            db.session.add(row)
        counts["campaigns"] += _set(row, c.model_dump(exclude={"name"}))
    db.session.flush()
    return known


def _apply_groups(parsed: CatalogDoc, counts: dict) -> dict[str, OptionGroup]:
    wanted = {g.uid for g in parsed.option_groups}
    wanted |= {u for p in parsed.products for u in p.option_group_uids}
    known = _by(OptionGroup, OptionGroup.uid, wanted)
    options = _by(Option, Option.uid, [o.uid for g in parsed.option_groups for o in g.options])
    for g in parsed.option_groups:
        row = _adopt(OptionGroup, known, g.uid, OptionGroup.name, g.name)
        if row is None:
            row = OptionGroup(uid=g.uid)
            db.session.add(row)
        known[g.uid] = row
        counts["option_groups"] += _set(row, g.model_dump(exclude={"uid", "options"}))
        db.session.flush()
        mine = {o.name: o for o in row.options if o.uid not in options}
        for o in g.options:
            option = options.get(o.uid) or mine.pop(o.name, None)
            if option is None:
                option = Option(uid=o.uid, group=row)
                db.session.add(option)
            values = o.model_dump()
            values["group_id"] = row.id
            counts["options"] += _set(option, values)
    db.session.flush()
    return known


def _product_values(p: ProductDoc, vendors, categories, campaigns) -> dict:
    values = p.model_dump(exclude={"vendor_brn", "category_uid", "campaign", "option_group_uids"})
    values["vendor_id"] = vendors[p.vendor_brn].id
    values["category_id"] = categories[p.category_uid].id if p.category_uid else None
    values["campaign_id"] = campaigns[p.campaign].id if p.campaign else None
    return values


def _apply_products(parsed, vendors, categories, campaigns, groups, counts) -> dict[str, Product]:
    uids = {p.uid for p in parsed.products} | {sp.product_uid for sp in parsed.site_prices}
    known = _by(Product, Product.uid, uids)
    barcodes = {p.barcode: p.uid for p in parsed.products if p.barcode}
    for other in _by(Product, Product.barcode, barcodes).values():
        if other.uid != barcodes[other.barcode]:
            other.barcode = None  # central gave this barcode to another product
    db.session.flush()
    for p in parsed.products:
        row = _adopt(Product, known, p.uid, Product.sku, p.sku)
        if row is None:
            row = Product(uid=p.uid, sold_out=False)
            db.session.add(row)
        known[p.uid] = row
        changed = _set(row, _product_values(p, vendors, categories, campaigns))
        links = [groups[u] for u in p.option_group_uids]
        if {g.uid for g in row.option_groups} != set(p.option_group_uids):
            row.option_groups = links
            changed = True
        counts["products"] += changed
    db.session.flush()
    return known


def _apply_site_prices(parsed: CatalogDoc, site: Site, products: dict, counts: dict) -> None:
    """Only price and hidden: the 품절 day and the low-stock threshold are the branch's own."""
    for sp in parsed.site_prices:
        product = products[sp.product_uid]
        row = db.session.get(SiteProduct, (site.id, product.id))
        if row is None:
            if sp.price is None and not sp.hidden:
                continue
            row = SiteProduct(site_id=site.id, product_id=product.id)
            db.session.add(row)
        counts["site_prices"] += _set(row, {"price": sp.price, "hidden": sp.hidden})
    db.session.flush()


def _apply_users(parsed: CatalogDoc, site: Site | None, counts: dict) -> None:
    """By username, with their hashes; a changed secret ends the user's sessions here too."""
    known = _by(User, User.username, [u.username for u in parsed.users])
    for u in parsed.users:
        row = known.get(u.username)
        if row is None:
            row = known[u.username] = User(username=u.username)
            db.session.add(row)
        secrets = (row.pin_hash, row.password_hash)
        values = u.model_dump(exclude={"username", "site"})
        values["site_id"] = site.id if u.site is not None and site is not None else None
        if _set(row, values):
            counts["users"] += 1
            if row.id is not None and secrets != (u.pin_hash, u.password_hash):
                row.end_sessions()
    db.session.flush()

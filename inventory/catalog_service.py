"""Back-office writes to the catalog: vendors, categories, option groups and products.

Every function checks what the database alone cannot say in Korean (a number taken by another
record, a vendor that does not exist), flushes and leaves the commit to the request. Nothing is
ever deleted: sales and stock moves name products and vendors for good, so a record that is no
longer wanted is deactivated (``set_active``) and can be brought back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from pos.db import db

from .models import Category, Option, OptionGroup, Product, Vendor


class Invalid(ValueError):
    """Field → Korean message; shown beside each field, nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


PAGE_SIZE = 50


@dataclass
class Page:
    items: list
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def paged(query: Select, page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, min(page, max(1, -(-(total or 0) // PAGE_SIZE))))
    items = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page(list(items), total or 0, page)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# vendors -------------------------------------------------------------------------------------


def search_vendors(q: str = "", *, show_inactive: bool = False, page: int = 1) -> Page:
    query = select(Vendor).order_by(Vendor.active.desc(), Vendor.name, Vendor.id)
    if q:
        digits = q.replace("-", "").strip()
        query = query.where(
            or_(
                Vendor.name.ilike(_like(q), escape="\\"),
                Vendor.owner.ilike(_like(q), escape="\\"),
                Vendor.brn.like(_like(digits), escape="\\"),
            )
        )
    if not show_inactive:
        query = query.where(Vendor.active)
    return paged(query, page)


def save_vendor(vendor: Vendor | None, **fields) -> Vendor:
    """Create (vendor None) or update a vendor; ``fields`` come from a checked form (brn is
    already the ten digits with a valid check digit)."""
    other = db.session.execute(select(Vendor).where(Vendor.brn == fields["brn"])).scalar()
    if other is not None and other is not vendor:
        raise Invalid({"brn": f"이미 등록된 사업자등록번호입니다 ({other.name})"})
    if vendor is None:
        vendor = Vendor(active=True)
        db.session.add(vendor)
    for key in ("name", "owner", "brn", "address", "phone", "tax_type"):
        setattr(vendor, key, fields[key])
    if "brn" in fields and vendor.is_example and other is None:
        vendor.is_example = False  # a number typed by a person is not the demo's example
    db.session.flush()
    return vendor


# categories ----------------------------------------------------------------------------------


def categories(*, show_inactive: bool = True) -> list[Category]:
    query = select(Category).order_by(Category.active.desc(), Category.sort, Category.name)
    if not show_inactive:
        query = query.where(Category.active)
    return list(db.session.scalars(query))


def save_category(category: Category | None, *, name: str, sort: int) -> Category:
    other = db.session.execute(select(Category).where(Category.name == name)).scalar()
    if other is not None and other is not category:
        raise Invalid({"name": "같은 이름의 분류가 이미 있습니다"})
    if category is None:
        category = Category(active=True)
        db.session.add(category)
    category.name, category.sort = name, sort
    db.session.flush()
    return category


def product_counts(column) -> dict[int, int]:
    """How many products each category or vendor has (``column`` is a Product column)."""
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


# option groups -------------------------------------------------------------------------------


def option_groups(*, show_inactive: bool = True) -> list[OptionGroup]:
    query = (
        select(OptionGroup)
        .options(selectinload(OptionGroup.options))
        .order_by(OptionGroup.active.desc(), OptionGroup.sort, OptionGroup.id)
    )
    if not show_inactive:
        query = query.where(OptionGroup.active)
    return list(db.session.scalars(query))


def save_option_group(
    group: OptionGroup | None,
    *,
    name: str,
    required: bool,
    max_select: int,
    sort: int,
    options: list[dict],
) -> OptionGroup:
    """``options``: [{id|None, name, price_delta, active}] in order; an option is never
    removed (past sales name it), only turned off."""
    if not any(o["active"] for o in options):
        raise Invalid({"options": "사용하는 옵션이 하나 이상 있어야 합니다"})
    names = [o["name"] for o in options if o["active"]]
    if len(set(names)) != len(names):
        raise Invalid({"options": "같은 이름의 옵션이 두 번 있습니다"})
    if group is None:
        group = OptionGroup(active=True)
        db.session.add(group)
    group.name, group.required, group.max_select, group.sort = name, required, max_select, sort
    mine = {o.id: o for o in group.options}
    for sort_no, data in enumerate(options):
        option = mine.get(data.get("id")) if data.get("id") else None
        if option is None:
            option = Option(group=group)
            db.session.add(option)
        option.name, option.price_delta = data["name"], data["price_delta"]
        option.active, option.sort = data["active"], sort_no
    db.session.flush()
    return group


# products ------------------------------------------------------------------------------------


def search_products(
    q: str = "",
    *,
    category_id: int | None = None,
    vendor_id: int | None = None,
    show_inactive: bool = False,
    page: int = 1,
) -> Page:
    """By name, sku or barcode (part of any), optionally in one category or of one vendor."""
    query = (
        select(Product)
        .options(selectinload(Product.vendor), selectinload(Product.category))
        .order_by(Product.active.desc(), Product.sort, Product.id)
    )
    if q:
        pattern = _like(q.strip())
        query = query.where(
            or_(
                Product.name.ilike(pattern, escape="\\"),
                Product.sku.ilike(pattern, escape="\\"),
                Product.barcode.like(pattern, escape="\\"),
            )
        )
    if category_id:
        query = query.where(Product.category_id == category_id)
    if vendor_id:
        query = query.where(Product.vendor_id == vendor_id)
    if not show_inactive:
        query = query.where(Product.active)
    return paged(query, page)


def product_conflicts(product: Product | None, sku: str, barcode: str) -> dict[str, str]:
    """A sku or barcode another product already has (also asked while other fields of the
    form are still wrong, so every message shows at once)."""
    errors: dict[str, str] = {}
    if sku:
        other = db.session.execute(select(Product).where(Product.sku == sku)).scalar()
        if other is not None and other is not product:
            errors["sku"] = f"다른 상품({other.name})이 이미 쓰는 상품코드입니다"
    if barcode:
        other = db.session.execute(select(Product).where(Product.barcode == barcode)).scalar()
        if other is not None and other is not product:
            errors["barcode"] = f"다른 상품({other.name})이 이미 쓰는 바코드입니다"
    return errors


def save_product(product: Product | None, **fields) -> Product:
    """Create or update a product. ``fields``: sku, name, category_id, vendor_id, price, tax,
    barcode, track_stock, low_stock, sort, description, option_group_ids."""
    errors = product_conflicts(product, fields["sku"], fields.get("barcode") or "")
    vendor = db.session.get(Vendor, fields["vendor_id"]) if fields.get("vendor_id") else None
    if vendor is None:
        errors["vendor_id"] = "공급자를 고르세요"
    elif not vendor.active and (product is None or product.vendor_id != vendor.id):
        errors["vendor_id"] = "사용하지 않는 공급자입니다"
    if fields.get("category_id") and db.session.get(Category, fields["category_id"]) is None:
        errors["category_id"] = "없는 분류입니다"
    ids = fields.get("option_group_ids") or []
    groups = list(db.session.scalars(select(OptionGroup).where(OptionGroup.id.in_(ids))))
    if len(groups) != len(set(ids)):
        errors["option_group_ids"] = "없는 옵션 그룹이 있습니다"
    if errors:
        raise Invalid(errors)
    if product is None:
        product = Product(active=True, sold_out=False)
        db.session.add(product)
    for key in ("sku", "name", "category_id", "vendor_id", "price", "tax", "track_stock"):
        setattr(product, key, fields[key])
    product.barcode = fields.get("barcode") or None
    product.low_stock = fields.get("low_stock")
    product.sort = fields.get("sort") or 0
    product.description = fields.get("description") or ""
    product.option_groups = sorted(groups, key=lambda g: (g.sort, g.id))
    db.session.flush()
    return product


def set_active(record: Vendor | Category | OptionGroup | Product, active: bool) -> None:
    """Deactivate (never delete: sales and moves name it) or bring back a record."""
    record.active = active
    db.session.flush()

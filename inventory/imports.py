"""CSV/XLSX import of vendors and products (DESIGN §5): every row is checked first, and a file
with any error imports nothing. Usable from the CLI and from an upload view alike: give a path,
bytes or an open file (with its filename), catch ImportFailed and show its row errors.
"""

from __future__ import annotations

from sqlalchemy import func, select

from pos.db import db

from .imports_read import Column, ImportFailed, RowError, Sheet, read_sheet
from .models import Category, Product, StockLevel, Vendor
from .stock import move_stock
from .vendors import InvalidBrn, InvalidTaxType, normalize_brn, parse_tax_type

__all__ = ["ImportFailed", "RowError", "import_file", "COLUMNS"]

VENDOR_COLUMNS = (
    Column("name", "상호", 120, required=True),
    Column("owner", "대표자", 60, required=True),
    Column("brn", "사업자등록번호", 20, code=True, required=True),
    Column("address", "주소", 200),
    Column("phone", "전화", 40, code=True),
    Column("tax_type", "과세유형", 20),
)
PRODUCT_COLUMNS = (
    Column("sku", "상품코드", 40, code=True, required=True),
    Column("name", "상품명", 120, required=True),
    Column("category", "분류", 60),
    Column("price", "가격", 20, code=True, required=True),
    Column("tax", "과세구분", 10, required=True),
    Column("vendor_brn", "공급자사업자번호", 20, code=True, required=True),
    Column("barcode", "바코드", 40, code=True),
    Column("track_stock", "재고관리", 10),
    Column("stock", "재고", 20, code=True),
)
COLUMNS = {"vendors": VENDOR_COLUMNS, "products": PRODUCT_COLUMNS}

TAX_WORDS = {"과세": "taxable", "taxable": "taxable", "면세": "exempt", "exempt": "exempt"}
TRUE_WORDS = {"1", "y", "yes", "true", "o", "예", "사용", "관리"}
FALSE_WORDS = {"", "0", "n", "no", "false", "x", "아니오", "아니요", "미사용", "안함"}

MAX_PRICE = 100_000_000
MAX_STOCK = 1_000_000


def _int(value: str) -> int:
    cleaned = value.replace(",", "").replace("원", "").replace(" ", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.lstrip("-").isascii():
        raise ValueError(value)
    return int(cleaned)


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    raise ValueError(value)


def import_file(
    kind: str, source, stock_site=None, *, filename: str | None = None, check_only: bool = False
) -> int:
    """Import vendors or products from ``source`` (a path, bytes or a binary file; pass
    ``filename`` with bytes so .xlsx is told from CSV). Products' ``stock`` column is the on-hand
    to have at ``stock_site``. Flushes only: the caller commits, or rolls back on ImportFailed.
    ``check_only`` checks every row and writes nothing (the upload's preview: no write lock).
    """
    if kind not in COLUMNS:
        raise ValueError(f"unknown import kind {kind!r}")
    sheet = read_sheet(source, COLUMNS[kind], filename)
    if kind == "vendors":
        return import_vendors(sheet, check_only=check_only)
    return import_products(sheet, stock_site=stock_site, check_only=check_only)


def _missing(sheet: Sheet, n: int, row: dict[str, str], names, errors: list[RowError]) -> bool:
    """Report each required value left empty; True when any was."""
    empty = [name for name in names if not row.get(name)]
    for name in empty:
        errors.append(RowError(n, sheet.label(name), "비울 수 없습니다"))
    return bool(empty)


def _refuse(errors: list[RowError]) -> None:
    """Raise with one message per cell: the first found (a refused cell, e.g. a formula, is
    not also reported as empty)."""
    if errors:
        first: dict[tuple, RowError] = {}
        for e in errors:
            first.setdefault((e.row, e.column) if e.column else (e.row, e.message), e)
        raise ImportFailed(sorted(first.values(), key=lambda e: e.row or 0))


def import_vendors(sheet: Sheet, *, check_only: bool = False) -> int:
    errors = list(sheet.errors)
    seen: dict[str, int] = {}
    parsed = []
    for n, row in sheet.rows:
        _missing(sheet, n, row, ("name", "owner"), errors)
        try:
            brn = normalize_brn(row["brn"])
        except InvalidBrn as exc:
            errors.append(RowError(n, sheet.label("brn"), str(exc)))
            continue
        if brn in seen:
            errors.append(RowError(n, sheet.label("brn"), f"{seen[brn]}행과 같은 번호입니다"))
        seen.setdefault(brn, n)
        try:
            tax_type = parse_tax_type(row["tax_type"] or "general")
        except InvalidTaxType as exc:
            errors.append(RowError(n, sheet.label("tax_type"), str(exc)))
            tax_type = None
        parsed.append((brn, row, tax_type))
    _refuse(errors)
    if check_only:
        return len(parsed)
    for brn, row, tax_type in parsed:
        vendor = db.session.execute(select(Vendor).where(Vendor.brn == brn)).scalar_one_or_none()
        if vendor is None:
            vendor = Vendor(brn=brn)
            db.session.add(vendor)
        vendor.name = row["name"]
        vendor.owner = row["owner"]
        vendor.address = row["address"]
        vendor.phone = row["phone"]
        vendor.tax_type = tax_type
    db.session.flush()
    return len(parsed)


def import_products(sheet: Sheet, stock_site=None, *, check_only: bool = False) -> int:
    errors = list(sheet.errors)
    seen: dict[str, int] = {}
    parsed = []
    vendors = {v.brn: v for v in db.session.scalars(select(Vendor))}
    # barcodes already taken by other products (a barcode names exactly one product)
    taken = {b: sku for sku, b in db.session.execute(select(Product.sku, Product.barcode)) if b}
    barcodes: set[str] = set()
    label = sheet.label
    for n, row in sheet.rows:
        sku = row["sku"]
        _missing(sheet, n, row, ("sku", "name"), errors)
        if sku and sku in seen:
            errors.append(RowError(n, label("sku"), f"{seen[sku]}행과 같은 상품코드입니다"))
        seen.setdefault(sku, n)
        barcode = row["barcode"]
        if barcode:
            if barcode in barcodes or taken.get(barcode, sku) != sku:
                errors.append(RowError(n, label("barcode"), "다른 상품이 이미 쓰는 바코드입니다"))
            barcodes.add(barcode)
        price = 0
        if not _missing(sheet, n, row, ("price",), errors):
            try:
                price = _int(row["price"])
                if not 0 <= price <= MAX_PRICE:
                    raise ValueError
            except ValueError:
                errors.append(RowError(n, label("price"), "0 이상의 정수(원)여야 합니다"))
        tax = TAX_WORDS.get(row["tax"].lower())
        if tax is None:
            errors.append(RowError(n, label("tax"), "과세 또는 면세여야 합니다"))
        vendor = None
        try:
            vendor = vendors.get(normalize_brn(row["vendor_brn"]))
            if vendor is None:
                errors.append(RowError(n, label("vendor_brn"), "등록되지 않은 공급자입니다"))
        except InvalidBrn as exc:
            errors.append(RowError(n, label("vendor_brn"), str(exc)))
        try:
            track = _bool(row["track_stock"])
        except ValueError:
            errors.append(RowError(n, label("track_stock"), "예/아니오로 적으세요"))
            track = False
        stock = None
        if row["stock"]:
            try:
                stock = _int(row["stock"])
                if not 0 <= stock <= MAX_STOCK:
                    raise ValueError
            except ValueError:
                errors.append(RowError(n, label("stock"), "0 이상의 정수여야 합니다"))
        parsed.append((row, price, tax, vendor, track, stock))
    _refuse(errors)
    if check_only:
        return len(parsed)
    return _write_products(parsed, stock_site)


def _write_products(parsed: list, stock_site) -> int:
    """Create or update the checked rows: one query each for the categories, products and
    on-hand already there, one flush for all, then the stock moves (5,000 rows in seconds)."""
    categories = {c.name: c for c in db.session.scalars(select(Category))}
    skus = [row["sku"] for row, *_ in parsed]
    products: dict[str, Product] = {}
    for start in range(0, len(skus), 500):  # IN lists of a bounded size for both databases
        chunk = skus[start : start + 500]
        products.update(
            (p.sku, p) for p in db.session.scalars(select(Product).where(Product.sku.in_(chunk)))
        )
    next_sort = (db.session.scalar(select(func.max(Product.sort))) or 0) + 1
    for row, price, tax, vendor, track, _stock in parsed:
        category = None
        if row["category"]:
            category = categories.get(row["category"])
            if category is None:
                category = categories[row["category"]] = Category(name=row["category"])
                db.session.add(category)
        product = products.get(row["sku"])
        if product is None:
            # new products go after the menu there is, in the file's order
            product = products[row["sku"]] = Product(sku=row["sku"], sort=next_sort)
            next_sort += 1
            db.session.add(product)
        product.name = row["name"]
        product.price = price
        product.tax = tax
        product.vendor_id = vendor.id
        product.barcode = row["barcode"] or None
        product.track_stock = track
        product.category = category
    db.session.flush()
    if stock_site is not None:
        wanted = [(products[row["sku"]], stock) for row, *_, track, stock in parsed if track]
        wanted = [(product, stock) for product, stock in wanted if stock is not None]
        levels = dict(
            db.session.execute(
                select(StockLevel.product_id, StockLevel.on_hand).where(
                    StockLevel.site_id == stock_site.id
                )
            ).all()
        )
        for product, stock in wanted:
            # ``stock`` is the on-hand to have, so importing the same file twice changes nothing
            change = stock - levels.get(product.id, 0)
            if change:
                move_stock(stock_site, product, change, "count", ref="import", note="가져오기")
    return len(parsed)

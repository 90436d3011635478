"""CSV/XLSX import of vendors and products (DESIGN §5): every row is checked first, and a file
with any error imports nothing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from pos.db import db

from .models import Category, Product, Vendor
from .stock import move_stock, on_hand
from .vendors import TAX_TYPES, InvalidBrn, normalize_brn

HEADER_ALIASES = {
    "상호": "name",
    "대표자": "owner",
    "사업자등록번호": "brn",
    "주소": "address",
    "전화": "phone",
    "과세유형": "tax_type",
    "상품코드": "sku",
    "상품명": "name",
    "분류": "category",
    "가격": "price",
    "과세구분": "tax",
    "공급자사업자번호": "vendor_brn",
    "바코드": "barcode",
    "재고관리": "track_stock",
    "재고": "stock",
}
REQUIRED = {
    "vendors": ("name", "owner", "brn"),
    "products": ("sku", "name", "price", "tax", "vendor_brn"),
}
TAX_WORDS = {"과세": "taxable", "taxable": "taxable", "면세": "exempt", "exempt": "exempt"}
TAX_TYPE_WORDS = {**{k: k for k in TAX_TYPES}, **{v: k for k, v in TAX_TYPES.items()}}
TRUE_WORDS = {"1", "y", "yes", "true", "o", "예", "사용", "관리"}
FALSE_WORDS = {"", "0", "n", "no", "false", "x", "아니오", "미사용", "안함"}


MAX_PRICE = 100_000_000
MAX_STOCK = 1_000_000


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def read_rows(path: str) -> list[dict[str, str]]:
    """Rows as dicts keyed by canonical column names; accepts Korean headers and Excel files."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(p, read_only=True, data_only=True)
        sheet = wb.active
        raw = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        wb.close()
    else:
        text = p.read_bytes()
        for enc in ("utf-8-sig", "cp949"):
            try:
                decoded = text.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFailed(["파일 인코딩을 알 수 없습니다 (UTF-8 또는 CP949로 저장하세요)"])
        raw = list(csv.reader(io.StringIO(decoded)))
    if not raw:
        raise ImportFailed(["빈 파일입니다"])
    header = [HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in raw[0]]
    rows = []
    for values in raw[1:]:
        if not any(v.strip() for v in values):
            continue
        rows.append(
            {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        )
    return rows


def _int(value: str) -> int:
    cleaned = value.replace(",", "").replace("원", "").strip()
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    return int(cleaned)


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    raise ValueError(value)


def import_file(kind: str, path: str, stock_site=None) -> int:
    """Import a file; products' ``stock`` column is received at ``stock_site``."""
    rows = read_rows(path)
    missing = [c for c in REQUIRED[kind] if rows and c not in rows[0]]
    if missing:
        raise ImportFailed([f"필수 열이 없습니다: {', '.join(missing)}"])
    if kind == "vendors":
        return import_vendors(rows)
    return import_products(rows, stock_site=stock_site)


def import_vendors(rows: list[dict[str, str]]) -> int:
    errors: list[str] = []
    seen: set[str] = set()
    parsed = []
    for n, row in enumerate(rows, start=2):
        try:
            brn = normalize_brn(row.get("brn", ""))
        except InvalidBrn as exc:
            errors.append(f"{n}행 brn: {exc}")
            continue
        if brn in seen:
            errors.append(f"{n}행 brn: 파일 안에서 중복입니다")
        seen.add(brn)
        if not row.get("name") or not row.get("owner"):
            errors.append(f"{n}행: 상호와 대표자는 비울 수 없습니다")
        tax_type = TAX_TYPE_WORDS.get(row.get("tax_type") or "general")
        if tax_type is None:
            errors.append(f"{n}행 tax_type: general, simplified, exempt 중 하나여야 합니다")
        parsed.append((brn, row, tax_type))
    if errors:
        raise ImportFailed(errors)
    for brn, row, tax_type in parsed:
        vendor = db.session.execute(select(Vendor).where(Vendor.brn == brn)).scalar_one_or_none()
        if vendor is None:
            vendor = Vendor(brn=brn)
            db.session.add(vendor)
        vendor.name = row["name"]
        vendor.owner = row["owner"]
        vendor.address = row.get("address", "")
        vendor.phone = row.get("phone", "")
        vendor.tax_type = tax_type
    db.session.flush()
    return len(parsed)


def import_products(rows: list[dict[str, str]], stock_site=None) -> int:
    errors: list[str] = []
    seen: set[str] = set()
    parsed = []
    vendors = {v.brn: v for v in db.session.scalars(select(Vendor))}
    # barcodes already taken by other products (a barcode names exactly one product)
    taken = {b: sku for sku, b in db.session.execute(select(Product.sku, Product.barcode)) if b}
    barcodes: set[str] = set()
    for n, row in enumerate(rows, start=2):
        sku = row.get("sku", "")
        if not sku or not row.get("name"):
            errors.append(f"{n}행: 상품코드와 상품명은 비울 수 없습니다")
        if sku in seen:
            errors.append(f"{n}행 sku: 파일 안에서 중복입니다")
        seen.add(sku)
        for column, limit in (("sku", 40), ("name", 120), ("barcode", 40), ("category", 60)):
            if len(row.get(column, "")) > limit:
                errors.append(f"{n}행 {column}: {limit}자를 넘을 수 없습니다")
        barcode = row.get("barcode", "")
        if barcode:
            if barcode in barcodes or taken.get(barcode, sku) != sku:
                errors.append(f"{n}행 barcode: 다른 상품이 이미 쓰는 바코드입니다")
            barcodes.add(barcode)
        try:
            price = _int(row.get("price", ""))
            if not 0 <= price <= MAX_PRICE:
                raise ValueError
        except ValueError:
            errors.append(f"{n}행 price: 0 이상의 정수(원)여야 합니다")
            price = 0
        tax = TAX_WORDS.get(row.get("tax", "").strip().lower())
        if tax is None:
            errors.append(f"{n}행 tax: 과세 또는 면세여야 합니다")
        vendor = None
        try:
            vendor = vendors.get(normalize_brn(row.get("vendor_brn", "")))
            if vendor is None:
                errors.append(f"{n}행 vendor_brn: 등록되지 않은 공급자입니다")
        except InvalidBrn as exc:
            errors.append(f"{n}행 vendor_brn: {exc}")
        try:
            track = _bool(row.get("track_stock", ""))
        except ValueError:
            errors.append(f"{n}행 track_stock: 예/아니오로 적으세요")
            track = False
        stock = None
        if row.get("stock"):
            try:
                stock = _int(row["stock"])
                if not 0 <= stock <= MAX_STOCK:
                    raise ValueError
            except ValueError:
                errors.append(f"{n}행 stock: 0 이상의 정수여야 합니다")
        parsed.append((row, price, tax, vendor, track, stock))
    if errors:
        raise ImportFailed(errors)
    count = 0
    for row, price, tax, vendor, track, stock in parsed:
        category = None
        if row.get("category"):
            category = db.session.execute(
                select(Category).where(Category.name == row["category"])
            ).scalar_one_or_none() or Category(name=row["category"])
            db.session.add(category)
        product = db.session.execute(
            select(Product).where(Product.sku == row["sku"])
        ).scalar_one_or_none()
        if product is None:
            product = Product(sku=row["sku"])
            db.session.add(product)
        product.name = row["name"]
        product.price = price
        product.tax = tax
        product.vendor_id = vendor.id
        product.barcode = row.get("barcode") or None
        product.track_stock = track
        product.category = category
        db.session.flush()
        if stock_site is not None and track and stock is not None:
            # ``stock`` is the on-hand to have, so importing the same file twice changes nothing
            change = stock - on_hand(stock_site.id, product.id)
            if change:
                move_stock(stock_site, product, change, "count", ref="import", note="가져오기")
        count += 1
    return count

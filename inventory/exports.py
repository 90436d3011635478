"""XLSX exports of the catalog (with one site's price and availability) and of stock by site.

Written with openpyxl's write-only workbook, so 5,000 products stay a few MB of memory. Money is
a plain integer cell with a won number format, never text, so the sheet can be summed.
"""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pos.db import db

from .availability import site_rows
from .imports_read import IMPORT_SHEET
from .models import Product, StockLevel
from .site_terms import SEOUL
from .vendors import format_brn

WON_FORMAT = '#,##0"원"'
TAX_LABELS = {"taxable": "과세", "exempt": "면세"}


def _header(sheet, titles: list[str]) -> list:
    bold = Font(bold=True)
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    return cells


def _won(sheet, value: int | None):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = WON_FORMAT
    return cell


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stamp() -> str:
    return datetime.now(SEOUL).strftime("%Y%m%d-%H%M")


def products_xlsx(site, *, include_inactive: bool = True) -> bytes:
    """Every product with its price and availability at ``site`` (one sheet)."""
    query = (
        select(Product)
        .options(selectinload(Product.vendor), selectinload(Product.category))
        .order_by(Product.active.desc(), Product.sort, Product.id)
    )
    if not include_inactive:
        query = query.where(Product.active)
    products = list(db.session.scalars(query))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("상품")
    sheet.append([f"{site.name} ({site.code}) 상품 · {datetime.now(SEOUL):%Y-%m-%d %H:%M} 기준"])
    sheet.append(
        _header(
            sheet,
            [
                "상품코드",
                "상품명",
                "분류",
                "공급자",
                "공급자사업자번호",
                "과세구분",
                "바코드",
                "기본 가격",
                "매장 가격",
                "판매 가격",
                "숨김",
                "품절(오늘)",
                "재고관리",
                "재고",
                "사용",
            ],
        )
    )
    for row in site_rows(site, products):
        p = row.product
        sheet.append(
            [
                p.sku,
                p.name,
                p.category.name if p.category else "",
                p.vendor.name,
                format_brn(p.vendor.brn),
                TAX_LABELS.get(p.tax, p.tax),
                p.barcode or "",
                _won(sheet, p.price),
                _won(sheet, row.own_price),
                _won(sheet, row.price),
                "숨김" if row.hidden else "",
                "품절" if row.sold_out else "",
                "예" if p.track_stock else "아니오",
                row.on_hand,
                "사용" if p.active else "사용 중지",
            ]
        )
    _import_sheet(workbook, products)
    return _save(workbook)


def _import_sheet(workbook: Workbook, products: list[Product]) -> None:
    """The same products in the columns ``pos import products`` reads, so an exported file can
    be edited and uploaded again. No 재고 column: re-importing must never reset stock that was
    sold since the export (stock changes through 입고 and 재고실사)."""
    sheet = workbook.create_sheet(IMPORT_SHEET)
    titles = [
        "상품코드",
        "상품명",
        "분류",
        "가격",
        "과세구분",
        "공급자사업자번호",
        "바코드",
        "재고관리",
    ]
    sheet.append(_header(sheet, titles))
    for p in products:
        if not p.active:
            continue  # an import cannot switch a product off; leave those out
        sheet.append(
            [
                p.sku,
                p.name,
                p.category.name if p.category else "",
                p.price,
                TAX_LABELS.get(p.tax, p.tax),
                format_brn(p.vendor.brn),
                p.barcode or "",
                "예" if p.track_stock else "아니오",
            ]
        )


def stock_xlsx(sites) -> bytes:
    """On-hand of every stock-tracked product at each of ``sites`` (a column per site) and a
    long sheet (site, product, on-hand) for pivot tables."""
    sites = list(sites)
    products = list(
        db.session.scalars(
            select(Product)
            .where(Product.track_stock)
            .options(selectinload(Product.vendor), selectinload(Product.category))
            .order_by(Product.sort, Product.id)
        )
    )
    ids = [s.id for s in sites]
    levels = {
        (site_id, product_id): qty
        for site_id, product_id, qty in db.session.execute(
            select(StockLevel.site_id, StockLevel.product_id, StockLevel.on_hand).where(
                StockLevel.site_id.in_(ids)
            )
        )
    }
    workbook = Workbook(write_only=True)
    wide = workbook.create_sheet("매장별 재고")
    wide.append([f"매장별 재고 · {datetime.now(SEOUL):%Y-%m-%d %H:%M} 기준"])
    wide.append(
        _header(wide, ["상품코드", "상품명", "분류", "공급자", *[s.name for s in sites], "합계"])
    )
    for p in products:
        counts = [levels.get((s.id, p.id), 0) for s in sites]
        category = p.category.name if p.category else ""
        wide.append([p.sku, p.name, category, p.vendor.name, *counts, sum(counts)])
    long = workbook.create_sheet("목록")
    long.append(_header(long, ["매장코드", "매장", "상품코드", "상품명", "재고"]))
    for s in sites:
        for p in products:
            long.append([s.code, s.name, p.sku, p.name, levels.get((s.id, p.id), 0)])
    return _save(workbook)

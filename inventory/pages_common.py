"""What every stock page shares: who may do what, which site, and reading a form's lines."""

from __future__ import annotations

import uuid

from flask import request

from pos import money
from pos.db import db
from pos.scope import BACK_OFFICE, site_by_code, working_site
from pos.sites import SiteInfo

from .models import Product
from .pages import bp
from .pages_data import seoul
from .stock import on_hand
from .stock_service import StockInputError, parse_qty

#: cashiers see stock and book what arrives or is thrown away, like the stock API lets them
VIEWERS = ("cashier", *BACK_OFFICE)
BOOKERS = VIEWERS
#: counts, transfers, thresholds and labels change the books or the shelves
SUPERVISORS = BACK_OFFICE


@bp.context_processor
def _helpers() -> dict:
    return {"won": money.won, "num": money.num, "seoul": seoul}


def page_site() -> SiteInfo:
    """``?site=CODE`` when given (checked against the user's scope), else the working site."""
    code = request.args.get("site", "").strip()
    return site_by_code(code) if code else working_site()


def form_id(name: str = "batch_id") -> str:
    """The form's hidden UUID (made when the form was shown), or a new one if it is missing
    or not a UUID (then a double submit cannot be recognised, but nothing is lost)."""
    raw = request.form.get(name, "")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return str(uuid.uuid4())


class LineRow(dict):
    """One line of a line form as the template shows it again: product, typed qty, error."""


def read_lines(
    site_id: int, *, allow_zero: bool = False, tracked: bool = True, info=None
) -> tuple[list[LineRow], list]:
    """The form's ``product_id``/``qty`` pairs: rows to show again (each with its own Korean
    error) and the parsed (product_id, qty) pairs. A row with an error is not parsed."""
    ids = request.form.getlist("product_id")
    qtys = request.form.getlist("qty")
    rows: list[LineRow] = []
    parsed = []
    for i, raw_id in enumerate(ids):
        text = qtys[i] if i < len(qtys) else ""
        if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 9:
            continue
        product = db.session.get(Product, int(raw_id))
        if product is None:
            continue
        row = LineRow(
            id=product.id,
            name=product.name,
            sku=product.sku,
            barcode=product.barcode or "",
            info=info(product) if info else f"{on_hand(site_id, product.id):,}",
            qty=text,
            error="",
        )
        if (tracked and not product.track_stock) or not product.active:
            row["error"] = "재고를 관리하지 않는 상품입니다"
        else:
            try:
                parsed.append((product.id, parse_qty(text, allow_zero=allow_zero)))
            except StockInputError as exc:
                row["error"] = exc.message
        rows.append(row)
    return rows, parsed


def mark_error(rows: list[LineRow], exc: StockInputError) -> bool:
    """Put a service error beside its line; False when it is about no line."""
    for row in rows:
        if exc.product_id is not None and row["id"] == exc.product_id:
            row["error"] = exc.message
            return True
    return False

"""Labels for shelves and products: which products, how many of each, at this site's price, sent
straight to the site's receipt printer (``Site.printer_url``, else ``PRINTER_URL``).

Labels are not kept in the print queue: the person stands by the printer, so a printer that is
missing or does not answer is told to them at once, in Korean, and they print again.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

import printers
from pos.db import db
from printers.labels import LabelDocument, render_labels

from .models import Product, SiteProduct

#: one job stays short enough for a roll of paper and a person waiting by the printer
MAX_LABELS = 200

NO_PRINTER = (
    "이 매장에는 영수증 프린터가 설정되어 있지 않습니다. 매장 설정에서 프린터 주소를 넣어 주세요."
)


class LabelError(Exception):
    """Nothing was printed; ``message`` says why in Korean."""

    def __init__(self, message: str, *, field: str | None = None, product_id: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.product_id = product_id


@dataclass(frozen=True)
class Printed:
    labels: int
    products: int
    confirmed: bool


def site_prices(site_id: int) -> dict[int, int]:
    """This site's own prices by product id (products without one sell at their price)."""
    rows = db.session.execute(
        select(SiteProduct.product_id, SiteProduct.price).where(
            SiteProduct.site_id == site_id, SiteProduct.price.is_not(None)
        )
    )
    return {pid: price for pid, price in rows}


def site_price(site_id: int, product: Product) -> int:
    terms = db.session.get(SiteProduct, (site_id, product.id))
    return terms.price if terms is not None and terms.price is not None else product.price


def scan_code(product: Product) -> str:
    """What the cashier screen's scanner box matches: the barcode, else the SKU."""
    return product.barcode or product.sku


def documents(site, picks: list[tuple[int, int]], *, kind: str, symbology: str):
    """The label documents for (product_id, copies) picks, in the order given."""
    if kind not in ("shelf", "product"):
        raise LabelError("라벨 종류를 고르세요", field="kind")
    if symbology not in ("auto", "qr"):
        raise LabelError("코드 종류를 고르세요", field="symbology")
    if not picks:
        raise LabelError("라벨을 뽑을 상품을 고르세요", field="lines")
    if sum(copies for _, copies in picks) > MAX_LABELS:
        raise LabelError(f"한 번에 {MAX_LABELS}장까지 뽑을 수 있습니다", field="qty")
    docs = []
    for product_id, copies in picks:
        product = db.session.get(Product, product_id)
        if product is None or not product.active:
            raise LabelError("없는 상품입니다", field="product_id", product_id=product_id)
        if copies < 1:
            raise LabelError("장수는 1 이상이어야 합니다", field="qty", product_id=product_id)
        doc = LabelDocument(
            name=product.name,
            price=site_price(site.id, product),
            vendor=product.vendor.name,
            code=scan_code(product),
            symbology=symbology,  # type: ignore[arg-type]
            kind=kind,  # type: ignore[arg-type]
        )
        docs += [doc] * copies
    return docs


def printer_url(site) -> str | None:
    return site.printer_url or current_app.config.get("PRINTER_URL") or None


def print_labels(site, picks, *, kind: str = "shelf", symbology: str = "auto") -> Printed:
    """Render and send the labels; LabelError (Korean) when there is no printer or it fails."""
    docs = documents(site, picks, kind=kind, symbology=symbology)
    url = printer_url(site)
    if not url:
        raise LabelError(NO_PRINTER)
    cfg = current_app.config
    try:
        data = render_labels(
            docs,
            columns=cfg.get("PRINTER_COLUMNS") or 42,
            hangul=cfg.get("PRINTER_HANGUL") or "text",
        )
    except printers.FontNotFoundError:
        raise LabelError(
            "라벨에 쓸 한글 글꼴이 이 컴퓨터에 없습니다. 관리자에게 알려 주세요."
        ) from None
    try:
        done = printers.send(url, data, timeout=current_app.config.get("PRINTER_TIMEOUT") or 4.0)
    except printers.PrinterError as exc:
        current_app.logger.warning("labels not printed at %s: %s", site.code, exc.detail)
        raise LabelError(f"라벨을 뽑지 못했습니다. {exc.message}") from None
    return Printed(len(docs), len(picks), done == printers.Delivery.CONFIRMED)

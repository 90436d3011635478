"""A product's terms at one site (its price there, hidden, 품절 today, low-stock threshold).

The one write path for ``site_products``: the back office, the cashier screen's 품절 tap and
the fair board all call these. Each flushes; the request commits. Watched by the catalog token,
so every tablet's next catalog and every next sale see the change.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pos.db import db

from .models import Product, SiteProduct

SEOUL = ZoneInfo("Asia/Seoul")


def today() -> date:
    """The local (Asia/Seoul) business day a 품절 mark belongs to."""
    return datetime.now(SEOUL).date()


def terms(site_id: int, product_id: int) -> SiteProduct:
    """The product's row at this site, made (with the product's defaults) when missing."""
    row = db.session.get(SiteProduct, (site_id, product_id))
    if row is None:
        row = SiteProduct(site_id=site_id, product_id=product_id, hidden=False)
        db.session.add(row)
    return row


def set_sold_out(site_id: int, product: Product, sold_out: bool) -> SiteProduct:
    """품절 for the rest of today at this site, or selling again. A product marked sold out
    everywhere (``Product.sold_out``) is cleared too when a site says it sells again."""
    row = terms(site_id, product.id)
    row.sold_out_on = today() if sold_out else None
    if not sold_out and product.sold_out:
        product.sold_out = False
    db.session.flush()
    return row


def set_price(site_id: int, product_id: int, price: int | None) -> SiteProduct:
    """This site's own price; None goes back to the product's price."""
    if price is not None and price < 0:
        raise ValueError("price must not be negative")
    row = terms(site_id, product_id)
    row.price = price
    db.session.flush()
    return row


def set_hidden(site_id: int, product_id: int, hidden: bool) -> SiteProduct:
    row = terms(site_id, product_id)
    row.hidden = hidden
    db.session.flush()
    return row


def set_low_stock(site_id: int, product_id: int, threshold: int | None) -> SiteProduct:
    """This site's low-stock threshold; None goes back to the product's."""
    if threshold is not None and threshold < 0:
        raise ValueError("threshold must not be negative")
    row = terms(site_id, product_id)
    row.low_stock = threshold
    db.session.flush()
    return row

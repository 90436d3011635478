"""What a site offers and on what terms: the one place that answers "can this be sold here,
at what price, is it 품절 today, when is it low?" for the cashier screen and for checkout.

- a product hidden at a site is not offered there;
- a fair offers only the products of the vendors taking part in it;
- a site's own price wins over the product's;
- 품절 is the product's mark (everywhere) or the site's mark for today only;
- the low-stock threshold is the site's, else the product's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .cache import PricingCatalog, ProductInfo
from .site_terms import today


@dataclass(frozen=True)
class Offer:
    price: int
    sold_out: bool
    low_stock: int | None


def offer(
    catalog: PricingCatalog,
    site,
    product: ProductInfo,
    day: date | None = None,
    terms_map: dict | None = None,
):
    """The product's terms at this site, or None when the site does not offer it.
    ``terms_map`` is ``catalog.terms`` taken once by a caller walking many products."""
    if not product.active:
        return None
    terms = (terms_map if terms_map is not None else catalog.terms).get((site.id, product.id))
    if terms is not None and terms.hidden:
        return None
    if site.kind == "fair" and product.vendor_id not in catalog.fair_vendors.get(site.id, ()):
        return None
    price = terms.price if terms is not None and terms.price is not None else product.price
    marked_today = terms is not None and terms.sold_out_on == (day or today())
    low = terms.low_stock if terms is not None and terms.low_stock is not None else None
    return Offer(
        price=price,
        sold_out=product.sold_out or marked_today,
        low_stock=low if low is not None else product.low_stock,
    )


def is_low(on_hand: int | None, threshold: int | None) -> bool:
    """Low when tracked and at or below the threshold (DESIGN §5: sold out counts as low)."""
    return on_hand is not None and threshold is not None and on_hand <= threshold

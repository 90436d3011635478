"""The organiser's live stock board: per vendor and product brought / sold / left, sold-out and
low marks, revenue so far and sales per hour (DESIGN §5 ``GET /api/fairs/CODE/board``).

A handful of queries, never one per product: the sales figures come from ``tally`` (built
with GROUP BY once, then advanced by the new sales only), the rest are GROUP BYs over the
fair's check-ins, stock levels and site terms. ``board_fingerprint`` lets the route reuse its
whole answer until a sale, a stock move or the catalog changes.
"""

from __future__ import annotations

from sqlalchemy import func, select

from inventory.fairs.models import Fair, FairVendor
from inventory.models import Product, SiteProduct, StockLevel, Vendor
from inventory.site_terms import today
from pos.db import db
from pos.sales.models import OrderCounter
from pos.versions import current_token

from .tally import brought_by_product, sales_tally


def per_hour(fair: Fair, taken: dict[int, int]) -> list[dict]:
    """Won taken per local hour: every hour the fair is open, and any other hour with sales."""
    first, last = int(fair.opens[:2]), int(fair.closes[:2])
    if fair.closes[3:] == "00":
        last -= 1
    hours = sorted(set(range(first, last + 1)) | set(taken))
    return [{"hour": h, "gross": taken.get(h, 0)} for h in hours]


def board_fingerprint(fair: Fair) -> tuple:
    """What the board depends on, read cheaply: the catalog token (products, site terms, fair
    and its vendors), the sales counters and the site's stock levels, and today's date."""
    sales = db.session.execute(
        select(func.count(), func.sum(OrderCounter.last_number)).where(
            OrderCounter.site_id == fair.site_id
        )
    ).one()
    stock = db.session.execute(
        select(func.count(), func.sum(StockLevel.on_hand), func.max(StockLevel.updated_at)).where(
            StockLevel.site_id == fair.site_id
        )
    ).one()
    return (current_token(), fair.state, tuple(sales), tuple(stock), today())


def sales_count(site_id: int) -> int:
    """Sales at the site: each took the next order number of its day in its own transaction."""
    return int(
        db.session.execute(
            select(func.coalesce(func.sum(OrderCounter.last_number), 0)).where(
                OrderCounter.site_id == site_id
            )
        ).scalar_one()
    )


def board(fair: Fair) -> dict:
    """``{state, gross, sales, per_hour, vendors:[{brn, name, booth, gross, products}]}``."""
    site_id = fair.site_id
    tally = sales_tally(site_id, sales_count(site_id))
    vendors = db.session.execute(
        select(Vendor.id, Vendor.brn, Vendor.name, FairVendor.booth)
        .join(FairVendor, FairVendor.vendor_id == Vendor.id)
        .where(FairVendor.site_id == site_id)
        .order_by(FairVendor.sort, FairVendor.booth, Vendor.name)
    ).all()
    vendor_ids = [v.id for v in vendors]
    sold = tally.sold
    vendor_gross = tally.vendor_gross
    brought = {pid: int(n or 0) for pid, n in db.session.execute(brought_by_product(site_id))}
    levels = dict(
        db.session.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(StockLevel.site_id == site_id)
        ).all()
    )
    terms = {
        pid: (low, marked)
        for pid, low, marked in db.session.execute(
            select(SiteProduct.product_id, SiteProduct.low_stock, SiteProduct.sold_out_on).where(
                SiteProduct.site_id == site_id
            )
        )
    }
    products = db.session.execute(
        select(
            Product.id,
            Product.sku,
            Product.name,
            Product.vendor_id,
            Product.low_stock,
            Product.sold_out,
            Product.active,
            Product.track_stock,
        )
        .where(Product.vendor_id.in_(vendor_ids))
        .order_by(Product.sort, Product.id)
    ).all()
    day = today()
    by_vendor: dict[int, list[dict]] = {vid: [] for vid in vendor_ids}
    for p in products:
        units = sold.get(p.id, (0, 0))[0]
        came = brought.get(p.id, 0)
        if not ((p.active and p.track_stock) or units or came):
            continue
        left = int(levels.get(p.id, 0) or 0)
        site_low, marked = terms.get(p.id, (None, None))
        threshold = site_low if site_low is not None else p.low_stock
        by_vendor[p.vendor_id].append(
            {
                "product_id": p.id,
                "sku": p.sku,
                "name": p.name,
                "brought": came,
                "sold": units,
                "left": left,
                "low": threshold is not None and left <= threshold,
                "sold_out": left <= 0 or bool(p.sold_out) or marked == day,
            }
        )
    return {
        "state": fair.state,
        "gross": tally.gross,
        "sales": tally.count,
        "per_hour": per_hour(fair, tally.hours),
        "vendors": [
            {
                "brn": v.brn,
                "name": v.name,
                "booth": v.booth,
                "gross": vendor_gross.get(v.id, 0),
                "products": by_vendor[v.id],
            }
            for v in vendors
        ],
    }

"""The organiser's live stock board: per vendor and product brought / sold / left, sold-out and
low marks, revenue so far and sales per hour (DESIGN §5 ``GET /api/fairs/CODE/board``).

Every figure is one GROUP BY over the fair's rows, never a query per product, so the board
stays cheap with thousands of sales; ``board_fingerprint`` lets the route reuse its answer
until a sale, a stock move or the catalog changes.
"""

from __future__ import annotations

from sqlalchemy import Integer, cast, func, literal_column, select

from inventory.fairs.models import Fair, FairVendor
from inventory.models import Product, SiteProduct, StockLevel, StockMove, Vendor
from inventory.site_terms import today
from pos.db import db
from pos.sales.models import OrderCounter, Sale, SaleLine
from pos.versions import current_token

#: Asia/Seoul is UTC+9 all year (no daylight saving), so the local hour is a fixed shift
SEOUL_OFFSET_HOURS = 9


def sold_by_product(site_id: int):
    """(vendor_id, product_id, units, won) sold at the site: line amounts after their discount
    share. The one place refunds will be taken off (issue 7) for the board and the settlement.
    """
    return (
        select(
            SaleLine.vendor_id,
            SaleLine.product_id,
            func.sum(SaleLine.qty).label("units"),
            func.sum(SaleLine.amount - SaleLine.discount_share).label("won"),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.site_id == site_id)
        .group_by(SaleLine.vendor_id, SaleLine.product_id)
    )


def moved_by_product(site_id: int, reason: str):
    """(product_id, signed units) of one move reason at the site."""
    return (
        select(StockMove.product_id, func.sum(StockMove.qty))
        .where(StockMove.site_id == site_id, StockMove.reason == reason)
        .group_by(StockMove.product_id)
    )


def _local_hour():
    if db.engine.dialect.name == "sqlite":
        shifted = func.strftime("%H", Sale.created_at, f"+{SEOUL_OFFSET_HOURS} hours")
        return cast(shifted, Integer)
    shifted = Sale.created_at + literal_column(f"interval '{SEOUL_OFFSET_HOURS} hours'")
    return cast(func.extract("hour", shifted), Integer)


def per_hour(fair: Fair) -> list[dict]:
    """Won taken per local hour: every hour the fair is open, and any other hour with sales."""
    hour = _local_hour().label("hour")
    rows = db.session.execute(
        select(hour, func.sum(Sale.total)).where(Sale.site_id == fair.site_id).group_by(hour)
    ).all()
    taken = {int(h): int(won or 0) for h, won in rows if h is not None}
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


def board(fair: Fair) -> dict:
    """``{state, gross, sales, per_hour, vendors:[{brn, name, booth, gross, products}]}``."""
    site_id = fair.site_id
    vendors = db.session.execute(
        select(Vendor.id, Vendor.brn, Vendor.name, FairVendor.booth)
        .join(FairVendor, FairVendor.vendor_id == Vendor.id)
        .where(FairVendor.site_id == site_id)
        .order_by(FairVendor.sort, FairVendor.booth, Vendor.name)
    ).all()
    vendor_ids = [v.id for v in vendors]
    sold: dict[int, tuple[int, int]] = {}
    vendor_gross: dict[int, int] = {}
    for vendor_id, product_id, units, won in db.session.execute(sold_by_product(site_id)):
        sold[product_id] = (int(units or 0), int(won or 0))
        vendor_gross[vendor_id] = vendor_gross.get(vendor_id, 0) + int(won or 0)
    brought = {
        pid: int(n or 0) for pid, n in db.session.execute(moved_by_product(site_id, "consign_in"))
    }
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
    totals = db.session.execute(
        select(func.count(), func.sum(Sale.total)).where(Sale.site_id == site_id)
    ).one()
    return {
        "state": fair.state,
        "gross": int(totals[1] or 0),
        "sales": int(totals[0] or 0),
        "per_hour": per_hour(fair),
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

"""The organiser's live stock board: per vendor and product brought / sold / left, sold-out and
low marks, revenue so far and sales per hour (DESIGN §5 ``GET /api/fairs/CODE/board``).

A handful of queries, never one per product: the sales figures come from ``tally`` (built
with GROUP BY once, then advanced by the new sales only), the rest are GROUP BYs over the
fair's check-ins, stock levels and site terms. ``board_fingerprint`` lets the route reuse its
whole answer until a sale, a stock move or the catalog changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import func, select

from inventory.fairs.models import Consignment, Fair, FairVendor
from inventory.models import Product, SiteProduct, StockLevel, Vendor
from inventory.site_terms import today
from pos.db import db
from pos.refunds.models import Refund
from pos.sales.models import OrderCounter
from pos.versions import CatalogState, current_token

from .tally import brought_by_product, sales_tally


def per_hour(fair: Fair, taken: dict[int, int]) -> list[dict]:
    """Won taken per local hour: every hour the fair is open, and any other hour with sales."""
    first, last = int(fair.opens[:2]), int(fair.closes[:2])
    if fair.closes[3:] == "00":
        last -= 1
    hours = sorted(set(range(first, last + 1)) | set(taken))
    return [{"hour": h, "gross": taken.get(h, 0)} for h in hours]


def board_fingerprint(fair: Fair) -> tuple:
    """What the board depends on, in one cheap statement: the catalog tokens (products, the
    fair and its vendors; site terms), the sales counters and the site's stock levels (a sale, a
    check-in, a count or a 품절 mark each changes one), the refunds, and today's date."""
    site_id = fair.site_id

    def counters(col):
        return select(col).where(OrderCounter.site_id == site_id).scalar_subquery()

    def levels(col):
        return select(col).where(StockLevel.site_id == site_id).scalar_subquery()

    row = db.session.execute(
        select(
            counters(func.count()),
            counters(func.sum(OrderCounter.last_number)),
            levels(func.count()),
            levels(func.sum(StockLevel.on_hand)),
            levels(func.max(StockLevel.updated_at)),
            select(CatalogState.token).where(CatalogState.id == 1).scalar_subquery(),
            select(CatalogState.token).where(CatalogState.id == 2).scalar_subquery(),
            # a refund of an untracked product moves no stock level
            select(func.count()).where(Refund.site_id == site_id).scalar_subquery(),
        )
    ).one()
    return (*row, fair.state, today())


def sales_count(site_id: int) -> int:
    """Sales at the site: each took the next order number of its day in its own transaction."""
    return int(
        db.session.execute(
            select(func.coalesce(func.sum(OrderCounter.last_number), 0)).where(
                OrderCounter.site_id == site_id
            )
        ).scalar_one()
    )


@dataclass(frozen=True)
class _Static:
    """What changes only with the catalog token, a check-in or the day: the board's frame."""

    vendors: list
    #: (id, sku, name, vendor_id, threshold, marked sold out, offered)
    products: list[tuple]
    brought: dict[int, int]


_frames: dict[tuple, tuple[tuple, _Static]] = {}
_frames_lock = threading.Lock()


def _frame(fair: Fair) -> _Static:
    site_id = fair.site_id
    checkins = db.session.execute(
        select(func.count(), func.max(Consignment.created_at)).where(Consignment.site_id == site_id)
    ).one()
    day = today()
    mark = (current_token(), current_token("terms"), tuple(checkins), day)
    key = (str(db.engine.url), site_id)
    cached = _frames.get(key)
    if cached is not None and cached[0] == mark:
        return cached[1]
    vendors = db.session.execute(
        select(Vendor.id, Vendor.brn, Vendor.name, FairVendor.booth)
        .join(FairVendor, FairVendor.vendor_id == Vendor.id)
        .where(FairVendor.site_id == site_id)
        .order_by(FairVendor.sort, FairVendor.booth, Vendor.name)
    ).all()
    brought = {pid: int(n or 0) for pid, n in db.session.execute(brought_by_product(site_id))}
    terms = {
        pid: (low, marked)
        for pid, low, marked in db.session.execute(
            select(SiteProduct.product_id, SiteProduct.low_stock, SiteProduct.sold_out_on).where(
                SiteProduct.site_id == site_id
            )
        )
    }
    products = []
    for p in db.session.execute(
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
        .where(Product.vendor_id.in_([v.id for v in vendors]))
        .order_by(Product.sort, Product.id)
    ):
        site_low, marked = terms.get(p.id, (None, None))
        threshold = site_low if site_low is not None else p.low_stock
        out = bool(p.sold_out) or marked == day
        products.append(
            (p.id, p.sku, p.name, p.vendor_id, threshold, out, p.active and p.track_stock)
        )
    frame = _Static(list(vendors), products, brought)
    with _frames_lock:
        _frames[key] = (mark, frame)
    return frame


def board(fair: Fair) -> dict:
    """``{state, gross, sales, per_hour, vendors:[{brn, name, booth, gross, products}]}``."""
    site_id = fair.site_id
    tally = sales_tally(site_id, sales_count(site_id))
    frame = _frame(fair)
    sold, brought = tally.sold, frame.brought
    levels = dict(
        db.session.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(StockLevel.site_id == site_id)
        ).all()
    )
    by_vendor: dict[int, list[dict]] = {v.id: [] for v in frame.vendors}
    for pid, sku, name, vendor_id, threshold, marked, offered in frame.products:
        units = sold[pid][0] if pid in sold else 0
        came = brought.get(pid, 0)
        if not (offered or units or came):
            continue
        left = int(levels.get(pid) or 0)
        by_vendor[vendor_id].append(
            {
                "product_id": pid,
                "sku": sku,
                "name": name,
                "brought": came,
                "sold": units,
                "left": left,
                "low": threshold is not None and left <= threshold,
                "sold_out": left <= 0 or marked,
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
                "gross": tally.vendor_gross.get(v.id, 0),
                "products": by_vendor[v.id],
            }
            for v in frame.vendors
        ],
    }

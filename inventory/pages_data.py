"""What the stock pages show, read from the ledger and the site terms (no writes here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select

from pos.auth.models import User
from pos.db import db

from .models import Category, Product, SiteProduct, StockLevel, StockMove, Vendor
from .site_terms import SEOUL

#: the ledger's move reasons as a person reads them
REASON_LABELS = {
    "receive": "입고",
    "sale": "판매",
    "refund": "환불",
    "transfer_out": "이동 (보냄)",
    "transfer_in": "이동 (받음)",
    "adjust": "조정",
    "count": "재고실사",
    "waste": "폐기",
    "consign_in": "위탁 입고",
    "consign_return": "위탁 반환",
}
REF_LABELS = {
    "receive": "입고",
    "transfer": "이동",
    "count": "실사",
    "waste": "폐기",
    "sale": "판매",
    "refund": "환불",
    "api": "API",
    "demo": "데모",
}


@dataclass(frozen=True)
class StockRow:
    product: Product
    on_hand: int
    #: the site's threshold, else the product's; None = never low
    threshold: int | None
    #: True when the threshold is the site's own
    site_threshold: bool
    price: int

    @property
    def value(self) -> int:
        return max(self.on_hand, 0) * self.price

    @property
    def out(self) -> bool:
        return self.on_hand <= 0

    @property
    def low(self) -> bool:
        return self.threshold is not None and self.on_hand <= self.threshold


def seoul(at: datetime) -> str:
    """A stored (naive UTC) time as the wall clock in Korea."""
    return at.replace(tzinfo=UTC).astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")


def stock_rows(
    site_id: int,
    *,
    q: str = "",
    category_id: int | None = None,
    vendor_id: int | None = None,
    product_ids: list[int] | None = None,
    stocked_only: bool = True,
) -> list[StockRow]:
    """Tracked, active products with on-hand, threshold and price at this site. Only those
    the site has ever had (a stock level row) unless ``stocked_only`` is False: a café does
    not list a fair's goods, but can receive a product for the first time."""
    stmt = (
        select(Product, StockLevel.on_hand, SiteProduct.low_stock, SiteProduct.price)
        .outerjoin(
            StockLevel, (StockLevel.product_id == Product.id) & (StockLevel.site_id == site_id)
        )
        .outerjoin(
            SiteProduct,
            (SiteProduct.product_id == Product.id) & (SiteProduct.site_id == site_id),
        )
        .where(Product.track_stock, Product.active)
        .order_by(Product.sort, Product.name, Product.id)
    )
    if stocked_only:
        stmt = stmt.where(StockLevel.product_id.is_not(None))
    if q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Product.name).like(like),
                func.lower(Product.sku).like(like),
                Product.barcode.like(like),
            )
        )
    if category_id:
        stmt = stmt.where(Product.category_id == category_id)
    if vendor_id:
        stmt = stmt.where(Product.vendor_id == vendor_id)
    if product_ids is not None:
        stmt = stmt.where(Product.id.in_(product_ids or [0]))
    rows = []
    for product, level, site_low, site_price in db.session.execute(stmt).all():
        threshold = site_low if site_low is not None else product.low_stock
        rows.append(
            StockRow(
                product=product,
                on_hand=level or 0,
                threshold=threshold,
                site_threshold=site_low is not None,
                price=site_price if site_price is not None else product.price,
            )
        )
    return rows


def low_rows(site_id: int) -> list[StockRow]:
    """On-hand at or below the threshold, most urgent first: out of stock, then the share of
    the threshold left, then the shortfall."""
    rows = [r for r in stock_rows(site_id) if r.low]

    def urgency(r: StockRow):
        share = r.on_hand / r.threshold if r.threshold else 0.0
        return (not r.out, share, r.on_hand - (r.threshold or 0), r.product.name)

    return sorted(rows, key=urgency)


@dataclass(frozen=True)
class HistoryRow:
    at: str
    reason: str
    qty: int
    balance: int
    user: str
    note: str
    ref: str
    ref_full: str


def short_ref(ref: str) -> str:
    """``receive:0b6f…`` → ``입고 0b6f1f8e``: enough to tell batches apart on a screen."""
    kind, _, rest = ref.partition(":")
    label = REF_LABELS.get(kind, kind)
    return f"{label} {rest[:8]}".strip() if rest else label


def history(site_id: int, product_id: int, limit: int = 300) -> tuple[list[HistoryRow], int]:
    """The product's moves at this site, newest first, with the on-hand after each; and how
    many moves there are in all. Balances are walked back from the ledger sum."""
    total, count = db.session.execute(
        select(func.coalesce(func.sum(StockMove.qty), 0), func.count()).where(
            StockMove.site_id == site_id, StockMove.product_id == product_id
        )
    ).one()
    moves = db.session.execute(
        select(StockMove, User.display_name)
        .outerjoin(User, User.id == StockMove.user_id)
        .where(StockMove.site_id == site_id, StockMove.product_id == product_id)
        .order_by(StockMove.created_at.desc(), StockMove.id.desc())
        .limit(limit)
    ).all()
    balance = int(total)
    out = []
    for move, name in moves:
        out.append(
            HistoryRow(
                at=seoul(move.created_at),
                reason=REASON_LABELS.get(move.reason, move.reason),
                qty=move.qty,
                balance=balance,
                user=name or "",
                note=move.note,
                ref=short_ref(move.ref),
                ref_full=move.ref,
            )
        )
        balance -= move.qty
    return out, count


def categories() -> list[Category]:
    return list(
        db.session.execute(
            select(Category).where(Category.active).order_by(Category.sort, Category.name)
        ).scalars()
    )


def vendors() -> list[Vendor]:
    return list(
        db.session.execute(select(Vendor).where(Vendor.active).order_by(Vendor.name)).scalars()
    )


def line_products(site_id: int) -> list[dict]:
    """The tracked products a line form can add (for scanning and search in the browser)."""
    return [
        {
            "id": r.product.id,
            "name": r.product.name,
            "sku": r.product.sku,
            "barcode": r.product.barcode or "",
            "info": f"{r.on_hand:,}",
        }
        for r in stock_rows(site_id, stocked_only=False)
    ]

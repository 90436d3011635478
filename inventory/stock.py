"""The stock ledger service: every change of on-hand is a move written in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import insert, select, update

from pos.db import db, dialect_insert, new_id, utcnow
from pos.outbox import record_event

from .models import MOVE_REASONS, Product, StockLevel, StockMove


class SiteLike(Protocol):
    id: int
    code: str
    allow_negative_stock: bool


class ProductLike(Protocol):
    id: int
    sku: str
    name: str


class InsufficientStock(Exception):
    """Raised before anything is written for the product that ran out."""

    def __init__(self, product: ProductLike, available: int, wanted: int):
        super().__init__(f"{product.name} 재고가 부족합니다 (남은 수량 {available}개)")
        self.product = product
        self.available = available
        self.wanted = wanted


@dataclass(frozen=True)
class MoveResult:
    id: str
    site_id: int
    product_id: int
    qty: int
    reason: str
    on_hand: int


def on_hand(site_id: int, product_id: int) -> int:
    value = db.session.execute(
        select(StockLevel.on_hand).where(
            StockLevel.site_id == site_id, StockLevel.product_id == product_id
        )
    ).scalar()
    return value or 0


def _uid(product: ProductLike) -> str | None:
    """The product's uid for the event (central knows products by it, not by local id)."""
    uid = getattr(product, "uid", None)
    if uid is None:
        uid = db.session.execute(select(Product.uid).where(Product.id == product.id)).scalar()
    return uid


def move_stock(
    site: SiteLike,
    product: ProductLike,
    qty: int,
    reason: str,
    *,
    ref: str = "",
    user_id: int | None = None,
    note: str = "",
    move_id: str | None = None,
    emit_event: bool = True,
    event_extra: dict | None = None,
) -> MoveResult:
    """Apply one signed move. Taking stock out never goes below zero unless the site allows it.

    The guarded UPDATE is atomic on both SQLite and PostgreSQL, so two tablets selling the last
    unit cannot both succeed. Writes through Core (two statements); the caller commits.
    """
    if reason not in MOVE_REASONS:
        raise ValueError(f"unknown stock move reason {reason!r}")
    if qty == 0:
        raise ValueError("a stock move needs a non-zero quantity")
    now = utcnow()
    if qty < 0 and not site.allow_negative_stock:
        new_on_hand = db.session.execute(
            update(StockLevel)
            .where(
                StockLevel.site_id == site.id,
                StockLevel.product_id == product.id,
                StockLevel.on_hand + qty >= 0,
            )
            .values(on_hand=StockLevel.on_hand + qty, updated_at=now)
            .returning(StockLevel.on_hand)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if new_on_hand is None:
            raise InsufficientStock(product, on_hand(site.id, product.id), -qty)
    else:
        table = StockLevel.__table__
        stmt = dialect_insert(table).values(
            site_id=site.id, product_id=product.id, on_hand=qty, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["site_id", "product_id"],
            set_={"on_hand": table.c.on_hand + qty, "updated_at": now},
        ).returning(table.c.on_hand)
        new_on_hand = db.session.execute(stmt).scalar_one()
    row = {
        "id": move_id or new_id(),
        "site_id": site.id,
        "product_id": product.id,
        "qty": qty,
        "reason": reason,
        "ref": ref,
        "user_id": user_id,
        "note": note,
        "created_at": now,
    }
    db.session.execute(insert(StockMove.__table__), [row])
    if emit_event:
        record_event(
            "stock.move",
            site.code,
            {
                "id": row["id"],
                "site": site.code,
                "sku": product.sku,
                "product_uid": _uid(product),
                "qty": qty,
                "reason": reason,
                "ref": ref,
                "note": note,
                "at": now.isoformat(),
                **(event_extra or {}),
            },
        )
    return MoveResult(row["id"], site.id, product.id, qty, reason, new_on_hand)

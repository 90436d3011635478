"""The stock ledger service: every change of on-hand is a move written in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from pos.db import db, new_id, utcnow
from pos.outbox import record_event

from .models import MOVE_REASONS, Product, Site, StockLevel, StockMove


class InsufficientStock(Exception):
    """Raised before anything is written for the product that ran out."""

    def __init__(self, product: Product, available: int, wanted: int):
        super().__init__(f"{product.name} 재고가 부족합니다 (남은 수량 {available}개)")
        self.product = product
        self.available = available
        self.wanted = wanted


@dataclass(frozen=True)
class MoveResult:
    move: StockMove
    on_hand: int


def _ensure_level(site_id: int, product_id: int) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(StockLevel)
        .values(site_id=site_id, product_id=product_id, on_hand=0, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["site_id", "product_id"])
    )
    db.session.execute(stmt)


def on_hand(site_id: int, product_id: int) -> int:
    level = db.session.get(StockLevel, (site_id, product_id))
    return level.on_hand if level else 0


def move_stock(
    site: Site,
    product: Product,
    qty: int,
    reason: str,
    *,
    ref: str = "",
    user_id: int | None = None,
    note: str = "",
    move_id: str | None = None,
    emit_event: bool = True,
) -> MoveResult:
    """Apply one signed move. Taking stock out never goes below zero unless the site allows it.

    The guarded UPDATE is atomic on both SQLite and PostgreSQL, so two tablets selling the last
    unit cannot both succeed. Flushes; the caller's request commits.
    """
    if reason not in MOVE_REASONS:
        raise ValueError(f"unknown stock move reason {reason!r}")
    if qty == 0:
        raise ValueError("a stock move needs a non-zero quantity")
    _ensure_level(site.id, product.id)
    stmt = (
        update(StockLevel)
        .where(StockLevel.site_id == site.id, StockLevel.product_id == product.id)
        .values(on_hand=StockLevel.on_hand + qty, updated_at=utcnow())
        .returning(StockLevel.on_hand)
        .execution_options(synchronize_session=False)
    )
    if qty < 0 and not site.allow_negative_stock:
        stmt = stmt.where(StockLevel.on_hand + qty >= 0)
    new_on_hand = db.session.execute(stmt).scalar_one_or_none()
    if new_on_hand is None:
        available = db.session.execute(
            select(StockLevel.on_hand).where(
                StockLevel.site_id == site.id, StockLevel.product_id == product.id
            )
        ).scalar_one()
        raise InsufficientStock(product, available, -qty)
    move = StockMove(
        id=move_id or new_id(),
        site_id=site.id,
        product_id=product.id,
        qty=qty,
        reason=reason,
        ref=ref,
        user_id=user_id,
        note=note,
        created_at=utcnow(),
    )
    db.session.add(move)
    if emit_event:
        record_event(
            "stock.move",
            site.code,
            {
                "id": move.id,
                "site": site.code,
                "sku": product.sku,
                "qty": qty,
                "reason": reason,
                "ref": ref,
                "note": note,
                "at": move.created_at.isoformat(),
            },
        )
    return MoveResult(move=move, on_hand=new_on_hand)

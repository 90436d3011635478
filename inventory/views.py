"""Stock API: receive, adjust, waste, count and transfer at the user's site."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pos.api import ApiError, endpoint
from pos.auth.service import login_required
from pos.context import current_site
from pos.db import db, new_id

from .models import Product, Site, StockLevel, StockMove
from .schemas import StockMoveIn, StockMoveOut, StockOut
from .stock import InsufficientStock, MoveResult, move_stock, on_hand

#: corrections change the books, so they need more than a cashier
SUPERVISOR_KINDS = {"adjust", "count", "transfer"}
SUPERVISORS = {"organiser", "manager", "admin"}


def _move_json(move: StockMove | MoveResult, level: int) -> dict:
    return {
        "id": move.id,
        "product_id": move.product_id,
        "qty": move.qty,
        "reason": move.reason,
        "on_hand": level,
    }


@endpoint(
    "/stock/moves",
    "POST",
    body=StockMoveIn,
    summary="Receive, adjust, waste, count or transfer stock at the user's site",
    response=StockMoveOut,
    responses={
        201: "applied",
        200: "the same id again",
        409: "not enough stock, or the id with another body",
        422: "invalid",
    },
)
@login_required
def post_stock_move(payload: StockMoveIn):
    if payload.kind in SUPERVISOR_KINDS and current_user.role not in SUPERVISORS:
        raise ApiError(403, "forbidden", "재고 조정은 매니저나 행사 담당만 할 수 있습니다")
    if payload.to_site and payload.kind != "transfer":
        # stored nowhere, so a retry could not be compared on it
        raise ApiError(422, "invalid", "받을 매장은 매장 간 이동에만 적습니다", "to_site")
    move_id = str(payload.id) if payload.id else None
    site = current_site()
    if move_id and (done := db.session.get(StockMove, move_id)) is not None:
        return _replay(done, payload, site)
    product = db.session.get(Product, payload.product_id)
    if product is None or not product.track_stock:
        raise ApiError(422, "not_stocked", "재고를 관리하지 않는 상품입니다", "product_id")
    qty, reason = payload.qty, payload.kind
    if payload.kind in ("receive", "waste", "transfer") and qty <= 0:
        raise ApiError(422, "invalid", "수량은 1 이상이어야 합니다", "qty")
    if payload.kind == "waste":
        qty = -qty
    elif payload.kind == "count":
        if qty < 0:
            raise ApiError(422, "invalid", "센 수량은 0 이상이어야 합니다", "qty")
        qty -= on_hand(site.id, product.id)
        if qty == 0:
            # nothing to write (no zero moves in the ledger)
            nothing = {"id": move_id, "product_id": product.id, "qty": 0, "reason": "count"}
            return jsonify({**nothing, "on_hand": payload.qty})
    elif payload.kind == "adjust" and qty == 0:
        raise ApiError(422, "invalid", "조정 수량이 0입니다", "qty")
    target = None
    if payload.kind == "transfer":
        target = db.session.execute(
            select(Site).where(Site.code == (payload.to_site or ""))
        ).scalar_one_or_none()
        if target is None or target.id == site.id:
            raise ApiError(422, "invalid_site", "받을 매장을 확인하세요", "to_site")
        qty, reason = -qty, "transfer_out"
    # a transfer's arrival travels in the sender's event (see stock_service.transfer)
    arrival = new_id() if target is not None else None
    try:
        result = move_stock(
            site,
            product,
            qty,
            reason,
            ref=_ref(payload),
            user_id=current_user.id,
            note=payload.note,
            move_id=move_id,
            event_extra={"to_site": target.code, "arrival_id": arrival} if target else None,
        )
        if target is not None:
            move_stock(
                target,
                product,
                -qty,
                "transfer_in",
                ref=f"transfer:{result.id}",
                user_id=current_user.id,
                note=payload.note,
                move_id=arrival,
                emit_event=False,
            )
    except InsufficientStock as exc:
        db.session.rollback()
        raise ApiError(
            409, "insufficient_stock", str(exc), "qty", available=exc.available
        ) from None
    except IntegrityError:
        # a twin request with the same id committed first: answer as its retry
        db.session.rollback()
        done = db.session.get(StockMove, move_id) if move_id else None
        if done is None:
            raise
        return _replay(done, payload, site)
    db.session.commit()
    return jsonify(_move_json(result, result.on_hand)), 201


def _ref(payload: StockMoveIn) -> str:
    """A count keeps the counted figure, so a retry can be told from another count."""
    return f"api:counted={payload.qty}" if payload.kind == "count" else "api"


def _replay(done: StockMove, payload: StockMoveIn, site: Site):
    """The same id again: the same move (200) if the body matches it, else 409 like sales."""
    if not _same_request(done, payload, site):
        raise ApiError(409, "id_conflict", "이미 다른 내용으로 처리된 재고 이동 번호입니다", "id")
    return jsonify(_move_json(done, on_hand(done.site_id, done.product_id))), 200


def _same_request(done: StockMove, payload: StockMoveIn, site: Site) -> bool:
    """Compare the stored move with the body: product, kind, qty or counted, to_site, note."""
    reason = "transfer_out" if payload.kind == "transfer" else payload.kind
    if (done.site_id, done.product_id, done.reason, done.note) != (
        site.id,
        payload.product_id,
        reason,
        payload.note,
    ):
        return False
    if payload.kind == "count":
        # moves stored before the counted figure was kept cannot be compared on it
        return done.ref in ("api", _ref(payload))
    signed = -payload.qty if payload.kind in ("waste", "transfer") else payload.qty
    if done.qty != signed:
        return False
    if payload.kind == "transfer":
        to_code = db.session.execute(
            select(Site.code)
            .join(StockMove, StockMove.site_id == Site.id)
            .where(StockMove.ref == f"transfer:{done.id}", StockMove.reason == "transfer_in")
        ).scalar()
        return to_code == payload.to_site
    return True


@endpoint("/stock", summary="On-hand per product at the user's site", response=StockOut)
@login_required
def get_stock():
    site = current_site()
    rows = db.session.execute(
        select(Product.id, Product.sku, Product.name, StockLevel.on_hand)
        .join(
            StockLevel,
            (StockLevel.product_id == Product.id) & (StockLevel.site_id == site.id),
            isouter=True,
        )
        .where(Product.track_stock, Product.active)
        .order_by(Product.sort, Product.id)
    ).all()
    return jsonify(
        {
            "site": site.code,
            "items": [
                {"product_id": pid, "sku": sku, "name": name, "on_hand": on_hand or 0}
                for pid, sku, name, on_hand in rows
            ],
        }
    )

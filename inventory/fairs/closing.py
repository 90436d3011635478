"""After close: each vendor's remainder counted and handed back, and audited corrections.

A count first books a ``count`` move bringing on-hand to what was counted (when it differs),
then a ``consign_return`` of everything counted, so the fair ends with nothing on hand and the
variance (expected left − counted) stays visible in the ledger and on the count's lines.
A vendor is counted once: a second count under another id is 409 ``already_counted``; what
the first count missed is corrected with an adjustment.
"""

from __future__ import annotations

from sqlalchemy import func, select

from pos.api import ApiError
from pos.db import db, new_id, utcnow
from pos.korean import josa

from ..models import Product, StockLevel, StockMove
from ..stock import move_stock, on_hand
from .consign import body_hash, replayed, vendor_keys, vendor_products
from .models import FairAdjustment, FairCount, FairCountLine, FairState

MAX_COUNT = 1_000_000


def _closed(fair, what: str) -> None:
    if fair.state != FairState.CLOSED:
        raise ApiError(409, "fair_not_closed", f"{what}는 행사를 마감한 뒤에 합니다")


def _uncounted(fair, vendor_id: int, counted: set[int]) -> list[str]:
    """Names of the vendor's products with goods at the fair that the count leaves out."""
    rows = db.session.execute(
        select(Product.id, Product.name)
        .join(StockMove, StockMove.product_id == Product.id)
        .where(
            StockMove.site_id == fair.site_id,
            Product.vendor_id == vendor_id,
            StockMove.reason == "consign_in",
        )
        .distinct()
    ).all()
    left = db.session.execute(
        select(Product.id, Product.name)
        .join(StockLevel, StockLevel.product_id == Product.id)
        .where(
            StockLevel.site_id == fair.site_id,
            Product.vendor_id == vendor_id,
            StockLevel.on_hand != 0,
        )
    ).all()
    return sorted({name for pid, name in [*rows, *left] if pid not in counted})


def count_remainder(
    fair, count_id: str, brn: str, lines, *, user_id: int | None
) -> tuple[FairCount, bool]:
    """Record a vendor's counted remainder and return it to the vendor. (count, created)."""
    from .service import fair_vendor, vendor_by_brn

    lines = [(int(pid), counted) for pid, counted in lines]
    vendor = vendor_by_brn(brn)
    digest = body_hash("count", vendor.brn, lines)
    done = replayed(FairCount, count_id, digest, fair, "재고실사")
    if done is not None:
        return done, False
    _closed(fair, "남은 물품 확인")
    fair_vendor(fair, vendor)
    for i, (_pid, counted) in enumerate(lines):
        if not isinstance(counted, int) or isinstance(counted, bool) or counted < 0:
            raise ApiError(
                422, "invalid", "센 수량은 0 이상의 정수여야 합니다", f"lines.{i}.counted"
            )
        if counted > MAX_COUNT:
            raise ApiError(422, "invalid", "센 수량이 너무 큽니다", f"lines.{i}.counted")
    products = vendor_products(vendor.id, lines)
    seen: set[int] = set()
    for i, (pid, _c) in enumerate(lines):
        if pid in seen:
            raise ApiError(
                422,
                "duplicate",
                f"{josa(products[pid].name, '이/가')} 두 번 적혔습니다",
                f"lines.{i}",
            )
        seen.add(pid)
    missing = _uncounted(fair, vendor.id, seen)
    if missing:
        raise ApiError(
            422, "count_incomplete", f"세지 않은 상품이 있습니다: {', '.join(missing)}", "lines"
        )
    earlier = db.session.execute(
        select(FairCount.id).where(
            FairCount.site_id == fair.site_id, FairCount.vendor_id == vendor.id
        )
    ).scalar()
    if earlier:
        raise ApiError(
            409,
            "already_counted",
            f"{vendor.name}의 남은 물품은 이미 확인했습니다. 고칠 것은 조정으로 적어 주세요",
        )
    count = FairCount(
        id=count_id,
        site_id=fair.site_id,
        vendor_id=vendor.id,
        user_id=user_id,
        request_hash=digest,
        created_at=utcnow(),
    )
    db.session.add(count)
    db.session.flush()
    site = fair.site
    ref = f"fair_count:{count_id}"
    for i, (pid, counted) in enumerate(lines):
        expected = on_hand(fair.site_id, pid)
        db.session.add(
            FairCountLine(
                count_id=count_id, position=i, product_id=pid, expected=expected, counted=counted
            )
        )
        if counted != expected:
            move_stock(site, products[pid], counted - expected, "count", ref=ref, user_id=user_id)
        if counted:
            move_stock(site, products[pid], -counted, "consign_return", ref=ref, user_id=user_id)
    db.session.flush()
    return count, True


def count_json(count: FairCount) -> dict:
    return {
        **vendor_keys(count),
        "lines": [
            {
                "product_id": ln.product_id,
                "expected": ln.expected,
                "counted": ln.counted,
                "variance": ln.expected - ln.counted,
            }
            for ln in count.lines
        ],
    }


def adjust(
    fair,
    brn: str,
    *,
    reason: str,
    product_id: int | None = None,
    qty: int = 0,
    amount: int = 0,
    user_id: int | None,
    adjustment_id: str | None = None,
) -> FairAdjustment:
    """An explicit correction of the locked event, kept with its reason and who made it.

    ``qty`` > 0: that many more units went back to the vendor than were counted (booked as a
    ``count`` of +qty and a ``consign_return`` of −qty); < 0: fewer. ``amount`` adds won to
    the vendor's payable (negative takes off). On-hand stays at zero either way.
    """
    from .service import fair_vendor, vendor_by_brn

    vendor = vendor_by_brn(brn)
    if adjustment_id and (done := db.session.get(FairAdjustment, adjustment_id)) is not None:
        same = (done.site_id, done.vendor_id, done.product_id, done.qty, done.amount, done.reason)
        if same != (fair.site_id, vendor.id, product_id, qty, amount, (reason or "").strip()):
            raise ApiError(409, "id_conflict", "이미 다른 내용으로 처리된 조정 번호입니다", "id")
        return done
    _closed(fair, "정산 조정")
    fair_vendor(fair, vendor)
    reason = (reason or "").strip()
    if not reason:
        raise ApiError(422, "invalid", "조정 사유를 적어 주세요", "reason")
    if qty == 0 and amount == 0:
        raise ApiError(422, "invalid", "조정할 수량이나 금액을 적어 주세요", "qty")
    product = None
    if qty:
        if product_id is None:
            raise ApiError(422, "invalid", "수량을 조정할 상품을 골라 주세요", "product_id")
        product = vendor_products(vendor.id, [(product_id, qty)], field="product_id")[product_id]
        back = -db.session.scalar(
            select(func.coalesce(func.sum(StockMove.qty), 0)).where(
                StockMove.site_id == fair.site_id,
                StockMove.product_id == product_id,
                StockMove.reason == "consign_return",
            )
        )
        if back + qty < 0:
            raise ApiError(
                422,
                "invalid",
                f"{josa(product.name, '은/는')} {back}개만 돌려주었습니다. "
                "그보다 많이 뺄 수 없습니다",
                "qty",
            )
    elif product_id is not None:
        vendor_products(vendor.id, [(product_id, 0)])
    adj = FairAdjustment(
        id=adjustment_id or new_id(),
        site_id=fair.site_id,
        vendor_id=vendor.id,
        product_id=product_id,
        qty=qty,
        amount=amount,
        reason=reason,
        user_id=user_id,
        created_at=utcnow(),
    )
    db.session.add(adj)
    db.session.flush()
    if product is not None:
        site = fair.site
        ref = f"fair_adjustment:{adj.id}"
        if qty > 0:
            move_stock(site, product, qty, "count", ref=ref, user_id=user_id, note=reason[:200])
            move_stock(site, product, -qty, "consign_return", ref=ref, user_id=user_id)
        else:
            move_stock(site, product, -qty, "consign_return", ref=ref, user_id=user_id)
            move_stock(site, product, qty, "count", ref=ref, user_id=user_id, note=reason[:200])
    db.session.flush()
    return adj


def adjustment_json(adj: FairAdjustment) -> dict:
    return {
        **vendor_keys(adj),
        "product_id": adj.product_id,
        "qty": adj.qty,
        "amount": adj.amount,
        "reason": adj.reason,
        "created_at": adj.created_at.isoformat(),
    }

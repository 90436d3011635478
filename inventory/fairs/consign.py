"""Consignment check-in: the goods a vendor brought, booked as ``consign_in`` moves at the fair.

Idempotent by the tablet's id: the same id and body again is the same consignment, the same
id with another body 409. Only the vendor's own stock-tracked products, quantities above zero.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from pos.api import ApiError
from pos.db import db, utcnow
from pos.korean import josa

from ..models import Product, Vendor
from ..stock import move_stock
from .models import (
    Consignment,
    ConsignmentLine,
    Fair,
    FairAdjustment,
    FairCount,
    FairState,
)

MAX_QTY = 100_000


def body_hash(kind: str, brn: str, lines) -> str:
    """Fingerprint of a check-in or count body (vendor and lines in the order sent)."""
    canonical = json.dumps([kind, brn, [list(x) for x in lines]], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replayed(
    model: type[Consignment] | type[FairCount], record_id: str, digest: str, fair, what: str
):
    """The record an earlier request with this id booked, for a retry to answer with (even after
    close); None for a new id. 409 when the id was used for another body or another fair."""
    done = db.session.get(model, record_id)
    if done is not None and (done.request_hash != digest or done.site_id != fair.site_id):
        raise ApiError(409, "id_conflict", f"이미 다른 내용으로 처리된 {what} 번호입니다", "id")
    return done


def vendor_products(
    vendor_id: int, lines, what: str = "qty", *, field: str | None = None
) -> dict[int, Product]:
    """The products of ``lines`` = [(product_id, n)], each the vendor's own and stock-tracked.
    ``field`` names the one product field of a body without ``lines`` (an adjustment)."""
    if not lines:
        raise ApiError(422, "invalid", "상품을 한 개 이상 적어 주세요", "lines")
    ids = {pid for pid, _ in lines}
    products = {p.id: p for p in db.session.scalars(select(Product).where(Product.id.in_(ids)))}
    for i, (pid, _n) in enumerate(lines):
        product = products.get(pid)
        where = field or f"lines.{i}.product_id"
        if product is None:
            raise ApiError(422, "unknown_product", "없는 상품입니다", where)
        if product.vendor_id != vendor_id:
            raise ApiError(
                422,
                "wrong_vendor",
                f"{josa(product.name, '은/는')} 이 공급자의 상품이 아닙니다",
                where,
            )
        if not product.track_stock:
            raise ApiError(
                422,
                "not_stocked",
                f"{josa(product.name, '은/는')} 재고를 관리하지 않는 상품입니다",
                where,
            )
    return products


def check_in(
    fair: Fair, consignment_id: str, brn: str, lines, *, user_id: int | None, signed_by: str = ""
) -> tuple[Consignment, bool]:
    """Book the goods a vendor brought. Returns (consignment, created)."""
    from .service import fair_vendor, vendor_by_brn

    lines = [(int(pid), qty) for pid, qty in lines]
    vendor = vendor_by_brn(brn)
    digest = body_hash("consignment", vendor.brn, lines)
    done = replayed(Consignment, consignment_id, digest, fair, "입고")
    if done is not None:
        return done, False
    if fair.state == FairState.CLOSED:
        raise ApiError(409, "fair_closed", "마감된 행사에는 입고할 수 없습니다")
    fair_vendor(fair, vendor)
    for i, (_pid, qty) in enumerate(lines):
        if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
            raise ApiError(422, "invalid", "수량은 1 이상이어야 합니다", f"lines.{i}.qty")
        if qty > MAX_QTY:
            raise ApiError(422, "invalid", "수량이 너무 큽니다", f"lines.{i}.qty")
    products = vendor_products(vendor.id, lines)
    now = utcnow()
    signed = (signed_by or "").strip()[:60]
    consignment = Consignment(
        id=consignment_id,
        site_id=fair.site_id,
        vendor_id=vendor.id,
        user_id=user_id,
        signed_by=signed,
        signed_at=now if signed else None,
        request_hash=digest,
        created_at=now,
    )
    db.session.add(consignment)
    # the row first: a twin request with the same id fails here, before any move is booked
    db.session.flush()
    site = fair.site
    for i, (pid, qty) in enumerate(lines):
        db.session.add(
            ConsignmentLine(consignment_id=consignment_id, position=i, product_id=pid, qty=qty)
        )
        move_stock(
            site,
            products[pid],
            qty,
            "consign_in",
            ref=f"consignment:{consignment_id}",
            user_id=user_id,
        )
    db.session.flush()
    return consignment, True


def sign_off(fair: Fair, consignment_id: str, signed_by: str) -> Consignment:
    """The vendor's signature under its check-in (name and time); signing again re-signs."""
    consignment = db.session.get(Consignment, consignment_id)
    if consignment is None or consignment.site_id != fair.site_id:
        raise ApiError(404, "not_found", "입고 기록을 찾을 수 없습니다")
    name = (signed_by or "").strip()
    if not name or len(name) > 60:
        raise ApiError(422, "invalid", "서명할 분의 이름을 60자 이내로 적어 주세요", "signed_by")
    consignment.signed_by = name
    consignment.signed_at = utcnow()
    db.session.flush()
    return consignment


def vendor_keys(record: Consignment | FairCount | FairAdjustment) -> dict:
    """The keys a fair record's JSON starts with: its id and its vendor (brn and name)."""
    vendor = db.session.get(Vendor, record.vendor_id)
    return {"id": record.id, "brn": vendor.brn, "vendor": vendor.name}


def consignment_json(c: Consignment) -> dict:
    return {
        **vendor_keys(c),
        "signed_by": c.signed_by or None,
        "signed_at": c.signed_at.isoformat() if c.signed_at else None,
        "lines": [{"product_id": ln.product_id, "qty": ln.qty} for ln in c.lines],
    }

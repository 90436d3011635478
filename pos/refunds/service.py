"""Refunds and voids (DESIGN §5 ``POST /api/sales/ID/refund``, issue 7): under a lock on the
sale, give back some units or all that is left, never more than was sold over every refund;
restock tracked goods, record the outbox event and queue the 반품 영수증, all in the caller's
transaction. Functions flush; the request commits (and rolls back on any error).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select, update

from inventory.fairs.models import Fair, FairState
from inventory.stock import move_stock
from pos.api import ApiError
from pos.auth.approval import approve
from pos.db import db, utcnow
from pos.outbox import record_event
from pos.receipts.models import JobKind
from pos.receipts.queue import enqueue
from pos.sales.enums import SaleStatus
from pos.sales.models import Sale
from pos.sales.record import SaleRecord, load_sale_record, local_time
from pos.shifts.models import open_shift_id
from pos.sites import site_directory

from .amounts import PlannedLine, check_refund_payments, plan_lines, sale_split
from .events import refund_event_payload
from .models import Refund, RefundKind, RefundLine, RefundPayment
from .record import (
    RefundRecord,
    load_refund,
    load_refunds,
    refunded_by_line,
    refunded_by_method,
    void_minutes,
)
from .schemas import RefundIn, RefundPaymentIn, VoidIn

NOT_FOUND = "판매를 찾을 수 없습니다"


@dataclass(frozen=True)
class PlacedRefund:
    refund: RefundRecord
    sale: SaleRecord
    created: bool
    #: the 반품 영수증's print job status, or "none" without a printer
    print_status: str = "none"


def request_hash(payload: RefundIn | VoidIn, sale_id: str, kind: str) -> str:
    """Fingerprint of the body with its sale and kind; never the approver's PIN."""
    body = payload.model_dump(mode="json")
    if body.get("approver"):
        body["approver"] = {"username": body["approver"]["username"]}
    body["sale_id"], body["kind"] = sale_id, kind
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def visible_sale(sale_id: str, user) -> SaleRecord:
    """The sale if this user may see it (cashiers: their own site); a refund's id is named as
    one (a refund cannot be refunded), anything else is 404."""
    rec = load_sale_record(sale_id)
    if rec is None or (user.site_id and rec.site_id != user.site_id):
        if rec is None and db.session.get(Refund, sale_id) is not None:
            raise ApiError(
                409,
                "not_a_sale",
                "환불 기록은 다시 환불할 수 없습니다. 원래 판매에서 환불하세요",
                "sale_id",
            )
        raise ApiError(404, "not_found", NOT_FOUND)
    return rec


def replay(refund_id: str, digest: str, sale: SaleRecord) -> PlacedRefund | None:
    """The refund already made under this id (a retry), None if none, 409 for another body."""
    stored = db.session.execute(
        select(Refund.request_hash, Refund.sale_id).where(Refund.id == refund_id)
    ).first()
    if stored is None:
        return None
    if stored.request_hash != digest or stored.sale_id != sale.id:
        raise ApiError(409, "id_conflict", "이미 다른 내용으로 처리된 환불 번호입니다", "id")
    return PlacedRefund(load_refund(refund_id), load_sale_record(sale.id), False)


def _lock_sale(sale_id: str) -> None:
    """Hold the sale's row until commit (SELECT … FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers)."""
    db.session.execute(select(Sale.id).where(Sale.id == sale_id).with_for_update()).scalar_one()


def check_fair_open(rec: SaleRecord) -> None:
    """A closed fair's counts and settlement are final: its sales are no longer refunded
    here (the goods went home with their vendors)."""
    fair = db.session.get(Fair, rec.site_id)
    if fair is not None and fair.state == FairState.CLOSED.value:
        raise ApiError(
            409,
            "fair_closed",
            "마감한 장터의 판매는 환불할 수 없습니다. 정산에서 조정으로 처리하세요",
            "sale_id",
        )


def check_reason(payload: RefundIn | VoidIn) -> None:
    if not payload.reason.strip():
        raise ApiError(422, "invalid", "환불 사유를 적어 주세요", "reason")


def place_refund(payload: RefundIn, sale_id: str, user) -> PlacedRefund:
    check_reason(payload)
    rec = visible_sale(sale_id, user)
    digest = request_hash(payload, rec.id, RefundKind.REFUND)
    if (done := replay(str(payload.id), digest, rec)) is not None:
        return done
    check_fair_open(rec)
    if rec.status == SaleStatus.VOIDED:
        raise ApiError(409, "voided", "결제 취소된 판매는 환불할 수 없습니다", "sale_id")
    approver = approve(payload.approver, actor=user, site_id=rec.site_id, need="환불")
    _lock_sale(rec.id)
    if (done := replay(str(payload.id), digest, rec)) is not None:  # a twin won the lock
        return done
    before = load_refunds(rec.id)
    planned = plan_lines(rec, payload.lines, refunded_by_line(before))
    return _write(
        rec, before, planned, payload.payments, payload, digest, user, approver, RefundKind.REFUND
    )


def place_void(payload: VoidIn, sale_id: str, user) -> PlacedRefund:
    check_reason(payload)
    rec = visible_sale(sale_id, user)
    digest = request_hash(payload, rec.id, RefundKind.VOID)
    if (done := replay(str(payload.id), digest, rec)) is not None:
        return done
    check_fair_open(rec)
    _check_voidable(rec, load_refunds(rec.id))
    payments = payload.payments or [
        RefundPaymentIn(method=p.method.value, amount=p.amount) for p in rec.payments
    ]
    approver = approve(payload.approver, actor=user, site_id=rec.site_id, need="결제 취소")
    _lock_sale(rec.id)
    if (done := replay(str(payload.id), digest, rec)) is not None:
        return done
    before = load_refunds(rec.id)
    _check_voidable(rec, before)
    planned = plan_lines(rec, None, {})
    return _write(rec, before, planned, payments, payload, digest, user, approver, RefundKind.VOID)


def _check_voidable(rec: SaleRecord, before: list[RefundRecord]) -> None:
    minutes = void_minutes()
    if rec.status == SaleStatus.VOIDED:
        raise ApiError(409, "already_voided", "이미 결제 취소된 판매입니다", "sale_id")
    if before:
        raise ApiError(
            409,
            "already_refunded",
            "환불한 적이 있는 판매는 결제 취소할 수 없습니다. 남은 상품은 환불로 처리하세요",
            "sale_id",
        )
    if utcnow() - rec.created_at > timedelta(minutes=minutes):
        raise ApiError(
            409,
            "void_expired",
            f"결제 취소는 판매 후 {minutes}분 안에만 할 수 있습니다. 환불로 처리하세요",
            "sale_id",
        )


def _write(
    rec: SaleRecord,
    before: list[RefundRecord],
    planned: list[PlannedLine],
    payments: list[RefundPaymentIn],
    payload: RefundIn | VoidIn,
    digest: str,
    user,
    approver,
    kind: RefundKind,
) -> PlacedRefund:
    total = sum(p.amount for p in planned)
    if total <= 0:
        raise ApiError(
            409, "nothing_to_refund", "돌려줄 금액이 0원입니다 (전액 할인된 상품입니다)", "lines"
        )
    check_refund_payments(payments, total, rec, refunded_by_method(before))
    taxable, split = sale_split(rec, before, planned)
    now = utcnow()
    refund_id = str(payload.id)
    site = site_directory().get(rec.site_id)
    refund = Refund(
        id=refund_id,
        sale_id=rec.id,
        site_id=rec.site_id,
        user_id=user.id,
        approver_id=approver.id if approver else None,
        shift_id=open_shift_id(rec.site_id, user.id),
        kind=kind.value,
        reason=payload.reason.strip(),
        receipt_no=f"{rec.receipt_no}-R{len(before) + 1}",
        business_day=local_time(now).date(),
        total=total,
        taxable_total=taxable,
        taxable_supply=split.taxable_supply,
        vat=split.vat,
        exempt=split.exempt,
        request_hash=digest,
        created_at=now,
        lines=[
            RefundLine(
                sale_line_position=p.line.position,
                receipt_position=p.line.receipt_position,
                product_id=p.line.product_id,
                vendor_id=p.line.vendor_id,
                name=p.line.name,
                tax=p.line.tax,
                qty=p.qty,
                amount=p.amount,
                restocked=p.line.track_stock,
            )
            for p in planned
        ],
        payments=[
            RefundPayment(position=i, method=p.method, amount=p.amount, approval_no=p.approval_no)
            for i, p in enumerate(payments)
        ],
    )
    db.session.add(refund)
    db.session.flush()
    _restock(planned, site, refund_id, user.id)
    _set_status(rec, before, planned, kind)
    stored = load_refund(refund_id)
    sale = load_sale_record(rec.id)
    record_event(
        "refund.completed", rec.site_code, refund_event_payload(stored, sale), event_id=refund_id
    )
    status = enqueue(rec.id, kind=JobKind.REFUND, ref=refund_id, site_id=rec.site_id)
    db.session.flush()
    return PlacedRefund(stored, sale, True, status or "none")


def _restock(planned: list[PlannedLine], site, refund_id: str, user_id: int | None) -> None:
    """Tracked units go back on the shelf: one 'refund' move per product, in id order."""
    units: Counter[int] = Counter()
    names: dict[int, tuple[str, str]] = {}
    for p in planned:
        if p.line.track_stock:
            units[p.line.product_id] += p.qty
            names[p.line.product_id] = (p.line.sku, p.line.name)
    for product_id in sorted(units):
        sku, name = names[product_id]
        product = SimpleNamespace(id=product_id, sku=sku, name=name)
        move_stock(
            site,
            product,
            units[product_id],
            "refund",
            ref=f"refund:{refund_id}",
            user_id=user_id,
            emit_event=False,
        )


def _set_status(
    rec: SaleRecord, before: list[RefundRecord], planned: list[PlannedLine], kind: RefundKind
) -> None:
    refunded = Counter({pos: qty for pos, (qty, _won) in refunded_by_line(before).items()})
    for p in planned:
        refunded[p.line.position] += p.qty
    everything = all(refunded[ln.position] >= ln.qty for ln in rec.lines)
    if kind == RefundKind.VOID:
        status = SaleStatus.VOIDED
    else:
        status = SaleStatus.REFUNDED if everything else SaleStatus.PARTLY_REFUNDED
    db.session.execute(
        update(Sale)
        .where(Sale.id == rec.id)
        .values(status=status.value)
        .execution_options(synchronize_session=False)
    )

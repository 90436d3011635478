"""A sale's refunds as plain records: what each gave back, per sale line and per payment.

Read by the sale's API view (``refunds``, per line ``refunded`` / ``refundable``), the refund
service (what is left to refund), the e-receipt page and the back office, so they all count
the same rows the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from pos.db import db, utcnow

from .models import REFUND_KIND_LABELS, Refund, RefundKind, RefundLine, RefundPayment

KST = ZoneInfo("Asia/Seoul")

#: minutes after a sale in which it may be voided (결제 취소), unless VOID_MINUTES says otherwise
DEFAULT_VOID_MINUTES = 10


def void_minutes() -> int:
    value = current_app.config.get("VOID_MINUTES", DEFAULT_VOID_MINUTES)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return DEFAULT_VOID_MINUTES


@dataclass(frozen=True)
class RefundLineRecord:
    #: 0-based position of the sale line
    position: int
    receipt_position: int
    product_id: int
    vendor_id: int
    name: str
    tax: str
    qty: int
    amount: int
    restocked: bool


@dataclass(frozen=True)
class RefundPaymentRecord:
    position: int
    method: str
    amount: int
    approval_no: str | None


@dataclass(frozen=True)
class RefundRecord:
    id: str
    sale_id: str
    site_id: int
    user_id: int | None
    approver_id: int | None
    shift_id: str | None
    kind: str
    reason: str
    receipt_no: str
    business_day: object
    total: int
    taxable_total: int
    taxable_supply: int
    vat: int
    exempt: int
    request_hash: str
    created_at: datetime
    lines: tuple[RefundLineRecord, ...]
    payments: tuple[RefundPaymentRecord, ...]

    @property
    def label(self) -> str:
        return REFUND_KIND_LABELS[RefundKind(self.kind)]


def _records(refunds: Sequence[dict], lines: Iterable[dict], pays: Iterable[dict]):
    by_lines: dict[str, list[RefundLineRecord]] = {r["id"]: [] for r in refunds}
    by_pays: dict[str, list[RefundPaymentRecord]] = {r["id"]: [] for r in refunds}
    for ln in lines:
        by_lines[ln["refund_id"]].append(
            RefundLineRecord(
                ln["sale_line_position"],
                ln["receipt_position"],
                ln["product_id"],
                ln["vendor_id"],
                ln["name"],
                ln["tax"],
                ln["qty"],
                ln["amount"],
                ln["restocked"],
            )
        )
    for p in pays:
        by_pays[p["refund_id"]].append(
            RefundPaymentRecord(p["position"], p["method"], p["amount"], p["approval_no"])
        )
    heads = {c.name for c in Refund.__table__.columns}
    return [
        RefundRecord(
            **{k: r[k] for k in heads},
            lines=tuple(by_lines[r["id"]]),
            payments=tuple(by_pays[r["id"]]),
        )
        for r in refunds
    ]


def load_refunds(sale_id: str) -> list[RefundRecord]:
    """The sale's refunds, oldest first (three SELECTs)."""
    return load_refunds_of([sale_id]).get(sale_id, [])


def load_refunds_of(sale_ids: Sequence[str]) -> dict[str, list[RefundRecord]]:
    """sale id -> its refunds, oldest first, for many sales at once."""
    if not sale_ids:
        return {}
    rt, lt, pt = Refund.__table__, RefundLine.__table__, RefundPayment.__table__
    refunds = (
        db.session.execute(
            select(rt).where(rt.c.sale_id.in_(list(sale_ids))).order_by(rt.c.created_at, rt.c.id)
        )
        .mappings()
        .all()
    )
    if not refunds:
        return {}
    ids = [r["id"] for r in refunds]
    lines = (
        db.session.execute(select(lt).where(lt.c.refund_id.in_(ids)).order_by(lt.c.id))
        .mappings()
        .all()
    )
    pays = (
        db.session.execute(
            select(pt).where(pt.c.refund_id.in_(ids)).order_by(pt.c.refund_id, pt.c.position)
        )
        .mappings()
        .all()
    )
    out: dict[str, list[RefundRecord]] = {}
    for rec in _records(refunds, lines, pays):
        out.setdefault(rec.sale_id, []).append(rec)
    return out


def load_refund(refund_id: str) -> RefundRecord | None:
    sale_id = db.session.execute(select(Refund.sale_id).where(Refund.id == refund_id)).scalar()
    if sale_id is None:
        return None
    return next(r for r in load_refunds(sale_id) if r.id == refund_id)


def refunded_by_line(refunds: Iterable[RefundRecord]) -> dict[int, tuple[int, int]]:
    """sale line position -> (units refunded, won refunded) over all the refunds."""
    out: dict[int, tuple[int, int]] = {}
    for r in refunds:
        for ln in r.lines:
            qty, amount = out.get(ln.position, (0, 0))
            out[ln.position] = (qty + ln.qty, amount + ln.amount)
    return out


def refunded_by_method(refunds: Iterable[RefundRecord]) -> dict[str, int]:
    """payment method -> won paid back over all the refunds."""
    out: dict[str, int] = {}
    for r in refunds:
        for p in r.payments:
            out[p.method] = out.get(p.method, 0) + p.amount
    return out


def refunds_view(refunds: Sequence[RefundRecord]) -> list[dict]:
    """The sale's refunds as GET /api/sales/ID lists them, oldest first."""
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "label": r.label,
            "receipt_no": r.receipt_no,
            "total": r.total,
            "reason": r.reason,
            "created_at": r.created_at.replace(tzinfo=UTC).astimezone(KST).isoformat(),
            "lines": [
                {"line": ln.position + 1, "qty": ln.qty, "amount": ln.amount} for ln in r.lines
            ],
        }
        for r in refunds
    ]


def is_voidable(status: str, sold_at: datetime, refunds: Sequence[RefundRecord] = ()) -> bool:
    """결제 취소 is still possible: completed, nothing refunded, within VOID_MINUTES."""
    return (
        status == "completed"
        and not refunds
        and utcnow() - sold_at <= timedelta(minutes=void_minutes())
    )

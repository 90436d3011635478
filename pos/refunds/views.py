"""Refund, void and today's-sales API (DESIGN §5, issue 7): thin views over the service."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pos.api import ApiError, endpoint
from pos.auth.models import User
from pos.auth.service import login_required
from pos.context import current_site
from pos.db import db, utcnow
from pos.receipts.models import JOB_STATUS, JobKind
from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue
from pos.sales.enums import SaleStatus
from pos.sales.models import Sale
from pos.sales.record import KST, local_time
from pos.sales.responses import PrintStatusOut

from .models import Refund
from .record import void_minutes
from .responses import RefundOut, TodaySalesOut
from .schemas import RefundIn, VoidIn
from .service import PlacedRefund, place_refund, place_void, replay, request_hash, visible_sale
from .view import refund_view

REFUSALS = {
    201: "refunded",
    200: "the same id and body again: the same refund",
    403: "a cashier without a manager's approval, or a wrong or cashier's PIN",
    404: "no such sale at this site",
    409: "more than is left, id used with another body, a refund's id, too late to void",
    422: "invalid: payments do not add up, card refund without its cancellation number",
}


def refund_json(placed: PlacedRefund) -> dict:
    status = placed.print_status
    return {
        **refund_view(placed.refund, placed.sale),
        "print": {"status": status, "label": JOB_STATUS.get(status, "프린터 없음"), "error": None},
    }


def _answer(run, payload, sale_id: str, kind: str):
    try:
        placed = run(payload, sale_id, current_user)
        db.session.commit()
    except IntegrityError:
        # a twin request under the same id committed first: answer as its retry
        db.session.rollback()
        rec = visible_sale(sale_id, current_user)
        placed = replay(str(payload.id), request_hash(payload, rec.id, kind), rec)
        if placed is None:
            raise
    except Exception:
        db.session.rollback()
        raise
    return jsonify(refund_json(placed)), 201 if placed.created else 200


@endpoint(
    "/sales/<sale_id>/refund",
    "POST",
    body=RefundIn,
    summary="Refund some lines or all that is left of a sale (idempotent by id; restocks)",
    response=RefundOut,
    responses=REFUSALS,
)
@login_required
def post_refund(sale_id: str, payload: RefundIn):
    return _answer(place_refund, payload, sale_id, "refund")


@endpoint(
    "/sales/<sale_id>/void",
    "POST",
    body=VoidIn,
    summary="결제 취소: the whole sale, within VOID_MINUTES and before any refund",
    response=RefundOut,
    responses=REFUSALS,
)
@login_required
def post_void(sale_id: str, payload: VoidIn):
    return _answer(place_void, payload, sale_id, "void")


@endpoint(
    "/refunds/<refund_id>/print",
    "POST",
    summary="Reprint a refund's 반품 영수증 (marked 재출력)",
    response=PrintStatusOut,
    responses={202: "queued", 404: "no such refund at this site", 409: "no printer configured"},
)
@login_required
def print_refund(refund_id: str):
    refund = db.session.get(Refund, refund_id)
    if refund is None or (current_user.site_id and refund.site_id != current_user.site_id):
        raise ApiError(404, "not_found", "환불 기록을 찾을 수 없습니다")
    status = enqueue(
        refund.sale_id, kind=JobKind.REFUND, ref=refund.id, site_id=refund.site_id, reprint=True
    )
    if status is None:
        raise ApiError(409, "no_printer", NO_PRINTER_MESSAGE)
    db.session.commit()
    return jsonify({"status": status, "label": JOB_STATUS[status]}), 202


def _limit() -> int:
    text = request.args.get("limit", "30")
    if not text.isdigit() or not 1 <= int(text) <= 200:
        raise ApiError(422, "invalid", "limit은 1부터 200까지의 정수여야 합니다", "limit")
    return int(text)


@endpoint(
    "/sales/today",
    summary="This site's sales today, newest first, with what may still be refunded or voided",
    response=TodaySalesOut,
)
@login_required
def sales_today():
    site = current_site()
    if current_user.site_id and site.id != current_user.site_id:
        raise ApiError(403, "forbidden", "이 매장에 대한 권한이 없습니다")
    day = datetime.now(KST).date()
    refunded = (
        select(Refund.sale_id, func.sum(Refund.total).label("won"), func.count().label("n"))
        .group_by(Refund.sale_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Sale.id,
            Sale.number,
            Sale.receipt_no,
            Sale.created_at,
            Sale.total,
            Sale.status,
            User.display_name,
            func.coalesce(refunded.c.won, 0),
            func.coalesce(refunded.c.n, 0),
        )
        .outerjoin(User, User.id == Sale.user_id)
        .outerjoin(refunded, refunded.c.sale_id == Sale.id)
        .where(Sale.site_id == site.id, Sale.business_day == day)
        .order_by(Sale.created_at.desc(), Sale.number.desc())
        .limit(_limit())
    ).all()
    cutoff = utcnow() - timedelta(minutes=void_minutes())
    return jsonify(
        {
            "day": day.isoformat(),
            "sales": [
                {
                    "id": r[0],
                    "number": r[1],
                    "receipt_no": r[2],
                    "created_at": local_time(r[3]).isoformat(),
                    "total": int(r[4]),
                    "status": r[5],
                    "label": SaleStatus(r[5]).label,
                    "cashier": r[6],
                    "refundable_total": int(r[4]) - int(r[7]),
                    "voidable": r[5] == SaleStatus.COMPLETED and not r[8] and r[3] >= cutoff,
                }
                for r in rows
            ],
        }
    )

"""The order board: the /bar page for the bar's tablet and its JSON API (cashiers and up, the
working site only)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

from pos.api import ApiError, endpoint
from pos.auth.service import login_required
from pos.db import db
from pos.receipts.models import JOB_STATUS, JobKind
from pos.receipts.queue import enqueue
from pos.sales.responses import PrintStatusOut
from pos.scope import working_site

from .board import board_orders, set_done, ticket_of
from .schemas import OrderOut, OrdersOut

bp = Blueprint("orders", __name__)

#: the refusal when neither a bar printer nor a receipt printer is set up
NO_TICKET_PRINTER = (
    "이 매장에는 주문표를 출력할 프린터가 설정되어 있지 않습니다. 관리자에게 알려 주세요."
)
#: how often the board asks for new orders, in milliseconds
POLL_MS = 5000


@bp.get("/bar")
@login_required
def board():
    """The bar's order board: big tiles of waiting orders, tap one when it is handed over."""
    site = working_site()
    return render_template("orders/board.html", site=site, user=current_user, poll_ms=POLL_MS)


@endpoint(
    "/api/orders",
    blueprint=bp,
    summary="Today's orders with made-to-order items at this site (?status=waiting|done|all)",
    response=OrdersOut,
    responses={200: "the orders", 422: "unknown status"},
)
@login_required
def list_orders():
    status = request.args.get("status", "waiting")
    return jsonify({"orders": board_orders(working_site().id, status)})


def _commit(view: dict) -> dict:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return view


@endpoint(
    "/api/orders/<sale_id>/done",
    "POST",
    blueprint=bp,
    summary="Mark an order done (handed over); done again keeps the first time",
    response=OrderOut,
    responses={200: "the order", 404: "no such order here", 409: "voided or refunded"},
)
@login_required
def order_done(sale_id: str):
    return jsonify(_commit(set_done(working_site().id, sale_id, current_user.id, True)))


@endpoint(
    "/api/orders/<sale_id>/undo",
    "POST",
    blueprint=bp,
    summary="Put a done order back on the board",
    response=OrderOut,
    responses={200: "the order", 404: "no such order here", 409: "voided or refunded"},
)
@login_required
def order_undo(sale_id: str):
    return jsonify(_commit(set_done(working_site().id, sale_id, current_user.id, False)))


@endpoint(
    "/api/orders/<sale_id>/print",
    "POST",
    blueprint=bp,
    summary="Print the order's bar ticket again (marked 재출력)",
    response=PrintStatusOut,
    responses={202: "queued", 404: "no such order here", 409: "no printer, or cancelled"},
    status=202,
)
@login_required
def order_print(sale_id: str):
    ticket_of(working_site().id, sale_id)
    status = enqueue(sale_id, kind=JobKind.KITCHEN, target="kitchen", reprint=True)
    if status is None:
        raise ApiError(409, "no_printer", NO_TICKET_PRINTER)
    db.session.commit()
    return jsonify({"status": status, "label": JOB_STATUS[status]}), 202

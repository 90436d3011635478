"""Shift and cash drawer API (DESIGN §5 "Café operations"): thin views over the service."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pos.api import ApiError, endpoint
from pos.auth.service import login_required
from pos.context import current_site
from pos.db import db
from pos.receipts.models import JobKind
from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue, status_label
from pos.sales.record import local_time

from . import service
from .figures import movement_view, shift_figures, today
from .models import Shift, open_shift_id
from .schemas import (
    CashMovementIn,
    CurrentShiftOut,
    MovementCreatedOut,
    PrintQueuedOut,
    ShiftCloseIn,
    ShiftIn,
    ShiftOpenedOut,
    ShiftOut,
)

#: mounted under /api by ``pos.shifts.init_app`` (the main API blueprint is set up earlier)
bp = Blueprint("shifts_api", __name__, url_prefix="/api")


@endpoint(
    "/shifts",
    "POST",
    body=ShiftIn,
    blueprint=bp,
    summary="Open the till for the logged-in cashier at this site with the opening float",
    response=ShiftOpenedOut,
    responses={
        201: "opened",
        200: "the same id again: that shift",
        409: "another shift is open (shift_open) or the id was used otherwise",
        422: "invalid (a negative float)",
    },
)
@login_required
def post_shift(payload: ShiftIn):
    site = current_site()
    try:
        shift, created = service.open_shift(payload, site=site, user=current_user)
        db.session.commit()
    except IntegrityError:
        # a twin request opened first: answer its shift, or refuse the second open
        db.session.rollback()
        if (shift := service.replay_open(payload, current_user)) is None:
            raise ApiError(409, "shift_open", service.SHIFT_OPEN) from None
        created = False
    except Exception:
        db.session.rollback()
        raise
    return jsonify(service.opened_view(shift)), 201 if created else 200


@endpoint(
    "/shifts/current",
    blueprint=bp,
    summary="The logged-in cashier's open shift at this site, or whether a float is needed",
    response=CurrentShiftOut,
)
@login_required
def get_current_shift():
    site = current_site()
    shift_id = open_shift_id(site.id, current_user.id)
    shift = db.session.get(Shift, shift_id) if shift_id else None
    return jsonify(
        {
            "shift": shift_figures(shift) if shift else None,
            "needs_float": shift is None,
            "required": bool(current_app.config.get("REQUIRE_SHIFT")),
            "suggested_float": service.suggested_float(site.id),
            "stale": shift is not None and local_time(shift.opened_at).date() < today(),
        }
    )


@endpoint(
    "/shifts/<shift_id>",
    blueprint=bp,
    summary="A shift's figures: expected cash, by method, sales, refunds (live while open)",
    response=ShiftOut,
    responses={200: "the figures", 403: "another cashier's shift", 404: "no such shift"},
)
@login_required
def get_shift(shift_id: str):
    return jsonify(shift_figures(service.visible_shift(shift_id, current_user)))


@endpoint(
    "/shifts/<shift_id>/close",
    "POST",
    body=ShiftCloseIn,
    blueprint=bp,
    summary="Close the shift with the counted cash; prints the closing slip (마감 전표)",
    response=ShiftOut,
    responses={
        200: "closed: the figures with over_short",
        403: "another cashier's shift",
        404: "no such shift",
        409: "already closed (shift_closed)",
    },
)
@login_required
def close_shift(payload: ShiftCloseIn, shift_id: str):
    try:
        shift = service.visible_shift(shift_id, current_user)
        figures = service.close_shift(shift, payload.counted_cash)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return jsonify(figures)


@endpoint(
    "/cash-movements",
    "POST",
    body=CashMovementIn,
    blueprint=bp,
    summary="Cash paid into or out of the drawer, or the drawer opened (no sale), with a reason",
    response=MovementCreatedOut,
    responses={
        201: "recorded; the drawer opens when there is a printer",
        200: "the same id again: that movement",
        409: "no open shift (no_shift), more than the drawer holds, or the id used otherwise",
        422: "invalid (no reason, an amount on a no-sale)",
    },
)
@login_required
def post_cash_movement(payload: CashMovementIn):
    site = current_site()
    try:
        movement, created, status = service.record_movement(payload, site=site, user=current_user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        movement, created, status = service.record_movement(payload, site=site, user=current_user)
        if created:  # pragma: no cover - only a twin request can make the first fail
            db.session.rollback()
            raise
    except Exception:
        db.session.rollback()
        raise
    body = movement_view(movement)
    body["print"] = {"status": status or "none", "label": status_label(status)}
    return jsonify(body), 201 if created else 200


@endpoint(
    "/shifts/<shift_id>/print",
    "POST",
    blueprint=bp,
    summary="Print the shift's slip again (마감 전표, or 중간 점검 while it is open)",
    response=PrintQueuedOut,
    status=202,
    responses={
        202: "queued",
        403: "another cashier's shift",
        404: "no such shift",
        409: "no printer (no_printer)",
    },
)
@login_required
def print_shift(shift_id: str):
    shift = service.visible_shift(shift_id, current_user)
    status = enqueue(None, kind=JobKind.SHIFT, ref=shift.id, site_id=shift.site_id)
    if status is None:
        raise ApiError(409, "no_printer", NO_PRINTER_MESSAGE)
    db.session.commit()
    return jsonify({"status": status, "label": status_label(status)}), 202

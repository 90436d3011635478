"""Fair API (DESIGN §5 Fairs rows): the event, vendors and booths, check-in, open and close,
the closing count and adjustments, and which vendor a booth tablet sells for.

Changes need an organiser, manager or admin; every call is scoped to the fair's site.
"""

from __future__ import annotations

from flask import jsonify, session
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pos.api import ApiError, endpoint
from pos.auth.service import login_required, roles_required
from pos.context import current_site
from pos.db import db
from pos.scope import FAIR_STAFF

from ..models import Vendor
from .closing import adjustment_json, count_json
from .models import FairAdjustment, FairState, FairVendor
from .schemas import (
    AdjustmentIn,
    AdjustmentOut,
    BoothIn,
    BoothOut,
    ConsignmentIn,
    ConsignmentOut,
    CountIn,
    CountOut,
    FairListOut,
    FairOut,
    FairVendorIn,
    SignIn,
)
from .service import (
    adjust,
    check_in,
    close_fair,
    count_remainder,
    fair_json,
    fair_vendor,
    fair_vendors,
    fairs_in_scope,
    get_fair,
    open_fair,
    set_vendor,
    sign_off,
    vendor_by_brn,
)

#: the Flask session key holding the vendor id a booth tablet sells for (None = joint checkout)
BOOTH_KEY = "booth_vendor_id"


def _locked(fair) -> None:
    if fair.state == FairState.CLOSED:
        raise ApiError(
            409, "fair_closed", "마감된 행사는 바꿀 수 없습니다. 정산 조정으로 고쳐 주세요"
        )


def _committed(make, replay):
    """Run a write and commit; a twin request that committed first is answered as its retry."""
    try:
        result = make()
        db.session.commit()
        return result
    except IntegrityError:
        db.session.rollback()
        found = replay()
        if found is None:
            raise
        return found


@endpoint("/fairs", summary="Fairs in the user's scope", response=FairListOut)
@login_required
def list_fairs():
    return jsonify({"fairs": [fair_json(f) for f in fairs_in_scope(current_user)]})


@endpoint(
    "/fairs/<code>",
    summary="A fair: event, state, payment methods, vendors with booths and commission",
    response=FairOut,
    responses={200: "the fair", 404: "no such fair"},
)
@login_required
def get_fair_view(code: str):
    return jsonify(fair_json(get_fair(code)))


@endpoint(
    "/fairs/<code>/vendors",
    "POST",
    body=FairVendorIn,
    summary="Add a vendor to the fair or change its booth and commission",
    response=FairOut,
    responses={200: "saved", 409: "booth taken or fair closed", 422: "invalid"},
)
@roles_required(*FAIR_STAFF)
def post_fair_vendor(code: str, payload: FairVendorIn):
    fair = get_fair(code)
    _locked(fair)
    pct = None if payload.commission_pct is None else repr(payload.commission_pct)
    set_vendor(fair, payload.brn, payload.booth, pct)
    db.session.commit()
    return jsonify(fair_json(fair))


def _consignment_out(c, created: bool) -> dict:
    from .consign import consignment_json

    return {**consignment_json(c), "created": created}


@endpoint(
    "/fairs/<code>/consignments",
    "POST",
    body=ConsignmentIn,
    summary="Check in the goods a vendor brought (idempotent by id)",
    response=ConsignmentOut,
    responses={
        201: "booked",
        200: "the same id and body again",
        409: "fair closed or id used with another body",
        422: "invalid",
    },
    status=201,
)
@roles_required(*FAIR_STAFF)
def post_consignment(code: str, payload: ConsignmentIn):
    fair = get_fair(code)
    lines = [(ln.product_id, ln.qty) for ln in payload.lines]

    def make():
        return check_in(
            fair,
            str(payload.id),
            payload.brn,
            lines,
            user_id=current_user.id,
            signed_by=payload.signed_by,
        )

    def replay():
        return check_in(fair, str(payload.id), payload.brn, lines, user_id=current_user.id)

    consignment, created = _committed(make, replay)
    return jsonify(_consignment_out(consignment, created)), 201 if created else 200


@endpoint(
    "/fairs/<code>/consignments/<consignment_id>/sign",
    "POST",
    body=SignIn,
    summary="The vendor signs off its check-in",
    response=ConsignmentOut,
    responses={200: "signed", 404: "no such check-in"},
)
@roles_required(*FAIR_STAFF)
def post_sign(code: str, consignment_id: str, payload: SignIn):
    fair = get_fair(code)
    consignment = sign_off(fair, consignment_id[:36], payload.signed_by)
    db.session.commit()
    return jsonify(_consignment_out(consignment, False))


@endpoint(
    "/fairs/<code>/open",
    "POST",
    summary="planned → open: sales may start",
    response=FairOut,
    responses={200: "open", 409: "already open or closed"},
)
@roles_required(*FAIR_STAFF)
def post_open(code: str):
    fair = open_fair(get_fair(code), current_user.id)
    db.session.commit()
    return jsonify(fair_json(fair))


@endpoint(
    "/fairs/<code>/close",
    "POST",
    summary="open → closed: no more sales or check-ins; counts and settlement follow",
    response=FairOut,
    responses={200: "closed", 409: "not open, or closed already"},
)
@roles_required(*FAIR_STAFF)
def post_close(code: str):
    fair = close_fair(get_fair(code), current_user.id)
    db.session.commit()
    return jsonify(fair_json(fair))


@endpoint(
    "/fairs/<code>/counts",
    "POST",
    body=CountIn,
    summary="After close: a vendor's counted remainder, returned to the vendor",
    response=CountOut,
    responses={
        201: "counted and returned",
        200: "the same id and body again",
        409: "fair not closed, vendor counted already, or id used with another body",
        422: "invalid",
    },
    status=201,
)
@roles_required(*FAIR_STAFF)
def post_count(code: str, payload: CountIn):
    fair = get_fair(code)
    lines = [(ln.product_id, ln.counted) for ln in payload.lines]

    def make():
        return count_remainder(fair, str(payload.id), payload.brn, lines, user_id=current_user.id)

    count, created = _committed(make, make)
    return jsonify({**count_json(count), "created": created}), 201 if created else 200


@endpoint(
    "/fairs/<code>/adjustments",
    "POST",
    body=AdjustmentIn,
    summary="After close: an audited correction of units returned or the amount payable",
    response=AdjustmentOut,
    responses={201: "booked", 200: "the same id again", 409: "fair not closed", 422: "invalid"},
    status=201,
)
@roles_required(*FAIR_STAFF)
def post_adjustment(code: str, payload: AdjustmentIn):
    fair = get_fair(code)
    adj_id = str(payload.id) if payload.id else None
    existed = adj_id is not None and db.session.get(FairAdjustment, adj_id) is not None

    def make():
        return adjust(
            fair,
            payload.brn,
            reason=payload.reason,
            product_id=payload.product_id,
            qty=payload.qty,
            amount=payload.amount,
            user_id=current_user.id,
            adjustment_id=adj_id,
        )

    adj = _committed(make, make if adj_id else lambda: None)
    return jsonify(adjustment_json(adj)), 200 if existed else 201


def _fair_here():
    """The fair this tablet sells at (its user's site or the server's), 409 at a café."""
    site = current_site()
    from .service import fair_for_site

    fair = fair_for_site(site.id) if site.kind == "fair" else None
    if fair is None:
        raise ApiError(409, "not_a_fair", "행사장에서만 부스를 고를 수 있습니다")
    return fair


def _booth_json(fair) -> dict:
    vendors = fair_vendors(fair)
    chosen = session.get(BOOTH_KEY)
    current = next(
        ({"brn": v.brn, "name": v.name, "booth": fv.booth} for fv, v in vendors if v.id == chosen),
        None,
    )
    return {
        "booth": current,
        "joint": current is None,
        "vendors": [{"brn": v.brn, "name": v.name, "booth": fv.booth} for fv, v in vendors],
    }


@endpoint(
    "/booth",
    summary="Which vendor this booth tablet sells for, and the fair's booths",
    response=BoothOut,
)
@login_required
def get_booth():
    return jsonify(_booth_json(_fair_here()))


@endpoint(
    "/booth",
    "POST",
    body=BoothIn,
    summary="Bind this tablet to one vendor's booth, or null for the joint checkout",
    response=BoothOut,
    responses={200: "bound", 409: "not at a fair", 422: "not a vendor of the fair"},
)
@login_required
def post_booth(payload: BoothIn):
    fair = _fair_here()
    if payload.brn is None:
        session.pop(BOOTH_KEY, None)
    else:
        vendor: Vendor = vendor_by_brn(payload.brn)
        fv: FairVendor = fair_vendor(fair, vendor)
        session[BOOTH_KEY] = fv.vendor_id
    return jsonify(_booth_json(fair))

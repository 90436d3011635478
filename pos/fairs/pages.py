"""Organisers' fair pages (/fairs…): the list of fairs, a fair's overview (details, state and the
next step, vendors with booths and commission, payment methods), open and close.

The other steps of the day live beside this module: check-in (pages_checkin), the live board
(pages_board), counting, settlement and adjustments (pages_close). Every view checks the role
(FAIR_STAFF) and the fair's site against the user's scope; writes go through
inventory.fairs.service, whose Korean refusals are flashed back onto the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from inventory.fairs.models import FAIR_STATE_LABELS, Fair, FairState, FairVendor
from inventory.models import Product, Vendor
from pos import money
from pos.api import ApiError
from pos.auth.service import roles_required
from pos.db import db
from pos.sales.enums import PAYMENT_METHODS
from pos.scope import FAIR_STAFF, allowed_sites, site_by_code

bp = Blueprint("fairs", __name__)
SEOUL = ZoneInfo("Asia/Seoul")


def local(moment: datetime | None, fmt: str = "%H:%M") -> str:
    """A stored UTC time as Korean wall-clock time (the fair's day)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SEOUL).strftime(fmt)


@bp.context_processor
def _helpers() -> dict:
    return {
        "local": local,
        "won": money.won,
        "num": money.num,
        "state_labels": FAIR_STATE_LABELS,
        "method_labels": PAYMENT_METHODS,
    }


# ---------------------------------------------------------------------------- shared helpers
@dataclass(frozen=True)
class FairVendorRow:
    vendor: Vendor
    booth: str
    commission_bp: int | None
    #: the commission that applies (the vendor's own, else the fair's)
    effective_bp: int


def load_fair(code: str) -> Fair:
    """The fair at this site code, in the user's scope; the Korean 404/403 page otherwise."""
    site = site_by_code(code)
    if site.kind != "fair":
        abort(404)
    fair = db.session.get(Fair, site.id)
    if fair is None:
        abort(404)
    return fair


def fair_vendors(fair: Fair) -> list[FairVendorRow]:
    rows = db.session.scalars(
        select(FairVendor)
        .where(FairVendor.site_id == fair.site_id)
        .order_by(FairVendor.sort, FairVendor.booth, FairVendor.vendor_id)
    ).all()
    return [
        FairVendorRow(
            r.vendor,
            r.booth,
            r.commission_bp,
            r.commission_bp if r.commission_bp is not None else fair.commission_bp,
        )
        for r in rows
    ]


def vendor_in_fair(fair: Fair, brn: str) -> FairVendorRow | None:
    return next((v for v in fair_vendors(fair) if v.vendor.brn == brn), None)


def vendor_products(vendor_id: int) -> list[Product]:
    """What a vendor can consign: its active, stock-tracked products."""
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.vendor_id == vendor_id, Product.active, Product.track_stock)
            .order_by(Product.sort, Product.id)
        )
    )


def pct(bp_value: int | None) -> str:
    """1250 → "12.5" (hundredths of a percent to the percent an organiser types)."""
    if bp_value is None:
        return ""
    whole, part = divmod(bp_value, 100)
    return f"{whole}" if not part else f"{whole}.{part:02d}".rstrip("0")


def is_locked(fair: Fair) -> bool:
    return fair.state == FairState.CLOSED.value


def refused(err: Exception) -> None:
    """Flash a service's refusal in Korean (an ApiError carries it; anything else is ours)."""
    if isinstance(err, ApiError):
        flash(err.message, "error")
    else:
        flash(str(err) or "처리하지 못했습니다", "error")


def committed(write: Callable[[], object], done: str) -> bool:
    """Run one service write from a form: committed with ``done`` flashed, or rolled back with
    the refusal flashed in Korean, so a refused form changes nothing. True when it went in."""
    try:
        write()
    except (ApiError, ValueError) as err:
        db.session.rollback()
        refused(err)
        return False
    db.session.commit()
    flash(done, "ok")
    return True


def accepted_methods(fair: Fair) -> list[str]:
    chosen = [m for m in (fair.payment_methods or "").split(",") if m]
    return chosen or list(PAYMENT_METHODS)


def fair_context(fair: Fair) -> dict:
    return {
        "fair": fair,
        "code": fair.site.code,
        "locked": is_locked(fair),
        "state": fair.state,
        "pct": pct,
    }


# ---------------------------------------------------------------------------- views
@bp.get("/fairs")
@roles_required(*FAIR_STAFF)
def index():
    """The fairs in the user's scope, newest first."""
    ids = [s.id for s in allowed_sites() if s.kind == "fair"]
    fairs = (
        db.session.scalars(
            select(Fair).where(Fair.site_id.in_(ids)).order_by(Fair.date.desc())
        ).all()
        if ids
        else []
    )
    counts = {
        site_id: n
        for site_id, n in db.session.execute(
            select(FairVendor.site_id, db.func.count())
            .where(FairVendor.site_id.in_(ids))
            .group_by(FairVendor.site_id)
        )
    }
    return render_template("fairs/index.html", fairs=fairs, vendor_counts=counts)


def not_today(fair: Fair) -> bool:
    """Is today (Seoul) neither the fair's date nor its rain date? Opening then asks first:
    a fair opened on the wrong day takes sales nobody meant (the API does not ask)."""
    from inventory.site_terms import today

    return today() not in (fair.date, fair.rain_date)


@bp.get("/fairs/<code>")
@roles_required(*FAIR_STAFF)
def overview(code: str):
    fair = load_fair(code)
    return render_template(
        "fairs/overview.html",
        other_day=not_today(fair),
        vendors=fair_vendors(fair),
        methods=accepted_methods(fair),
        all_methods=not fair.payment_methods,
        **fair_context(fair),
    )


@bp.post("/fairs/<code>/vendors")
@roles_required(*FAIR_STAFF)
def set_vendor(code: str):
    """A vendor's booth and commission (blank commission = the fair's default)."""
    from inventory.fairs import service

    fair = load_fair(code)
    brn = request.form.get("brn", "").strip()
    booth = request.form.get("booth", "").strip()
    commission = request.form.get("commission_pct", "").strip().rstrip("%") or None
    committed(
        lambda: service.set_vendor(fair, brn, booth, commission), "부스와 수수료를 저장했습니다"
    )
    return redirect(url_for(".overview", code=code))


@bp.post("/fairs/<code>/methods")
@roles_required(*FAIR_STAFF)
def set_methods(code: str):
    """The payment methods the booths offer; none ticked = every method."""
    from inventory.fairs import service

    fair = load_fair(code)
    chosen = request.form.getlist("methods")[: len(PAYMENT_METHODS) + 1]
    committed(
        lambda: service.set_payment_methods(fair, chosen),
        "결제 수단을 저장했습니다" if chosen else "모든 결제 수단을 받습니다",
    )
    return redirect(url_for(".overview", code=code))


@bp.post("/fairs/<code>/open")
@roles_required(*FAIR_STAFF)
def open_fair(code: str):
    from inventory.fairs import service

    fair = load_fair(code)
    if (
        fair.state == FairState.PLANNED
        and not_today(fair)
        and request.form.get("other_day") != "yes"
    ):
        flash("오늘은 행사 날짜가 아닙니다. 그래도 열려면 확인란에 표시하세요", "error")
        return redirect(url_for(".overview", code=code))
    committed(
        lambda: service.open_fair(fair, current_user.id),
        "장터를 열었습니다. 이제 판매할 수 있습니다",
    )
    return redirect(url_for(".overview", code=code))


@bp.get("/fairs/<code>/close")
@roles_required(*FAIR_STAFF)
def close_confirm(code: str):
    """마감 asks first: closing locks the event (no more sales or check-ins)."""
    fair = load_fair(code)
    if is_locked(fair):
        flash("이미 마감한 장터입니다", "error")
        return redirect(url_for(".overview", code=code))
    from .pages_board import board_data

    return render_template("fairs/close.html", board=board_data(fair), **fair_context(fair))


@bp.post("/fairs/<code>/close")
@roles_required(*FAIR_STAFF)
def close_fair(code: str):
    from inventory.fairs import service

    fair = load_fair(code)
    if request.form.get("confirm") != "yes":
        flash("마감하려면 확인란에 표시하세요", "error")
        return redirect(url_for(".close_confirm", code=code))
    if not committed(
        lambda: service.close_fair(fair, current_user.id),
        "장터를 마감했습니다. 공급자별 남은 수량을 세어 주세요",
    ):
        return redirect(url_for(".overview", code=code))
    return redirect(url_for(".count", code=code))


from . import pages_board, pages_checkin, pages_close  # noqa: E402, F401  (routes on bp)

"""The fair domain: the event, its vendors and booths, its state (planned → open → closed).

Service functions flush; the request (or the CLI) commits. Refusals are ``ApiError`` with a
Korean message and are raised before anything is written. Check-in lives in ``consign``, the
closing count and adjustments in ``closing``; all are re-exported here for the pages.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort, has_request_context, request
from sqlalchemy import func, select, update

from pos.api import ApiError
from pos.db import db, utcnow
from pos.korean import josa
from pos.outbox import record_event
from pos.scope import require_site
from pos.sites import Site, SiteKind, site_directory

from ..models import Vendor
from ..vendors import InvalidBrn, normalize_brn
from .models import Fair, FairState, FairVendor

#: every payment method a sale may use (pos.sales.enums.PaymentMethod, which inventory may not
#: import; tests/test_fairs_api.py checks the two agree)
ALL_METHODS = ("cash", "card", "transfer", "local_currency", "onnuri", "zeropay", "easypay")

FAIR_NOT_FOUND = "행사를 찾을 수 없습니다"
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _not_found() -> None:
    if has_request_context() and not request.path.startswith("/api/"):
        abort(404)
    raise ApiError(404, "fair_not_found", FAIR_NOT_FOUND)


def get_fair(code: str) -> Fair:
    """The fair with this site code, if the user's scope covers its site (403 otherwise)."""
    site = site_directory().by_code(code)
    if site is None or site.kind != SiteKind.FAIR.value:
        _not_found()
    require_site(site.id)
    fair = db.session.get(Fair, site.id)
    if fair is None:
        _not_found()
    return fair


def fair_for_site(site_id: int) -> Fair | None:
    """The event held at this site, None for a café or a fair site without one."""
    return db.session.get(Fair, site_id)


def fairs_in_scope(user) -> list[Fair]:
    """Fairs the user may see: their own site's, or every fair for unbound managers/admins."""
    stmt = select(Fair).join(Site, Site.id == Fair.site_id).order_by(Fair.date.desc(), Site.code)
    if getattr(user, "site_id", None):
        stmt = stmt.where(Fair.site_id == user.site_id)
    return list(db.session.scalars(stmt))


def accepted_methods(fair: Fair) -> list[str]:
    """The payment methods the fair takes, in the cashier's order; all unless narrowed."""
    narrowed = {m for m in (fair.payment_methods or "").split(",") if m}
    return [m for m in ALL_METHODS if not narrowed or m in narrowed]


def pct_text(bp: int) -> float:
    """Hundredths of a percent → a JSON number with at most two decimals (1250 → 12.5)."""
    return round(bp / 100, 2)


def parse_pct(value, field: str = "commission_pct") -> int:
    """'12.5' / 12.5 / 10 → 1250 hundredths of a percent; 0–100 with at most two decimals."""
    try:
        dec = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApiError(422, "invalid", "수수료율은 숫자여야 합니다", field) from None
    if not dec.is_finite() or dec < 0 or dec > 100:
        raise ApiError(422, "invalid", "수수료율은 0에서 100 사이여야 합니다", field)
    scaled = dec * 100
    if scaled != scaled.to_integral_value():
        raise ApiError(422, "invalid", "수수료율은 소수점 둘째 자리까지 적습니다", field)
    return int(scaled)


def commission_bp(fair: Fair, fv: FairVendor) -> int:
    return fair.commission_bp if fv.commission_bp is None else fv.commission_bp


def fair_vendors(fair: Fair) -> list[tuple[FairVendor, Vendor]]:
    """The fair's vendors in booth order (sort, then booth label)."""
    rows = db.session.execute(
        select(FairVendor, Vendor)
        .join(Vendor, Vendor.id == FairVendor.vendor_id)
        .where(FairVendor.site_id == fair.site_id)
        .order_by(FairVendor.sort, FairVendor.booth, Vendor.name)
    ).all()
    return [(fv, v) for fv, v in rows]


def fair_json(fair: Fair) -> dict:
    """GET /api/fairs/CODE (DESIGN §5)."""
    site = site_directory().get(fair.site_id)
    return {
        "code": site.code,
        "name": site.name,
        "place": fair.place,
        "date": fair.date.isoformat(),
        "opens": fair.opens,
        "closes": fair.closes,
        "rain_date": fair.rain_date.isoformat() if fair.rain_date else None,
        "state": fair.state,
        "commission_pct": pct_text(fair.commission_bp),
        "payment_methods": accepted_methods(fair),
        "vendors": [
            {
                "brn": v.brn,
                "name": v.name,
                "booth": fv.booth,
                "commission_pct": pct_text(commission_bp(fair, fv)),
            }
            for fv, v in fair_vendors(fair)
        ],
    }


def vendor_by_brn(brn: str, field: str = "brn") -> Vendor:
    try:
        digits = normalize_brn(brn)
    except InvalidBrn as exc:
        raise ApiError(422, "invalid_brn", str(exc), field) from None
    vendor = db.session.execute(select(Vendor).where(Vendor.brn == digits)).scalar_one_or_none()
    if vendor is None:
        raise ApiError(422, "unknown_vendor", "이 사업자등록번호의 공급자가 없습니다", field)
    return vendor


def fair_vendor(fair: Fair, vendor: Vendor, field: str = "brn") -> FairVendor:
    """The vendor's place at this fair, 422 when it does not take part."""
    fv = db.session.get(FairVendor, (fair.site_id, vendor.id))
    if fv is None:
        raise ApiError(
            422,
            "not_fair_vendor",
            f"{josa(vendor.name, '은/는')} 이 행사의 참가자가 아닙니다",
            field,
        )
    return fv


def _check_methods(methods) -> str:
    if not methods:
        return ""
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown:
        raise ApiError(422, "invalid", "알 수 없는 결제 수단입니다", "payment_methods")
    return ",".join(m for m in ALL_METHODS if m in set(methods))


def set_payment_methods(fair: Fair, methods) -> Fair:
    """The methods the fair's tablets offer, changed after `pos fair add` (a card reader that
    did not come, 지역화폐 agreed on the day). Empty or every method is stored as "" (every
    method, new ones included). Refused after close: the settlement's gross by method is final."""
    if fair.state == FairState.CLOSED:
        raise ApiError(409, "fair_closed", "마감된 행사는 결제 수단을 바꿀 수 없습니다")
    chosen = _check_methods(list(methods or []))
    fair.payment_methods = "" if chosen == ",".join(ALL_METHODS) else chosen
    db.session.flush()  # through the ORM: the catalog token changes, the tablets hear of it
    return fair


def _check_time(value: str, field: str) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ApiError(422, "invalid", "시간은 HH:MM 형식으로 적습니다 (예: 10:00)", field)
    return value


def create_fair(
    code: str,
    *,
    name: str,
    date: date,
    opens: str,
    closes: str,
    organiser_brn: str,
    place: str = "",
    rain_date: date | None = None,
    commission_pct="0",
    payment_methods=None,
) -> Fair:
    """A new site of kind fair run by the organiser, and its event row, state planned."""
    code = (code or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
        raise ApiError(422, "invalid", "행사 코드는 영문, 숫자, -, _ 32자까지입니다", "code")
    if not (name or "").strip():
        raise ApiError(422, "invalid", "행사 이름을 적어 주세요", "name")
    opens, closes = _check_time(opens, "opens"), _check_time(closes, "closes")
    if opens >= closes:
        raise ApiError(422, "invalid", "마감 시간은 시작 시간보다 늦어야 합니다", "closes")
    bp = parse_pct(commission_pct)
    methods = _check_methods(payment_methods)
    organiser = vendor_by_brn(organiser_brn, "vendor")
    if db.session.execute(select(Site.id).where(Site.code == code)).scalar() is not None:
        raise ApiError(409, "code_taken", f"매장 코드 {josa(code, '은/는')} 이미 있습니다", "code")
    site = Site(
        code=code,
        name=name.strip(),
        kind=SiteKind.FAIR.value,
        vendor_id=organiser.id,
        address=place,
    )
    db.session.add(site)
    db.session.flush()
    fair = Fair(
        site_id=site.id,
        place=place,
        date=date,
        opens=opens,
        closes=closes,
        rain_date=rain_date,
        state=FairState.PLANNED.value,
        commission_bp=bp,
        payment_methods=methods,
    )
    db.session.add(fair)
    db.session.flush()
    return fair


def add_fair_row(site: Site, **fields) -> Fair:
    """The event row for an existing fair site (the demo's GN-FAIR)."""
    fair = Fair(site_id=site.id, state=FairState.PLANNED.value, **fields)
    db.session.add(fair)
    db.session.flush()
    return fair


def set_vendor(fair: Fair, brn: str, booth: str, commission_pct=None) -> FairVendor:
    """Add the vendor to the fair or move its booth; None keeps (or takes) the fair's default."""
    booth = (booth or "").strip()
    if not booth or len(booth) > 20:
        raise ApiError(422, "invalid", "부스 번호를 20자 이내로 적어 주세요", "booth")
    vendor = vendor_by_brn(brn)
    if not vendor.active:
        raise ApiError(
            422,
            "inactive_vendor",
            f"{josa(vendor.name, '은/는')} 사용하지 않는 공급자입니다",
            "brn",
        )
    bp = None if commission_pct is None else parse_pct(commission_pct)
    taken = db.session.execute(
        select(Vendor.name)
        .join(FairVendor, FairVendor.vendor_id == Vendor.id)
        .where(
            FairVendor.site_id == fair.site_id,
            FairVendor.booth == booth,
            FairVendor.vendor_id != vendor.id,
        )
    ).scalar()
    if taken:
        raise ApiError(
            409, "booth_taken", f"{booth} 부스는 이미 {josa(taken, '이/가')} 씁니다", "booth"
        )
    fv = db.session.get(FairVendor, (fair.site_id, vendor.id))
    if fv is None:
        count = db.session.execute(
            select(db.func.count())
            .select_from(FairVendor)
            .where(FairVendor.site_id == fair.site_id)
        ).scalar_one()
        fv = FairVendor(site_id=fair.site_id, vendor_id=vendor.id, sort=count)
        db.session.add(fv)
    fv.booth = booth
    fv.commission_bp = bp
    db.session.flush()
    return fv


def _transition(fair: Fair, before: str, after: str, **stamp) -> bool:
    """Guarded UPDATE: of two organisers pressing the button at once exactly one wins."""
    done = db.session.execute(
        update(Fair)
        .where(Fair.site_id == fair.site_id, Fair.state == before)
        .values(state=after)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(fair)
    if done:
        # through the ORM, so the catalog token changes and every tablet sees the new state
        for key, value in stamp.items():
            setattr(fair, key, value)
        db.session.flush()
    return bool(done)


def _fair_totals(fair: Fair) -> dict:
    """gross (sale totals less refunds), sales (count) and vendors at the close. Read through
    the tables by name: inventory may not import the sales package."""
    tables = db.metadata.tables
    sales, refunds = tables["sales"], tables["refunds"]
    count, sold = db.session.execute(
        select(func.count(), func.coalesce(func.sum(sales.c.total), 0)).where(
            sales.c.site_id == fair.site_id
        )
    ).one()
    back = db.session.execute(
        select(func.coalesce(func.sum(refunds.c.total), 0)).where(refunds.c.site_id == fair.site_id)
    ).scalar_one()
    vendors = db.session.execute(
        select(func.count()).select_from(FairVendor).where(FairVendor.site_id == fair.site_id)
    ).scalar_one()
    return {"gross": int(sold) - int(back), "sales": int(count), "vendors": int(vendors)}


def _record_fair_event(type_: str, fair: Fair, *, totals: bool = False) -> None:
    """``fair.opened`` / ``fair.closed`` in the transition's transaction, for central's fair
    summaries."""
    site = db.session.get(Site, fair.site_id)
    payload = {
        "code": site.code,
        "name": site.name,
        "date": fair.date.isoformat(),
        "place": fair.place,
        "state": fair.state,
        "opened_at": fair.opened_at.isoformat() if fair.opened_at else None,
        "closed_at": fair.closed_at.isoformat() if fair.closed_at else None,
    }
    if totals:
        payload.update(_fair_totals(fair))
    record_event(type_, site.code, payload)


def open_fair(fair: Fair, user_id: int | None) -> Fair:
    """planned → open. An open fair stays open (409), a closed one never reopens (409)."""
    if _transition(fair, FairState.PLANNED, FairState.OPEN, opened_at=utcnow(), opened_by=user_id):
        _record_fair_event("fair.opened", fair)
        return fair
    if fair.state == FairState.OPEN:
        raise ApiError(409, "already_open", "이미 진행 중인 행사입니다")
    raise ApiError(
        409, "fair_closed", "마감된 행사는 다시 열 수 없습니다. 정산 후 조정만 할 수 있습니다"
    )


def close_fair(fair: Fair, user_id: int | None) -> Fair:
    """open → closed: the event is locked; corrections after this are adjustments."""
    if _transition(fair, FairState.OPEN, FairState.CLOSED, closed_at=utcnow(), closed_by=user_id):
        _record_fair_event("fair.closed", fair, totals=True)
        return fair
    if fair.state == FairState.CLOSED:
        raise ApiError(409, "already_closed", "이미 마감된 행사입니다")
    raise ApiError(409, "fair_not_open", "아직 시작하지 않은 행사는 마감할 수 없습니다")


from .closing import adjust, count_remainder  # noqa: E402  (re-exported for the pages)
from .consign import check_in, sign_off  # noqa: E402

__all__ = [
    "ALL_METHODS",
    "accepted_methods",
    "adjust",
    "check_in",
    "close_fair",
    "count_remainder",
    "create_fair",
    "fair_json",
    "fair_vendors",
    "fairs_in_scope",
    "get_fair",
    "open_fair",
    "set_payment_methods",
    "set_vendor",
    "sign_off",
]

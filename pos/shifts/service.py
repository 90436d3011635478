"""Opening and closing a till, and cash in or out of it. Functions flush; the view commits.

Every id is made by the tablet: a retried open or cash movement finds the row it made, and
the same id with another body is 409 ``id_conflict``. One open shift per cashier and site is
the database's own rule (a partial unique index), so two tablets opening at once cannot both
win; a close is one UPDATE guarded by ``closed_at IS NULL``, so closing twice is 409.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from pos.api import ApiError
from pos.auth.approval import may_approve
from pos.db import db, utcnow
from pos.outbox import record_event
from pos.receipts.models import JobKind
from pos.receipts.queue import enqueue
from pos.scope import may_access
from pos.sites import SiteInfo

from .figures import expected_cash, live_expected, movement_view, shift_figures
from .models import CashMoveKind, CashMovement, Shift, open_shift_id
from .schemas import CashMovementIn, ShiftIn

SHIFT_OPEN = "이미 영업 중입니다. 지금 영업을 마감한 뒤에 새로 시작하세요"
SHIFT_CLOSED = "이미 마감한 영업입니다"
NO_SHIFT = "영업을 시작하세요: 시작 현금을 입력해야 돈통 입출금을 기록할 수 있습니다"
NOT_FOUND = "영업(교대) 기록을 찾을 수 없습니다"
NOT_YOURS = "다른 계산원의 영업은 매니저만 보고 마감할 수 있습니다"
ID_USED = "이미 다른 내용으로 처리된 번호입니다"


def opened_view(shift: Shift) -> dict:
    from .figures import iso

    return {"id": shift.id, "opened_at": iso(shift.opened_at), "opening_float": shift.opening_float}


def replay_open(payload: ShiftIn, user) -> Shift | None:
    """The shift already opened under this id by this user with this float, else None; the
    id used otherwise is 409."""
    shift = db.session.get(Shift, str(payload.id))
    if shift is None:
        return None
    if shift.user_id != user.id or shift.opening_float != payload.opening_float:
        raise ApiError(409, "id_conflict", ID_USED, "id")
    return shift


def open_shift(payload: ShiftIn, *, site: SiteInfo, user) -> tuple[Shift, bool]:
    """(the shift, created?); 409 ``shift_open`` while the user has another open shift here."""
    if (shift := replay_open(payload, user)) is not None:
        return shift, False
    if (open_id := open_shift_id(site.id, user.id)) is not None:
        # a twin request may have opened this very id between the two reads
        if open_id == str(payload.id) and (shift := replay_open(payload, user)) is not None:
            return shift, False
        raise ApiError(409, "shift_open", SHIFT_OPEN)
    shift = Shift(
        id=str(payload.id),
        site_id=site.id,
        user_id=user.id,
        opened_at=utcnow(),
        opening_float=payload.opening_float,
    )
    db.session.add(shift)
    db.session.flush()  # the unique index refuses a twin open here (IntegrityError)
    record_event(
        "shift.opened",
        site.code,
        {**opened_view(shift), "user": user.username, "site": site.code},
        event_id=shift.id,
    )
    return shift, True


def visible_shift(shift_id: str, user) -> Shift:
    """The shift if this user may see and close it: their own, or any at the site for a
    manager or admin of it; 404 for an unknown id, 403 for another cashier's."""
    shift = db.session.get(Shift, shift_id) if len(shift_id) <= 36 else None
    if shift is None or not may_access(shift.site_id, user):
        raise ApiError(404, "not_found", NOT_FOUND)
    if shift.user_id != user.id and not may_approve(user, shift.site_id):
        raise ApiError(403, "forbidden", NOT_YOURS)
    return shift


def close_shift(shift: Shift, counted_cash: int) -> dict:
    """Freeze the count and the expected cash, queue the closing slip (마감 전표) when there is a
    printer, and return the figures as closed."""
    if shift.closed_at is not None:
        raise ApiError(409, "shift_closed", SHIFT_CLOSED)
    expected = live_expected(shift)
    done = db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.closed_at.is_(None))
        .values(
            closed_at=utcnow(),
            counted_cash=counted_cash,
            expected_cash=expected,
            over_short=counted_cash - expected,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:  # another request closed it meanwhile
        raise ApiError(409, "shift_closed", SHIFT_CLOSED)
    db.session.refresh(shift)
    enqueue(None, kind=JobKind.SHIFT, ref=shift.id, site_id=shift.site_id)
    figures = shift_figures(shift)
    payload = {k: v for k, v in figures.items() if k != "movements"}
    # one close per shift: its event id follows from the shift's
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"shift-closed:{shift.id}"))
    record_event("shift.closed", figures["site"], payload, event_id=event_id)
    return figures


def suggested_float(site_id: int) -> int | None:
    """The last count of a closed till at the site: what is usually left in the drawer."""
    return db.session.execute(
        select(Shift.counted_cash)
        .where(Shift.site_id == site_id, Shift.closed_at.is_not(None))
        .order_by(Shift.closed_at.desc())
        .limit(1)
    ).scalar()


def _same_movement(m: CashMovement, payload: CashMovementIn, user, site: SiteInfo) -> bool:
    return (
        m.kind == payload.kind
        and m.amount == payload.amount
        and m.reason == payload.reason
        and m.user_id == user.id
        and m.site_id == site.id
    )


def record_movement(
    payload: CashMovementIn, *, site: SiteInfo, user
) -> tuple[CashMovement, bool, str | None]:
    """(the movement, created?, drawer job status). Cash in or out needs an open shift and never
    takes out more than the drawer should hold; a no-sale just opens the drawer. Every kind
    opens the drawer (a ``drawer`` print job) when there is a printer."""
    found = db.session.get(CashMovement, str(payload.id))
    if found is not None:
        if not _same_movement(found, payload, user, site):
            raise ApiError(409, "id_conflict", ID_USED, "id")
        return found, False, None
    shift_id = open_shift_id(site.id, user.id)
    kind = CashMoveKind(payload.kind)
    if shift_id is None and kind != CashMoveKind.NO_SALE:
        raise ApiError(409, "no_shift", NO_SHIFT)
    if kind == CashMoveKind.PAY_OUT:
        # two payouts at once on PostgreSQL wait here one by one (SQLite writes are serial)
        db.session.execute(select(Shift.id).where(Shift.id == shift_id).with_for_update())
        in_drawer = live_expected(db.session.get(Shift, shift_id))
        if payload.amount > in_drawer:
            raise ApiError(
                409,
                "not_enough_cash",
                f"돈통에 있어야 할 현금({in_drawer:,}원)보다 많이 꺼낼 수 없습니다",
                "amount",
            )
    movement = CashMovement(
        id=str(payload.id),
        site_id=site.id,
        shift_id=shift_id,
        user_id=user.id,
        kind=kind.value,
        amount=payload.amount,
        reason=payload.reason,
        created_at=utcnow(),
    )
    db.session.add(movement)
    db.session.flush()
    record_event(
        "cash.moved",
        site.code,
        {**movement_view(movement), "user": user.username, "site": site.code},
        event_id=movement.id,
    )
    status = enqueue(None, kind=JobKind.DRAWER, ref=movement.id, site_id=site.id)
    return movement, True, status


__all__ = [
    "close_shift",
    "expected_cash",
    "open_shift",
    "record_movement",
    "shift_figures",
    "suggested_float",
    "visible_shift",
]

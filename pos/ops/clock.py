"""The clock (issue 10): a café mini PC whose battery died boots into the past. Sales made then
carry wrong times and land on the wrong business day, so when this server's clock is behind the
newest sale, refund or outbox event it wrote by more than five minutes, the cashier screen
(``GET /api/clock``) and every back-office page say so in Korean. Order and receipt numbers stay
unique regardless: they come from a per-day counter, not from the time."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, jsonify, request
from flask_login import current_user
from pydantic import BaseModel
from sqlalchemy import func, select

from pos.api import endpoint
from pos.db import db, utcnow

#: how far behind the newest record the clock may be before a warning (DESIGN §5)
LIMIT = timedelta(minutes=5)

bp = Blueprint("ops_clock", __name__, url_prefix="/api")


def newest_record() -> datetime | None:
    """The latest time this server wrote on a sale, a refund or an outbox event (UTC, naive).
    Three reads of indexed columns: cheap enough for every back-office page."""
    from pos.outbox import OutboxEvent
    from pos.refunds.models import Refund
    from pos.sales.models import Sale

    times = [
        db.session.scalar(select(func.max(Sale.created_at))),
        db.session.scalar(select(func.max(Refund.created_at))),
        db.session.scalar(
            select(OutboxEvent.occurred_at).order_by(OutboxEvent.seq.desc()).limit(1)
        ),
    ]
    times = [t if isinstance(t, datetime) else _parse(t) for t in times if t is not None]
    return max(times) if times else None


def _parse(value) -> datetime:
    return datetime.fromisoformat(str(value))


def seconds_behind(now: datetime | None = None) -> int | None:
    """How many seconds the clock is behind the newest record, when that is over LIMIT."""
    newest = newest_record()
    now = now or utcnow()
    if newest is None or newest - now <= LIMIT:
        return None
    return int((newest - now).total_seconds())


def warning_text(seconds: int) -> str:
    return (
        f"이 서버의 시계가 가장 최근 판매 기록보다 {_span(seconds)} 늦습니다. "
        "이대로 팔면 영수증의 시각과 매출 날짜가 틀립니다. "
        "컴퓨터의 날짜와 시각을 맞춰 주세요(관리자에게 알려 주세요)."
    )


def _span(seconds: int) -> str:
    """ "7분", "3시간 20분", "1일 2시간": as a person would say it."""
    minutes = seconds // 60
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}일" + (f" {hours}시간" if hours else "")
    if hours:
        return f"{hours}시간" + (f" {minutes}분" if minutes else "")
    return f"{minutes}분"


class ClockOut(BaseModel):
    #: this server's time (UTC)
    now: str
    #: the newest sale, refund or outbox event's time (UTC), or null
    newest: str | None
    #: seconds behind the newest record when over five minutes, else null
    behind_seconds: int | None
    #: the Korean warning to show, or null
    warning: str | None


@endpoint("/clock", blueprint=bp, response=ClockOut, summary="서버 시계 확인")
def clock():
    """Whether this server's clock is behind the newest record it wrote (the cashier warns)."""
    now = utcnow()
    newest = newest_record()
    behind = seconds_behind(now)
    return jsonify(
        now=now.isoformat() + "Z",
        newest=newest.isoformat() + "Z" if newest else None,
        behind_seconds=behind,
        warning=warning_text(behind) if behind else None,
    )


def _back_office_warning() -> dict:
    """``clock_warning`` for the back-office layout, on its pages only."""
    if request.blueprint not in ("backoffice", "stock", "fairs") and not (
        request.endpoint or ""
    ).startswith("backoffice."):
        return {}
    if not current_user.is_authenticated:
        return {}
    behind = seconds_behind()
    return {"clock_warning": warning_text(behind) if behind else None}


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.context_processor(_back_office_warning)

"""Discount reasons: the manager's list the cashier picks from, and the site's approval limit.

``GET /api/discount-reasons`` is what the tablet reads before it offers a discount; the back
office (pos/backoffice/discounts.py) keeps the list. A reason is never deleted, only put out of
use (``active``), so old sales keep the name they were given.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import BaseModel
from sqlalchemy import func, select

from pos.api import ApiError, endpoint
from pos.auth.service import login_required
from pos.context import current_site
from pos.db import db
from pos.korean import particle

from .models import DiscountReason

#: nested under the back office's blueprint (registered before it), so it needs no app hook
api = Blueprint("discounts_api", __name__, url_prefix="/api")

NAME_MAX = 60


class ReasonOut(BaseModel):
    id: int
    name: str


class DiscountReasonsOut(BaseModel):
    reasons: list[ReasonOut]
    #: a discount over this percent of the amount needs a manager's PIN; null: never
    approval_pct: int | None


def active_reasons() -> list[DiscountReason]:
    return list(
        db.session.scalars(
            select(DiscountReason)
            .where(DiscountReason.active.is_(True))
            .order_by(DiscountReason.sort, DiscountReason.id)
        )
    )


def all_reasons() -> list[DiscountReason]:
    """In use first (in their order), then the ones put out of use."""
    return list(
        db.session.scalars(
            select(DiscountReason).order_by(
                DiscountReason.active.desc(), DiscountReason.sort, DiscountReason.id
            )
        )
    )


def clean_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ApiError(422, "invalid", "할인 사유를 입력하세요", "name")
    if len(name) > NAME_MAX:
        raise ApiError(422, "invalid", f"할인 사유는 {NAME_MAX}자까지입니다", "name")
    return name


def _taken(name: str, but: int | None = None) -> None:
    query = select(DiscountReason.id).where(func.lower(DiscountReason.name) == name.lower())
    if but is not None:
        query = query.where(DiscountReason.id != but)
    if db.session.execute(query).first():
        raise ApiError(
            409, "duplicate", f"'{name}'{particle(name, '은/는')} 이미 있는 사유입니다", "name"
        )


def add_reason(raw: str | None) -> DiscountReason:
    """A new reason at the end of the list. Flushes; the caller commits."""
    name = clean_name(raw)
    _taken(name)
    last = db.session.execute(select(func.max(DiscountReason.sort))).scalar() or 0
    reason = DiscountReason(name=name, active=True, sort=last + 1)
    db.session.add(reason)
    db.session.flush()
    return reason


def rename_reason(reason: DiscountReason, raw: str | None) -> DiscountReason:
    """Renaming changes what later sales record; sales already made keep the old name."""
    name = clean_name(raw)
    _taken(name, but=reason.id)
    reason.name = name
    db.session.flush()
    return reason


def set_active(reason: DiscountReason, active: bool) -> DiscountReason:
    reason.active = active
    db.session.flush()
    return reason


def parse_limit(raw: str | None) -> int | None:
    """The approval limit from a form: empty = never ask (None), else 0–100 percent."""
    text = (raw or "").strip().removesuffix("%").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise ApiError(
            422, "invalid", "승인 한도는 0부터 100까지의 정수(%)로 입력하세요", "approval_pct"
        )
    return int(text)


@endpoint(
    "/discount-reasons",
    summary="The discount reasons a cashier may pick and the site's approval limit (percent)",
    response=DiscountReasonsOut,
    blueprint=api,
)
@login_required
def get_discount_reasons():
    site = current_site()
    reasons = [{"id": r.id, "name": r.name} for r in active_reasons()]
    return jsonify({"reasons": reasons, "approval_pct": site.discount_approval_pct})

"""A manager's approval typed on a cashier's tablet (refunds, voids, large discounts).

The approver's PIN (or password) is checked exactly like a log-in, so wrong tries count
towards the same lock and a flood of guesses is no faster here than at the log-in page. It
never becomes the session's user: the cashier stays logged in and the record names both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from pos.api import ApiError
from pos.db import db

from .models import Role
from .service import LoginFailed, authenticate

if TYPE_CHECKING:
    from .models import User

#: who may approve: a manager or an admin
APPROVERS = (Role.MANAGER.value, Role.ADMIN.value)


class ApproverIn(BaseModel):
    """``{username, pin}`` or ``{username, password}`` of a manager or admin."""

    model_config = ConfigDict(extra="forbid", strict=True)

    username: str = Field(min_length=1, max_length=60)
    pin: str | None = Field(default=None, min_length=4, max_length=12, pattern=r"^[0-9]+$")
    password: str | None = Field(default=None, min_length=1, max_length=200)


def may_approve(user, site_id: int | None) -> bool:
    """A manager or admin of this site (one bound to no site may approve anywhere)."""
    return (
        user is not None
        and getattr(user, "role", None) in APPROVERS
        and (user.site_id is None or site_id is None or user.site_id == site_id)
    )


def approve(approver: ApproverIn | None, *, actor, site_id: int | None, need: str) -> User | None:
    """None when ``actor`` may do it alone (a manager of the site); else the approving manager,
    or a 403 that says in Korean what is missing. ``need`` names the action for the message,
    e.g. "환불" -> "환불에는 매니저 승인이 필요합니다".

    Call it before writing anything: a wrong try is committed at once, so it counts towards
    the name's lock although the request itself fails and rolls back."""
    if may_approve(actor, site_id):
        return None
    if approver is None:
        raise ApiError(403, "approval_required", f"{need}에는 매니저 승인이 필요합니다", "approver")
    try:
        user = authenticate(approver.username, pin=approver.pin, password=approver.password)
    except LoginFailed as exc:
        db.session.commit()  # keep the wrong try's count (nothing else is written yet)
        status = 423 if exc.code == "locked" else 403
        message = exc.message if exc.code == "locked" else "승인 PIN이 맞지 않습니다"
        raise ApiError(status, "approval_refused", message, "approver") from None
    if not may_approve(user, site_id):
        raise ApiError(
            403,
            "approval_refused",
            "매니저나 관리자의 PIN으로만 승인할 수 있습니다",
            "approver",
        )
    return user

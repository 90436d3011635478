"""/staff: managers and admins see the users they look after, lift log-in locks and set new
PINs, so a locked-out cashier does not wait for someone with the server's command line.

Server-rendered forms with the global CSRF protection; every change is committed here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from pos.auth import service as auth
from pos.auth.models import User
from pos.db import db

bp = Blueprint("staff", __name__, url_prefix="/staff")

KST = ZoneInfo("Asia/Seoul")
PIN_RE = re.compile(r"\d{4,6}")
manager_only = auth.roles_required("manager", "admin")


@dataclass(frozen=True)
class StaffRow:
    """One user as the page shows them."""

    user: User
    site_name: str
    failed: int
    locked_until: datetime | None  # Seoul time, only while the lock lasts

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    @property
    def pin_user(self) -> bool:
        """Who logs in with a PIN; managers and admins keep to passwords, so a PIN set here
        never opens a short-secret way into their accounts."""
        return bool(self.user.pin_hash) or self.user.role == "cashier"

    @property
    def until_text(self) -> str:
        if self.locked_until is None:
            return ""
        today = datetime.now(KST).date() == self.locked_until.date()
        fmt = "%H:%M까지" if today else "%m월 %d일 %H:%M까지"
        return self.locked_until.strftime(fmt)


def _scope():
    """Users this manager looks after: their own site's, or everyone's when they have no site
    (and always everyone's for an admin)."""
    q = select(User).order_by(User.site_id.is_(None), User.site_id, User.display_name)
    if current_user.role != "admin" and current_user.site_id is not None:
        q = q.where(User.site_id == current_user.site_id)
    return q


def _site_names() -> dict[int, str]:
    # the table, not the model class: the page needs only names, wherever the model lives
    sites = db.metadata.tables["sites"]
    return {row.id: row.name for row in db.session.execute(select(sites.c.id, sites.c.name))}


def _row(user: User, names: dict[int, str]) -> StaffRow:
    state = auth.lock_state(user.username)
    until = None
    if state.locked:
        until = state.locked_until.replace(tzinfo=UTC).astimezone(KST)
    site = names.get(user.site_id, "") if user.site_id else "전체 매장"
    return StaffRow(user, site, state.failed, until)


def _managed_user(user_id: int) -> User:
    """The user behind a form, if this manager looks after them; a manager cannot change an
    admin (an admin can)."""
    user = db.session.execute(_scope().where(User.id == user_id)).scalar_one_or_none()
    if user is None:
        abort(404)
    if user.role == "admin" and current_user.role != "admin":
        abort(403)
    return user


@bp.get("")
@manager_only
def index():
    names = _site_names()
    rows = [_row(u, names) for u in db.session.scalars(_scope())]
    rows.sort(key=lambda r: not r.locked)  # the ones waiting for help first
    return render_template("staff/index.html", rows=rows)


@bp.post("/<int:user_id>/unlock")
@manager_only
def unlock_user(user_id: int):
    user = _managed_user(user_id)
    auth.unlock(user.username)
    db.session.commit()
    flash(f"{user.display_name} 님의 잠금을 풀었습니다. 이제 로그인할 수 있습니다.", "ok")
    return redirect(url_for("staff.index"))


@bp.post("/<int:user_id>/pin")
@manager_only
def reset_pin(user_id: int):
    user = _managed_user(user_id)
    if not _row(user, {}).pin_user:
        abort(403)
    pin = request.form.get("pin", "")
    again = request.form.get("pin_again", "")
    if not PIN_RE.fullmatch(pin):
        flash("PIN은 숫자 4~6자리로 입력하세요.", "error")
    elif pin != again:
        flash("두 번 입력한 PIN이 서로 다릅니다. 다시 입력하세요.", "error")
    else:
        user.set_pin(pin)  # also ends the sessions made with the old PIN
        auth.unlock(user.username)
        db.session.commit()
        flash(f"{user.display_name} 님의 PIN을 바꾸고 잠금을 풀었습니다.", "ok")
    return redirect(url_for("staff.index"))

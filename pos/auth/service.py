"""Log-in rules: hashed secrets, five wrong tries lock the user for a few minutes."""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from pos.api import ApiError
from pos.db import db, utcnow

from .models import User

WRONG_PIN = "PIN이 맞지 않습니다"
WRONG_PASSWORD = "사용자 이름 또는 비밀번호가 맞지 않습니다"
#: checked against when the user does not exist (see authenticate)
_DUMMY_HASH = generate_password_hash("not-a-real-secret")


class LoginFailed(Exception):
    def __init__(self, code: str, message: str, status: int = 401):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def authenticate(username: str, *, pin: str | None = None, password: str | None = None) -> User:
    """Return the user or raise LoginFailed; counts failures (flushes, the caller commits)."""
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.active:
        # spend the same time as a real check, so timing does not tell which names exist
        check_password_hash(_DUMMY_HASH, pin or password or "")
        raise LoginFailed("bad_credentials", WRONG_PIN if pin is not None else WRONG_PASSWORD)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginFailed(
            "locked", f"로그인 시도가 너무 많아 잠겼습니다. {minutes}분 뒤에 다시 시도하세요", 423
        )
    if pin is not None:
        ok = user.check_pin(pin)
    elif password is not None:
        ok = user.check_password(password)
    else:
        raise LoginFailed("bad_credentials", "PIN 또는 비밀번호를 입력하세요", 400)
    if not ok:
        # counted in SQL so parallel wrong tries cannot overwrite each other's count
        failed = db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        max_attempts = current_app.config["LOGIN_MAX_ATTEMPTS"]
        if failed % max_attempts == 0:
            # each further lock in a row lasts twice as long (at most a day), so a 4-digit
            # PIN cannot be walked through five tries at a time
            minutes = min(
                current_app.config["LOGIN_LOCK_MINUTES"] * 2 ** (failed // max_attempts - 1),
                24 * 60,
            )
            db.session.execute(
                update(User)
                .where(User.id == user.id)
                .values(locked_until=now + timedelta(minutes=minutes))
                .execution_options(synchronize_session=False)
            )
            raise LoginFailed(
                "locked",
                f"{max_attempts}번 틀려서 잠겼습니다. {minutes}분 뒤에 다시 시도하세요",
                423,
            )
        if pin is None:
            # no count for passwords: it would tell which manager names exist
            raise LoginFailed("bad_credentials", WRONG_PASSWORD)
        left = max_attempts - failed % max_attempts
        raise LoginFailed("bad_credentials", f"{WRONG_PIN} (남은 시도 {left}번)")
    if not _may_work_here(user):
        raise LoginFailed("wrong_site", "이 매장에 등록된 사용자가 아닙니다", 403)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return user


def _may_work_here(user: User) -> bool:
    """A branch server serves one site: users bound to another site may not sell here."""
    if current_app.config["POS_ROLE"] != "branch" or user.site_id is None:
        return True
    from pos.context import server_site

    site = server_site()
    return site is None or site.id == user.site_id


def roles_required(*roles: str):
    """Check the role on every request; JSON callers get a JSON error, pages a redirect."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    raise ApiError(401, "login_required", "로그인이 필요합니다")
                from flask import redirect, url_for

                return redirect(url_for("auth.login", next=request.path))
            if roles and current_user.role not in roles:
                raise ApiError(403, "forbidden", "이 작업을 할 권한이 없습니다")
            return view(*args, **kwargs)

        return wrapper

    return decorator


login_required = roles_required()

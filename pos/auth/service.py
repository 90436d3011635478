"""Log-in rules: hashed secrets, and wrong tries that lock a name for a while.

Every attempt costs exactly one hash check, whether the name exists, is locked, belongs to
another site or has no secret of that kind, and every refusal reads the same: neither timing
nor wording tells an outsider which names exist. The hash is checked in a read transaction,
so a flood of log-ins never holds the SQLite write lock that sales need.
"""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from pos.api import ApiError
from pos.db import db, dialect_insert, read_only_transaction, utcnow

from .models import LoginFailure, LoginMethod, User

WRONG_PIN = "이름 또는 PIN이 맞지 않습니다"
WRONG_PASSWORD = "사용자 이름 또는 비밀번호가 맞지 않습니다"
#: per hash method: checked against when there is no real hash to check (see authenticate)
_dummy_hashes: dict[str, str] = {}


class LoginFailed(Exception):
    def __init__(self, code: str, message: str, status: int = 401, retry_after: int = 0):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not-a-real-secret", method=method)
    return _dummy_hashes[method]


def _lower_priority() -> None:
    # a thread is a task of its own on Linux: nice it, not the process, so that while a hash
    # takes a core a sale's request thread is scheduled first
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


#: hash checks run one at a time per process, at a lower CPU priority than sales
_hasher = ThreadPoolExecutor(1, thread_name_prefix="pos-hash", initializer=_lower_priority)


def _check_hash(pwhash: str, secret: str) -> bool:
    return _hasher.submit(check_password_hash, pwhash, secret).result()


def _key(username: str) -> str:
    return username.strip().lower()[:60]


def _locked_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"로그인 시도가 너무 많아 잠겼습니다. {minutes}분 뒤에 다시 시도하세요"


def authenticate(username: str, *, pin: str | None = None, password: str | None = None) -> User:
    """Return the user or raise LoginFailed; records wrong tries (flushes, the caller commits)."""
    if pin is not None:
        method, secret, wrong = LoginMethod.PIN, pin, WRONG_PIN
    elif password is not None:
        method, secret, wrong = LoginMethod.PASSWORD, password, WRONG_PASSWORD
    else:
        raise LoginFailed("bad_credentials", "PIN 또는 비밀번호를 입력하세요", 400)
    key = _key(username)
    now = utcnow()
    with read_only_transaction():
        # the name as a person types it: spaces around it and capitals do not matter
        user = db.session.scalars(
            select(User).where(func.lower(User.username) == key).order_by(User.id)
        ).first()
        usable = user is not None and user.active and _may_work_here(user)
        stored = None
        if usable:
            stored = user.pin_hash if method is LoginMethod.PIN else user.password_hash
        failure = db.session.get(LoginFailure, (key, method.value))
        locked_until = failure.locked_until if failure else None
        failed_before = failure.failed if failure else 0
        # always exactly one hash check: the same time for every kind of refusal
        ok = _check_hash(stored or _dummy_hash(), secret) and stored is not None
    if locked_until and locked_until > now:
        seconds = int((locked_until - now).total_seconds()) + 1
        raise LoginFailed("locked", _locked_message(seconds), 423, seconds)
    if not ok:
        seconds = _record_failure(key, method, failed_before, now)
        if seconds:
            raise LoginFailed("locked", _locked_message(seconds), 423, seconds)
        # the count is kept per typed name, known or not, so it tells nothing about the name
        left = (
            current_app.config["LOGIN_MAX_ATTEMPTS"]
            - (failed_before + 1) % current_app.config["LOGIN_MAX_ATTEMPTS"]
        )
        raise LoginFailed("bad_credentials", f"{wrong} (남은 시도 {left}번)")
    if failure is not None:
        db.session.execute(
            delete(LoginFailure).where(
                LoginFailure.username == key, LoginFailure.method == method.value
            )
        )
    return user


def _record_failure(key: str, method: LoginMethod, failed_before: int, now: datetime) -> int:
    """Count a wrong try; returns the lock's length in seconds when this try locks the name.

    Each further lock in a row lasts twice as long (at most a day), so a 4-digit PIN cannot be
    walked through five tries at a time."""
    cfg = current_app.config
    max_attempts = cfg["LOGIN_MAX_ATTEMPTS"]
    failed = failed_before + 1
    locked_until = None
    if failed % max_attempts == 0:
        minutes = min(cfg["LOGIN_LOCK_MINUTES"] * 2 ** (failed // max_attempts - 1), 24 * 60)
        locked_until = now + timedelta(minutes=minutes)
    row = {
        "username": key,
        "method": method.value,
        "failed": failed,
        "locked_until": locked_until,
        "updated_at": now,
    }
    stmt = dialect_insert(LoginFailure.__table__).values(**row)
    # counted in SQL so parallel wrong tries cannot overwrite each other's count
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["username", "method"],
            set_={
                "failed": LoginFailure.__table__.c.failed + 1,
                "locked_until": stmt.excluded.locked_until,
                "updated_at": now,
            },
        )
    )
    return int((locked_until - now).total_seconds()) if locked_until else 0


@dataclass(frozen=True)
class LockState:
    failed: int
    locked_until: datetime | None

    @property
    def locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > utcnow())


def lock_state(username: str) -> LockState:
    """Wrong tries and lock of a name, over both methods (for the staff page)."""
    rows = db.session.scalars(select(LoginFailure).where(LoginFailure.username == _key(username)))
    failed, until = 0, None
    for row in rows:
        failed += row.failed
        if row.locked_until and (until is None or row.locked_until > until):
            until = row.locked_until
    return LockState(failed, until)


def unlock(username: str) -> None:
    """Forget a name's wrong tries and lift its lock (a manager's action)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == _key(username)))


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
                if not request.path.startswith("/api/"):
                    from flask import abort

                    abort(403)  # the Korean error page
                raise ApiError(403, "forbidden", "이 작업을 할 권한이 없습니다")
            return view(*args, **kwargs)

        return wrapper

    return decorator


login_required = roles_required()

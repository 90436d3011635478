"""Authentication: flask-login sessions, PINs and passwords, role checks."""

from __future__ import annotations

from dataclasses import dataclass

from flask import session
from flask_login import LoginManager, UserMixin
from sqlalchemy import select

from pos.db import db
from pos.versions import TokenCache, watch

login_manager = LoginManager()
#: the user's session_version when this session logged in; a mismatch ends the session
SESSION_VERSION_KEY = "_sv"


@dataclass(frozen=True)
class SessionUser(UserMixin):
    """What a request knows of its logged-in user; safe to share between threads."""

    id: int
    username: str
    display_name: str
    role: str
    site_id: int | None
    active: bool
    session_version: int

    @property
    def is_active(self) -> bool:
        return self.active


def _build_users(_token: str | None) -> dict[int, SessionUser]:
    from .models import User

    return {
        u.id: SessionUser(
            u.id, u.username, u.display_name, u.role, u.site_id, u.active, u.session_version
        )
        for u in db.session.scalars(select(User))
    }


_users = TokenCache("session_users", _build_users)


def session_users() -> dict[int, SessionUser]:
    """Users by id, rebuilt only when the shared catalog token changes (user edits bump it),
    so loading the user of a request costs no query of its own."""
    return _users.get()


def init_app(app) -> None:
    from . import views
    from .models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "로그인이 필요합니다"

    watch(User)

    @login_manager.user_loader
    def _load(user_id: str):
        user = session_users().get(int(user_id)) if user_id.isdigit() else None
        if user is None or not user.active:
            return None
        # checked on every request: log-out or a PIN reset ends saved copies of the cookie
        if session.get(SESSION_VERSION_KEY) != user.session_version:
            return None
        return user

    app.register_blueprint(views.bp)

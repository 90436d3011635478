"""Authentication: flask-login sessions, PINs and passwords, role checks."""

from __future__ import annotations

from flask_login import LoginManager

from pos.db import db

login_manager = LoginManager()


def init_app(app) -> None:
    from . import views
    from .models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "로그인이 필요합니다"

    @login_manager.user_loader
    def _load(user_id: str):
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user and user.active else None

    app.register_blueprint(views.bp)

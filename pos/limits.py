"""Request rates: log-in tries per client address and per typed name (Flask-Limiter).

Limits count in this process's memory: a branch server is one machine, and the per-name lock
in the database (pos.auth.service) still holds across processes.
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address, storage_uri="memory://", strategy="moving-window")


def login_name_key() -> str:
    """The name being tried, from the JSON body or the form."""
    body = request.get_json(silent=True) if request.is_json else None
    name = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return "login-name:" + (str(name or "").strip().lower()[:60])


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_name_limit() -> str:
    return current_app.config["LOGIN_NAME_RATE_LIMIT"]


def init_app(app) -> None:
    limiter.init_app(app)

"""Log-in pages (PIN keypad for cashiers, password for managers) and the JSON log-in."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select

from pos.api import ApiError, endpoint
from pos.context import safe_path, server_site
from pos.db import db
from pos.limits import limiter, login_limit, login_name_key, login_name_limit
from pos.sites import Site

from . import SESSION_VERSION_KEY
from .models import Role, User
from .schemas import LoginIn, LoginOut, OkOut
from .service import LoginFailed, authenticate

bp = Blueprint("auth", __name__)


def _user_json(user: User) -> dict:
    site = db.session.get(Site, user.site_id) if user.site_id else None
    return {
        "user": user.username,
        "name": user.display_name,
        "role": user.role,
        "site": site.code if site else None,
        "csrf_token": generate_csrf(),
    }


def _safe_next(target: str | None) -> str:
    """Only a plain path on this server (pos.context.safe_path), else the user's start page."""
    if safe := safe_path(target):
        return safe
    # cashiers start at the till, everyone else at the back office
    if current_user.is_authenticated and current_user.role != "cashier":
        return start_page()
    return url_for("cashier.index")


def start_page() -> str:
    """The back office's first page: on central a manager's (or admin's) day begins with every
    branch's figures (매출 리포트, when the reports are there), elsewhere with 한눈에 보기."""
    central = current_app.config["POS_ROLE"] == "central"
    if central and current_user.role in ("manager", "admin"):
        if "backoffice.reports" in current_app.view_functions:
            return url_for("backoffice.reports")
    return url_for("backoffice.home")


def _start_session(user: User) -> None:
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version or 0


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        # the back button from the till lands here: whoever is logged in stays at the till
        # (교대 logs out first, so it never comes this way)
        return redirect(_safe_next(request.args.get("next")))
    site = server_site()
    # cashiers only, and an organiser who has a PIN for this very site (at a fair they sell
    # too): a manager's or admin's name on a public page is half of a log-in
    tile = User.role == Role.CASHIER
    if site is not None:
        tile = or_(tile, (User.role == Role.ORGANISER) & (User.site_id == site.id))
    q = (
        select(User)
        .where(User.active, User.pin_hash.is_not(None), tile)
        .order_by(User.display_name)
    )
    if site is not None:
        q = q.where(or_(User.site_id == site.id, User.site_id.is_(None)))
    cashiers = db.session.scalars(q).all()
    page = render_template(
        "auth/login.html", cashiers=cashiers, site=site, next=request.args.get("next", "")
    )
    # never from the back-forward cache: coming back here must ask the server who is logged in
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/login")
@limiter.limit(login_limit)
@limiter.limit(login_name_limit, key_func=login_name_key)
def login_post():
    username = (request.form.get("username") or "").strip()
    pin = request.form.get("pin")
    password = request.form.get("password")
    try:
        user = authenticate(
            username, pin=pin if pin else None, password=password if pin is None else None
        )
    except LoginFailed as exc:
        db.session.commit()  # keep the failure count
        flash(exc.message, "locked" if exc.retry_after else "error")
        args = {"user": username, "next": _safe_next(request.form.get("next"))}
        if exc.retry_after:
            args["locked"] = exc.retry_after
        return redirect(url_for("auth.login", **args))
    db.session.commit()
    _start_session(user)
    return redirect(_safe_next(request.form.get("next")))


def _end_session() -> None:
    """Log out everywhere: a copy of the cookie saved before this stops working too."""
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        if user is not None:
            user.end_sessions()
            db.session.commit()
    logout_user()
    session.clear()


@bp.post("/logout")
def logout():
    _end_session()
    return redirect(url_for("auth.login"))


@endpoint(
    "/login",
    "POST",
    body=LoginIn,
    auth="none",
    summary="Log in with a password or a PIN; returns the CSRF token for unsafe calls",
    response=LoginOut,
    responses={
        200: "logged in",
        401: "wrong name or secret",
        423: "locked after five wrong tries; error.retry_after says for how many seconds",
        429: "too many tries from this address or for this name",
    },
    limits=(
        (login_limit, None),
        (login_name_limit, login_name_key),
    ),
)
def api_login(payload: LoginIn):
    try:
        user = authenticate(payload.username, pin=payload.pin, password=payload.password)
    except LoginFailed as exc:
        db.session.commit()
        extra = {"retry_after": exc.retry_after} if exc.retry_after else {}
        raise ApiError(exc.status, exc.code, exc.message, **extra) from None
    db.session.commit()
    _start_session(user)
    return jsonify(_user_json(user))


@endpoint("/logout", "POST", summary="End the session on every device", response=OkOut)
def api_logout():
    _end_session()
    return jsonify({"ok": True})


@endpoint("/me", summary="Who is logged in, with a fresh CSRF token", response=LoginOut)
def api_me():
    if not current_user.is_authenticated:
        raise ApiError(401, "login_required", "로그인이 필요합니다")
    return jsonify(_user_json(current_user))

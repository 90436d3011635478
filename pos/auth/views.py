"""Log-in pages (PIN keypad for cashiers, password for managers) and the JSON log-in."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select

from inventory.models import Site
from pos.api import ApiError, endpoint
from pos.context import server_site
from pos.db import db

from .models import User
from .schemas import LoginIn
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
    # only paths on this server: not "//host" or "/\\host", which browsers treat as another site
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("cashier.index")


@bp.get("/login")
def login():
    site = server_site()
    q = select(User).where(User.active, User.pin_hash.is_not(None)).order_by(User.display_name)
    if site is not None:
        q = q.where(or_(User.site_id == site.id, User.site_id.is_(None)))
    cashiers = db.session.scalars(q).all()
    return render_template(
        "auth/login.html", cashiers=cashiers, site=site, next=request.args.get("next", "")
    )


@bp.post("/login")
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
        flash(exc.message, "error")
        return redirect(url_for("auth.login", user=username, next=request.form.get("next", "")))
    db.session.commit()
    login_user(user)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@endpoint(
    "/login",
    "POST",
    body=LoginIn,
    auth="none",
    summary="Log in with a password or a PIN; returns the CSRF token for unsafe calls",
    responses={200: "logged in", 401: "wrong credentials", 423: "locked after five wrong tries"},
)
def api_login(payload: LoginIn):
    try:
        user = authenticate(payload.username, pin=payload.pin, password=payload.password)
    except LoginFailed as exc:
        db.session.commit()
        raise ApiError(exc.status, exc.code, exc.message) from None
    db.session.commit()
    login_user(user)
    return jsonify(_user_json(user))


@endpoint("/logout", "POST", summary="End the session")
def api_logout():
    logout_user()
    return jsonify({"ok": True})


@endpoint("/me", summary="Who is logged in, with a fresh CSRF token")
def api_me():
    if not current_user.is_authenticated:
        raise ApiError(401, "login_required", "로그인이 필요합니다")
    return jsonify(_user_json(current_user))

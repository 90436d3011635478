"""Serves the cashier screen; everything it does goes through the JSON API."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from pos.auth.approval import APPROVERS
from pos.auth.models import User
from pos.auth.service import login_required
from pos.auth.views import start_page
from pos.context import current_site
from pos.db import db
from pos.sales.models import CASH_RECEIPT_PURPOSES, PAYMENT_METHODS

bp = Blueprint("cashier", __name__)


@bp.get("/")
def home():
    """Cashiers start at the till; organisers, managers and admins at the back office."""
    if current_user.is_authenticated and current_user.role != "cashier":
        return redirect(start_page())
    return redirect(url_for("cashier.index"))


def approvers(site_id: int) -> list[dict]:
    """Managers and admins who may approve at this site with a PIN: the approval dialog's
    name tiles (a manager types the PIN on the cashier's tablet)."""
    rows = db.session.scalars(
        select(User)
        .where(
            User.role.in_(APPROVERS),
            User.active.is_(True),
            User.pin_hash.is_not(None),
            or_(User.site_id.is_(None), User.site_id == site_id),
        )
        .order_by(User.role.desc(), User.display_name)
    )
    return [{"username": u.username, "name": u.display_name} for u in rows]


@bp.get("/pos")
@login_required
def index():
    site = current_site()
    return render_template(
        "cashier/index.html",
        site=site,
        user=current_user,
        methods=PAYMENT_METHODS,
        purposes=CASH_RECEIPT_PURPOSES,
        approvers=approvers(site.id),
        require_shift=bool(current_app.config.get("REQUIRE_SHIFT")),
        void_minutes=int(current_app.config.get("VOID_MINUTES") or 10),
    )

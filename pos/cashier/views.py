"""Serves the cashier screen; everything it does goes through the JSON API."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from pos.auth.service import login_required
from pos.context import current_site
from pos.sales.models import CASH_RECEIPT_PURPOSES, PAYMENT_METHODS

bp = Blueprint("cashier", __name__)


@bp.get("/")
def home():
    """Cashiers start at the till; organisers, managers and admins at the back office."""
    if current_user.is_authenticated and current_user.role != "cashier":
        return redirect(url_for("backoffice.home"))
    return redirect(url_for("cashier.index"))


@bp.get("/pos")
@login_required
def index():
    return render_template(
        "cashier/index.html",
        site=current_site(),
        user=current_user,
        methods=PAYMENT_METHODS,
        purposes=CASH_RECEIPT_PURPOSES,
    )

"""Stock pages (/stock…) over the ledger."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("stock", __name__)

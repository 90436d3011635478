"""The live stock board (/fairs/CODE/board): per vendor and product brought / sold / left,
sold-out and low items highlighted, revenue so far and sales per hour. The page polls its own
fragment every 3 s with htmx (no reload); 품절 on an item is a page route over site_terms, the
same write path as the cashier screen's tap."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import abort, render_template, request
from sqlalchemy import select

from inventory import site_terms
from inventory.models import Product
from pos.auth.service import roles_required
from pos.db import db
from pos.scope import FAIR_STAFF

from .pages import bp, fair_context, fair_vendors, is_locked, load_fair

#: how often the board asks for fresh figures (the issue asks for within 5 s)
POLL_SECONDS = 3


def _chart(per_hour: list[dict]) -> list[dict]:
    """Bars for sales per hour: each hour with its share of the best hour (0–100)."""
    top = max((h["gross"] for h in per_hour), default=0)
    return [
        {
            "hour": h["hour"],
            "gross": h["gross"],
            "height": round(h["gross"] * 100 / top) if top else 0,
        }
        for h in per_hour
    ]


def _hour_label(hour) -> str:
    """ "2024-05-03T10:00" / "10:00" / 10 → "10시"."""
    text = str(hour)
    if "T" in text:
        text = text.split("T", 1)[1]
    head = text.split(":", 1)[0]
    return f"{int(head)}시" if head.isdigit() else text


def board_data(fair) -> dict:
    """The board's figures through the API's cache (rebuilt only after a sale, a stock move
    or a catalog change), so every organiser's 3-second poll stays cheap."""
    from pos.fairs.api import board_bytes

    return json.loads(board_bytes(fair))


def board_view(fair) -> dict:
    data = board_data(fair)
    only = request.values.get("only", "")
    brn = request.values.get("vendor", "")
    vendors = data.get("vendors", [])
    if brn:
        vendors = [v for v in vendors if v["brn"] == brn]
    if only == "attention":
        vendors = [
            {**v, "products": [p for p in v["products"] if p["low"] or p["sold_out"]]}
            for v in vendors
        ]
        vendors = [v for v in vendors if v["products"]]
    counts = {
        "low": sum(p["low"] and not p["sold_out"] for v in data["vendors"] for p in v["products"]),
        "sold_out": sum(p["sold_out"] for v in data["vendors"] for p in v["products"]),
    }
    return {
        "board": data,
        "shown": vendors,
        "only": only,
        "vendor": brn,
        "chart": _chart(data.get("per_hour", [])),
        "hour_label": _hour_label,
        "counts": counts,
        "poll": POLL_SECONDS,
        "now": datetime.now(UTC),
        **fair_context(fair),
    }


@bp.get("/fairs/<code>/board")
@roles_required(*FAIR_STAFF)
def board(code: str):
    fair = load_fair(code)
    return render_template("fairs/board.html", **board_view(fair))


@bp.get("/fairs/<code>/board/live")
@roles_required(*FAIR_STAFF)
def board_live(code: str):
    """The board's figures as an HTML fragment, for htmx to swap in."""
    fair = load_fair(code)
    return render_template("fairs/_board.html", **board_view(fair))


@bp.post("/fairs/<code>/board/sold-out")
@roles_required(*FAIR_STAFF)
def board_sold_out(code: str):
    """품절 (or selling again) for the rest of today at the fair; answers the fresh fragment."""
    fair = load_fair(code)
    if is_locked(fair):
        abort(409)
    try:
        product_id = int(request.form.get("product_id", ""))
    except ValueError:
        abort(400)
    product = db.session.scalar(select(Product).where(Product.id == product_id))
    if product is None or product.vendor_id not in {v.vendor.id for v in fair_vendors(fair)}:
        abort(404)
    site_terms.set_sold_out(fair.site_id, product, request.form.get("sold_out") == "1")
    db.session.commit()
    return render_template("fairs/_board.html", **board_view(fair))

"""Test helpers of the order board and bar ticket tests: café drinks made to order, and a
sale rung up on the tablet's API paying exactly (cash or card)."""

from __future__ import annotations

from sqlalchemy import select
from support import ApiClient, new_sale_body

from inventory.models import Product
from pos.db import db

#: the café's drinks of the demo (coffee and tea); the desserts are not made to order
DRINK_SKUS = ("C001", "C002", "C003", "C004", "C005", "T001", "T002", "T003")

ICED_SHOT = [("온도", "ICE"), ("샷 추가", "샷 추가")]


def make_drinks_to_order(app) -> None:
    """Flag the demo's drinks made to order (the demo may already do it; idempotent)."""
    with app.app_context():
        for product in db.session.scalars(select(Product).where(Product.sku.in_(DRINK_SKUS))):
            product.made_to_order = True
        db.session.commit()


def price_of(api: ApiClient, items) -> int:
    """What the items cost: the catalog's prices plus the chosen options' deltas."""
    cat = api.catalog()
    total = 0
    for name, qty, options in items:
        product = cat[name]
        deltas = {
            (g["name"], o["name"]): o["price_delta"]
            for g in product["option_groups"]
            for o in g["options"]
        }
        total += qty * (product["price"] + sum(deltas[opt] for opt in options))
    return total


def sell(api: ApiClient, items, *, method: str = "cash", order_type: str | None = None) -> dict:
    """Ring the items up and pay their price exactly; returns the sale's JSON."""
    total = price_of(api, items)
    if method == "cash":
        payment = {"method": "cash", "amount": total, "tendered": total}
    else:
        payment = {"method": method, "amount": total, "approval_no": "30012345"}
    extra = {"order_type": order_type} if order_type else {}
    body = new_sale_body(api, items, [payment], **extra)
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()

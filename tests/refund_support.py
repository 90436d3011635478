"""Helpers of the refund tests: a sale to refund, a refund body, the manager's approval."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from support import ApiClient, new_sale_body

from inventory.models import Product, Site, StockLevel
from pos.db import db

#: the manager types a PIN on the cashier's tablet (demo: 2580)
MANAGER = {"username": "manager", "pin": "2580"}

#: 아메리카노 ×2 (HOT, 과세 4,500 each) + 건표고버섯 100g ×1 (면세, tracked, 12,000)
ITEMS = [("아메리카노", 2, [("온도", "HOT")]), ("건표고버섯 100g", 1, [])]
TOTAL = 21000


def sell(api: ApiClient, items=ITEMS, payments=None, **extra) -> dict:
    body = new_sale_body(api, items, payments or [{"method": "cash", "amount": TOTAL}], **extra)
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def refund_body(lines=None, payments=None, amount=None, approver=MANAGER, **extra) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "reason": "손님 변심",
        "payments": payments or [{"method": "cash", "amount": amount}],
        **extra,
    }
    if lines is not None:
        body["lines"] = [{"line": line, "qty": qty} for line, qty in lines]
    if approver is not None:
        body["approver"] = approver
    return body


def refund(api: ApiClient, sale_id: str, body: dict, status: int = 201) -> dict:
    resp = api.post(f"/api/sales/{sale_id}/refund", json=body)
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


def stock_of(app, sku: str, site_code: str = "CAFE03") -> int:
    with app.app_context():
        return db.session.execute(
            select(StockLevel.on_hand)
            .join(Product, Product.id == StockLevel.product_id)
            .join(Site, Site.id == StockLevel.site_id)
            .where(Product.sku == sku, Site.code == site_code)
        ).scalar_one()

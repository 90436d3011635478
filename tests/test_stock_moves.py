"""Stock moves are idempotent by id: a retry gets the same move, another body under that id 409."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Product, Site, StockLevel, StockMove
from pos.db import db


def ledger(app, sku: str = "D001", site: str = "CAFE03") -> tuple[int, int, int]:
    """(on-hand, ledger sum, number of moves) of a product at a site."""
    with app.app_context():
        product_id = db.session.scalar(select(Product.id).where(Product.sku == sku))
        site_id = db.session.scalar(select(Site.id).where(Site.code == site))
        level = db.session.scalar(
            select(StockLevel.on_hand).where(
                StockLevel.site_id == site_id, StockLevel.product_id == product_id
            )
        )
        total, count = db.session.execute(
            select(func.coalesce(func.sum(StockMove.qty), 0), func.count()).where(
                StockMove.site_id == site_id, StockMove.product_id == product_id
            )
        ).one()
        return level or 0, total, count


def test_reused_id_with_another_body_is_409_and_changes_nothing(app, cashier):
    cookie = cashier.catalog()["수제 마들렌"]
    move_id = str(uuid.uuid4())
    body = {"id": move_id, "product_id": cookie["id"], "qty": 5, "kind": "receive"}
    first = cashier.post("/api/stock/moves", json=body)
    assert first.status_code == 201, first.get_json()
    after = ledger(app)
    assert after[0] == after[1]

    others = [
        {**body, "qty": 7},
        {**body, "kind": "waste"},
        {**body, "note": "다른 메모"},
        {**body, "product_id": cashier.catalog()["초코칩 쿠키"]["id"]},
    ]
    for other in others:
        resp = cashier.post("/api/stock/moves", json=other)
        assert resp.status_code == 409, (other, resp.get_json())
        error = resp.get_json()["error"]
        assert error["code"] == "id_conflict" and error["field"] == "id"
        assert "재고 이동" in error["message"]
        assert ledger(app) == after

    again = cashier.post("/api/stock/moves", json=body)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert ledger(app) == after


def test_count_and_transfer_retries_compare_counted_and_target(app):
    manager = ApiClient(app, "manager", password="manager1234")
    cookie = manager.catalog()["수제 마들렌"]
    start = ledger(app)[0]
    count = {"id": str(uuid.uuid4()), "product_id": cookie["id"], "qty": start + 4}
    count["kind"] = "count"
    assert manager.post("/api/stock/moves", json=count).status_code == 201
    assert manager.post("/api/stock/moves", json=count).status_code == 200
    resp = manager.post("/api/stock/moves", json={**count, "qty": start + 9})
    assert resp.status_code == 409 and resp.get_json()["error"]["field"] == "id"
    assert ledger(app)[0] == start + 4

    move = {"id": str(uuid.uuid4()), "product_id": cookie["id"], "qty": 2, "kind": "transfer"}
    move["to_site"] = "CAFE07"
    there, farm = ledger(app, site="CAFE07"), ledger(app, site="FARM02")
    assert manager.post("/api/stock/moves", json=move).status_code == 201
    assert manager.post("/api/stock/moves", json=move).status_code == 200
    resp = manager.post("/api/stock/moves", json={**move, "to_site": "FARM02"})
    assert resp.status_code == 409
    assert ledger(app)[0] == start + 2
    assert ledger(app, site="CAFE07")[0] == there[0] + 2
    assert ledger(app, site="FARM02") == farm


def test_to_site_is_only_for_transfers(app, cashier):
    cookie = cashier.catalog()["수제 마들렌"]
    body = {"product_id": cookie["id"], "qty": 1, "kind": "receive", "to_site": "CAFE07"}
    resp = cashier.post("/api/stock/moves", json=body)
    assert resp.status_code == 422 and resp.get_json()["error"]["field"] == "to_site"


def test_notes_are_stored_as_they_are_seen(sqlite_app):
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234")
    cookie = cashier.catalog()["수제 마들렌"]
    body = {
        "product_id": cookie["id"],
        "qty": 1,
        "kind": "waste",
        "note": "유통기한\x00 지남\u202e\u200b",
    }
    resp = cashier.post("/api/stock/moves", json=body)
    assert resp.status_code == 201, resp.get_json()
    with sqlite_app.app_context():
        note = db.session.get(StockMove, resp.get_json()["id"]).note
    assert note == "유통기한 지남"

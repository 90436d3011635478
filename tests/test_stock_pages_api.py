"""The batch stock API: one call books a whole receipt, waste, transfer or count; the same id
again answers the booked batch (200), with other lines 409; bad input is Korean and books
nothing."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Product, StockMove
from inventory.pages_api import BatchOut, CountOut
from pos.db import db


def _ids(app, *skus):
    with app.app_context():
        return [db.session.scalar(select(Product.id).where(Product.sku == s)) for s in skus]


def _moves(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StockMove))


def test_receipt_batch_is_idempotent_and_checks_its_lines(app):
    cashier = ApiClient(app, "cashier3", pin="1234")
    madeleine, cookie = _ids(app, "D001", "D002")
    body = {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": madeleine, "qty": 4}, {"product_id": cookie, "qty": 6}],
        "note": "납품",
    }
    first = cashier.post("/api/stock/receipts", json=body)
    assert first.status_code == 201, first.get_json()
    got = BatchOut.model_validate(first.get_json()).model_dump()
    assert got["ref"] == f"receive:{body['id']}" and not got["replayed"]
    assert [(line["qty"], line["on_hand"]) for line in got["lines"]] == [(4, 24), (6, 21)]
    again = cashier.post("/api/stock/receipts", json=body)
    assert again.status_code == 200 and again.get_json()["replayed"]
    count = _moves(app)
    other = {**body, "lines": [{"product_id": madeleine, "qty": 5}]}
    conflict = cashier.post("/api/stock/receipts", json=other)
    assert conflict.status_code == 409 and conflict.get_json()["error"]["field"] == "id"
    for bad in (
        {**body, "id": str(uuid.uuid4()), "lines": []},
        {**body, "id": str(uuid.uuid4()), "lines": [{"product_id": madeleine, "qty": 0}]},
        {**body, "id": str(uuid.uuid4()), "lines": [{"product_id": madeleine, "qty": "3"}]},
        {**body, "id": str(uuid.uuid4()), "lines": [{"product_id": 999999, "qty": 1}]},
    ):
        resp = cashier.post("/api/stock/receipts", json=bad)
        assert resp.status_code == 422, resp.get_json()
        message = resp.get_json()["error"]["message"]
        assert any("가" <= ch <= "힣" for ch in message), message
    assert _moves(app) == count


def test_transfer_batch_same_site_short_stock_and_roles(app):
    manager = ApiClient(app, "manager", password="manager1234")
    madeleine, cookie = _ids(app, "D001", "D002")
    lines = [{"product_id": madeleine, "qty": 3}, {"product_id": cookie, "qty": 40}]
    before = _moves(app)
    same = manager.post(
        "/api/stock/transfers", json={"id": str(uuid.uuid4()), "to_site": "CAFE03", "lines": lines}
    )
    assert same.status_code == 422
    assert same.get_json()["error"]["message"] == "같은 매장으로는 이동할 수 없습니다"
    short = manager.post(
        "/api/stock/transfers", json={"id": str(uuid.uuid4()), "to_site": "CAFE07", "lines": lines}
    )
    assert short.status_code == 409
    error = short.get_json()["error"]
    assert error["code"] == "insufficient_stock" and "초코칩 쿠키" in error["message"]
    assert _moves(app) == before

    body = {"id": str(uuid.uuid4()), "to_site": "CAFE07", "lines": lines[:1], "note": "지원"}
    done = manager.post("/api/stock/transfers", json=body)
    assert done.status_code == 201
    assert done.get_json()["lines"] == [{"product_id": madeleine, "qty": -3, "on_hand": 17}]
    assert _moves(app) == before + 2
    assert manager.post("/api/stock/transfers", json=body).status_code == 200
    elsewhere = manager.post("/api/stock/transfers", json={**body, "to_site": "FARM02"})
    assert elsewhere.status_code == 409
    assert _moves(app) == before + 2

    cashier = ApiClient(app, "cashier3", pin="1234")
    refused = cashier.post("/api/stock/transfers", json={**body, "id": str(uuid.uuid4())})
    assert refused.status_code == 403
    assert _moves(app) == before + 2


def test_count_batch_letters_stale_and_replay(app):
    manager = ApiClient(app, "manager", password="manager1234")
    madeleine, cookie = _ids(app, "D001", "D002")
    before = _moves(app)
    letters = {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": madeleine, "counted": "열일곱"}],
    }
    resp = manager.post("/api/stock/counts", json=letters)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["message"].startswith("센 수량")
    stale = {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": madeleine, "counted": 17, "expected": 19}],
    }
    resp = manager.post("/api/stock/counts", json=stale)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["lines"] == [
        {"product_id": madeleine, "expected": 20, "counted": 17}
    ]
    assert _moves(app) == before

    body = {
        "id": str(uuid.uuid4()),
        "lines": [
            {"product_id": madeleine, "counted": 17, "expected": 20},
            {"product_id": cookie, "counted": 15},
        ],
    }
    done = manager.post("/api/stock/counts", json=body)
    assert done.status_code == 201, done.get_json()
    CountOut.model_validate(done.get_json())
    assert [line["variance"] for line in done.get_json()["lines"]] == [-3, 0]
    assert _moves(app) == before + 1
    assert manager.post("/api/stock/counts", json=body).status_code == 200
    changed = {**body, "lines": [{"product_id": madeleine, "counted": 11}]}
    assert manager.post("/api/stock/counts", json=changed).status_code == 409
    assert _moves(app) == before + 1
    cashier = ApiClient(app, "cashier3", pin="1234")
    assert (
        cashier.post("/api/stock/counts", json={**body, "id": str(uuid.uuid4())}).status_code == 403
    )


def test_waste_batch_needs_a_known_reason(sqlite_app):
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234")
    (madeleine,) = _ids(sqlite_app, "D001")
    body = {"id": str(uuid.uuid4()), "lines": [{"product_id": madeleine, "qty": 2}]}
    assert cashier.post("/api/stock/waste", json=body).status_code == 422
    assert cashier.post("/api/stock/waste", json={**body, "reason": "stolen"}).status_code == 422
    other = cashier.post("/api/stock/waste", json={**body, "reason": "other"})
    assert other.get_json()["error"]["message"] == "기타 사유는 메모에 적어 주세요"
    done = cashier.post("/api/stock/waste", json={**body, "reason": "sample"})
    assert done.status_code == 201
    assert done.get_json()["lines"][0]["on_hand"] == 18


def test_the_batch_api_is_in_the_openapi_document(sqlite_app):
    doc = sqlite_app.test_client().get("/api/openapi.json").get_json()
    for path in ("/api/stock/receipts", "/api/stock/transfers", "/api/stock/counts"):
        assert doc["paths"][path]["post"]["security"] == [{"session": [], "csrf": []}]

"""GET /api/catalog/version: the mark an open tablet polls to know when to reload its menu."""

from __future__ import annotations

from support import ApiClient, new_sale_body


def version(api: ApiClient) -> str:
    resp = api.get("/api/catalog/version")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["version"]


def test_version_moves_with_every_change_the_menu_shows(app, cashier):
    manager = ApiClient(app, "manager", password="manager1234")
    start = version(cashier)
    assert cashier.get("/api/catalog").get_json()["version"] == start
    assert version(cashier) == start  # nothing changed: the same mark

    drink = cashier.catalog()["레몬에이드"]
    resp = cashier.post("/api/catalog/availability", {"product_id": drink["id"], "sold_out": True})
    assert resp.status_code == 200, resp.get_json()
    after_mark = version(cashier)
    assert after_mark != start

    resp = manager.post("/api/catalog/availability", {"product_id": drink["id"], "price": 5900})
    assert resp.status_code == 200, resp.get_json()
    after_price = version(cashier)
    assert after_price not in (start, after_mark)

    other = ApiClient(app, "cashier3b", pin="5678")
    body = new_sale_body(other, [("수제 마들렌", 1, [])], [{"method": "cash", "amount": 2500}])
    assert other.post("/api/sales", body).status_code == 201
    after_sale = version(cashier)
    assert after_sale != after_price  # stock moved at this site
    assert cashier.get("/api/catalog").get_json()["version"] == after_sale


def test_version_needs_a_log_in(app):
    resp = app.test_client().get("/api/catalog/version")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "login_required"

"""Refunds and voids made through the refund API (POST /api/sales/ID/refund and …/void) in
the tills and the Z report, on SQLite and PostgreSQL: a refund counts in the shift of the user
who makes it (not the shift that sold), a manager without a till moves no drawer, a void
takes the whole sale off the day and is counted as a void."""

from __future__ import annotations

import uuid

from shift_helpers import AMERICANO, MUSHROOM, open_till, sell
from support import ApiClient

MANAGER_PIN = {"username": "manager", "pin": "2580"}


def refund_api(api: ApiClient, sale: dict, amount: int, method: str = "cash", **extra):
    pay = {"method": method, "amount": amount}
    if method == "card":
        pay["approval_no"] = "99887766"
    body = {"id": str(uuid.uuid4()), "reason": "손님 변심", "payments": [pay], **extra}
    resp = api.post(f"/api/sales/{sale['id']}/refund", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_refunds_count_in_the_refunders_till(app):
    seller = ApiClient(app, "cashier3", pin="1234")
    other = ApiClient(app, "cashier3b", pin="5678")
    manager = ApiClient(app, "manager", password="manager1234")
    selling = open_till(seller, 50_000)
    refunding = open_till(other, 20_000)
    sale = sell(seller, [AMERICANO, MUSHROOM], "cash")
    # the second line (건표고버섯) back, by the other cashier with a manager's PIN
    line_total = sale["lines"][1]["amount"]
    first = refund_api(other, sale, line_total, lines=[{"line": 2, "qty": 1}], approver=MANAGER_PIN)
    assert first["total"] == line_total
    # the rest back by a manager who has no till: in no shift's drawer
    rest = refund_api(manager, sale, sale["total"] - line_total)
    sold = seller.get(f"/api/shifts/{selling}").get_json()
    back = other.get(f"/api/shifts/{refunding}").get_json()
    assert sold["cash_sales"] == sale["total"] and sold["cash_refunds"] == 0
    assert sold["expected_cash"] == 50_000 + sale["total"]
    assert back["cash_refunds"] == line_total and back["refunds"] == line_total
    assert back["expected_cash"] == 20_000 - line_total and back["refund_count"] == 1
    z = manager.get("/api/reports/z").get_json()
    assert z["refunds"] == line_total + rest["total"] == sale["total"]
    assert z["net"] == 0 and z["by_method"] == {"cash": 0}
    assert z["taxable"] == z["vat"] == z["exempt"] == 0
    assert z["top_items"] == [] and z["refund_count"] == 2 and z["voids"] == 0


def test_a_void_leaves_the_day_as_if_unsold(app):
    cashier = ApiClient(app, "cashier3", pin="1234")
    manager = ApiClient(app, "manager", password="manager1234")
    sid = open_till(cashier, 10_000)
    kept = sell(cashier, [MUSHROOM], "cash")
    voided = sell(cashier, [AMERICANO], "card")
    body = {"id": str(uuid.uuid4()), "reason": "잘못 찍음", "approver": MANAGER_PIN}
    body["payments"] = [{"method": "card", "amount": voided["total"], "approval_no": "77665544"}]
    resp = cashier.post(f"/api/sales/{voided['id']}/void", json=body)
    assert resp.status_code == 201, resp.get_json()
    f = cashier.get(f"/api/shifts/{sid}").get_json()
    assert f["by_method"] == {"cash": kept["total"], "card": 0}
    assert f["expected_cash"] == 10_000 + kept["total"]
    z = manager.get("/api/reports/z").get_json()
    assert z["sales"] == 2 and z["voids"] == 1 and z["refund_count"] == 1
    assert z["net"] == kept["total"] and z["by_method"]["card"] == 0
    assert [i["name"] for i in z["top_items"]] == ["건표고버섯 100g"]
    closed = cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": 10_000 + kept["total"]})
    assert closed.get_json()["over_short"] == 0

"""일일 마감 (the Z report) over the API on SQLite and PostgreSQL: the site's day from its sales,
refunds (counted on the day they are made), tills and drawer moves; every figure adds up like
the receipts do, net of refunds; managers only; a bad day is 422; printing needs a printer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from shift_helpers import AMERICANO, MUSHROOM, move, open_till, refund, sell
from sqlalchemy import update
from support import ApiClient

from pos.db import db
from pos.receipts.models import PrintJob
from pos.sales.models import Sale
from pos.shifts.reports import today


@pytest.fixture
def manager(app):
    return ApiClient(app, "manager", password="manager1234")


def test_a_day_adds_up(app, cashier, manager):
    other = ApiClient(app, "cashier3b", pin="5678")
    mine = open_till(cashier, 50_000)
    theirs = open_till(other, 20_000)
    a = sell(cashier, [AMERICANO, MUSHROOM], "cash")
    b = sell(
        cashier,
        [AMERICANO],
        "cash",
        cash_receipt={"purpose": "income_deduction", "identifier": "01012345678"},
    )
    c = sell(
        other, [("건표고버섯 100g", 2, [])], "card", discount=2_000, discount_reason="직원 할인"
    )
    move(cashier, "pay_in", 10_000, "잔돈 보충")
    move(other, "pay_out", 3_000, "우유 구입")
    refund(app, a["id"], "cashier3b", 4_500, "cash")
    cashier.post(f"/api/shifts/{mine}/close", json={"counted_cash": 50_000 + a["total"]})

    z = manager.get("/api/reports/z").get_json()
    sales = [a, b, c]
    total = sum(s["total"] for s in sales)
    assert z["site"] == "CAFE03" and z["day"] == today().isoformat()
    assert z["sales"] == 3 and z["refund_count"] == 1 and z["voids"] == 0
    assert z["gross"] == sum(s["subtotal"] for s in sales)
    assert z["discounts"] == 2_000 and z["gross"] - z["discounts"] == total
    assert z["refunds"] == 4_500 and z["net"] == total - 4_500
    assert z["taxable"] + z["vat"] + z["exempt"] == z["net"]
    assert z["by_method"] == {"cash": a["total"] + b["total"] - 4_500, "card": c["total"]}
    assert sum(z["by_method"].values()) == z["net"]
    assert z["paid_in"] == 10_000 and z["paid_out"] == 3_000
    assert z["cash_receipts_pending"] == 1
    assert z["orders"] == 2  # the two sales with a drink (made to order) have a bar ticket
    top = {i["name"]: i for i in z["top_items"]}
    assert top["건표고버섯 100g"]["qty"] == 3
    assert top["아메리카노"]["qty"] == 1  # two sold, one given back
    assert z["top_items"][0]["name"] == "건표고버섯 100g"
    shifts = {s["id"]: s for s in z["shifts"]}
    assert shifts[mine]["closed"] and shifts[mine]["over_short"] == -(10_000 + b["total"])
    assert shifts[mine]["expected_cash"] == 50_000 + a["total"] + b["total"] + 10_000
    assert not shifts[theirs]["closed"] and shifts[theirs]["counted_cash"] is None
    assert shifts[theirs]["expected_cash"] == 20_000 - 4_500 - 3_000
    assert [s["user"] for s in z["shifts"]] == ["김하늘", "이바다"]


def test_a_refund_counts_on_its_own_day(app, cashier, manager):
    sale = sell(cashier, [MUSHROOM], "cash")
    yesterday = today() - timedelta(days=1)
    with app.app_context():
        db.session.execute(update(Sale).where(Sale.id == sale["id"]).values(business_day=yesterday))
        db.session.commit()
    refund(app, sale["id"], "manager", sale["total"], "cash")
    before = manager.get(f"/api/reports/z?day={yesterday.isoformat()}").get_json()
    assert before["sales"] == 1 and before["net"] == sale["total"] and before["refunds"] == 0
    now = manager.get("/api/reports/z").get_json()
    assert now["sales"] == 0 and now["refunds"] == sale["total"]
    assert now["net"] == -sale["total"] and now["by_method"] == {"cash": -sale["total"]}
    assert now["exempt"] == -sale["total"] and now["top_items"] == []


def test_an_empty_day_and_bad_days(app, manager):
    z = manager.get("/api/reports/z?day=2020-01-01").get_json()
    assert z["sales"] == 0 and z["net"] == 0 and z["by_method"] == {} and z["shifts"] == []
    for bad in ("2026-13-01", "yesterday", "1999-12-31", (today() + timedelta(days=9)).isoformat()):
        resp = manager.get(f"/api/reports/z?day={bad}")
        assert resp.status_code == 422, bad
        assert resp.get_json()["error"]["field"] == "day"
        assert "YYYY-MM-DD" in resp.get_json()["error"]["message"]
    assert manager.get("/api/reports/z?site=NOPE").status_code == 404
    assert manager.get("/api/reports/z?site=CAFE07").get_json()["site"] == "CAFE07"


def test_only_managers_and_admins_see_the_z_report(app, cashier):
    assert cashier.get("/api/reports/z").status_code == 403
    assert app.test_client().get("/api/reports/z").status_code == 401
    admin = ApiClient(app, "admin", password="admin1234")
    assert admin.get("/api/reports/z").status_code == 200
    assert cashier.post("/api/reports/z/print", json={}).status_code == 403


def test_print_needs_a_printer(app, manager):
    resp = manager.post("/api/reports/z/print", json={})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "no_printer"
    bad = manager.post("/api/reports/z/print", json={"day": "2026-02-30"})
    assert bad.status_code in (409, 422)


def test_print_queues_the_day(app_factory, backend):
    app = app_factory(backend, PRINTER_URL="tcp://127.0.0.1:9")
    manager = ApiClient(app, "manager", password="manager1234")
    day = (today() - timedelta(days=1)).isoformat()
    resp = manager.post("/api/reports/z/print", json={"day": day})
    assert resp.status_code == 202 and resp.get_json()["label"] == "출력 대기"
    assert manager.post("/api/reports/z/print", json={"day": "2026-02-30"}).status_code == 422
    with app.app_context():
        jobs = db.session.query(PrintJob).filter(PrintJob.kind == "zreport").all()
        assert [(j.ref, j.sale_id) for j in jobs] == [(day, None)]
        assert jobs[0].site_id is not None
    assert date.fromisoformat(day)

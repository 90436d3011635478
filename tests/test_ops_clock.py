"""The clock (issue 10): a server whose clock is behind the newest sale warns in Korean on the
cashier's API and every back-office page; selling on with the clock set back a day keeps order
and receipt numbers unique."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from support import ApiClient, new_sale_body

from pos.db import clock_set_back, db
from pos.sales.models import Sale

AMERICANO = [("아메리카노", 1, [("온도", "HOT")])]


def _sell(api: ApiClient) -> dict:
    body = new_sale_body(api, AMERICANO, [{"method": "cash", "amount": 4500, "tendered": 5000}])
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_a_clock_behind_the_newest_sale_is_warned_in_korean(sqlite_app):
    till = ApiClient(sqlite_app, "cashier3", pin="1234")
    _sell(till)
    fine = till.get("/api/clock").get_json()
    assert fine["warning"] is None and fine["behind_seconds"] is None
    with clock_set_back(timedelta(minutes=3)):  # a few minutes off: not worth a warning
        assert till.get("/api/clock").get_json()["warning"] is None
    with clock_set_back(timedelta(days=1, hours=2)):
        late = till.get("/api/clock").get_json()
        assert late["behind_seconds"] >= 26 * 3600 - 60
        assert "시계" in late["warning"] and "1일 1시간" in late["warning"]
        boss = ApiClient(sqlite_app, "manager", password="manager1234")
        html = boss.get("/admin").get_data(as_text=True)
        assert "data-clock-warning" in html and "늦습니다" in html
    assert "data-clock-warning" not in boss.get("/admin").get_data(as_text=True)


def test_the_clock_api_needs_a_log_in(sqlite_app):
    resp = sqlite_app.test_client().get("/api/clock")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "login_required"


def test_selling_with_the_clock_set_back_keeps_numbers_unique(sqlite_app):
    till = ApiClient(sqlite_app, "cashier3", pin="1234")
    sold = [_sell(till) for _ in range(2)]
    with clock_set_back(timedelta(hours=1)):  # same day, an hour back
        sold += [_sell(till) for _ in range(2)]
    with clock_set_back(timedelta(days=1)):  # yesterday again
        sold += [_sell(till) for _ in range(2)]
    receipts = [s["receipt_no"] for s in sold]
    assert len(set(receipts)) == len(receipts), receipts
    with sqlite_app.app_context():
        rows = db.session.execute(
            select(Sale.business_day, Sale.number, func.count()).group_by(
                Sale.site_id, Sale.business_day, Sale.number
            )
        ).all()
    assert all(count == 1 for _, _, count in rows)
    assert [s["number"] for s in sold[:4]] == [sold[0]["number"] + i for i in range(4)]

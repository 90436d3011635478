"""The back office's 일일 마감 page (/admin/close) through the Flask test client: the Z report's
figures on screen (the same as GET /api/reports/z), the tills with their 과부족, a manager
closing a till left open, printing the day, and who may see it."""

from __future__ import annotations

import re

from shift_helpers import AMERICANO, MUSHROOM, move, open_till, refund, sell
from support import ApiClient
from test_backoffice_admin_users import Browser, manager

from pos import money
from pos.db import db
from pos.receipts.models import PrintJob
from pos.shifts.models import Shift


def shown(html: str, key: str) -> str:
    m = re.search(rf'data-z="{key}">([^<]*)<', html)
    assert m, key
    return m.group(1).strip()


def test_the_page_shows_the_z_report(app):
    cashier = ApiClient(app, "cashier3", pin="1234")
    sid = open_till(cashier, 50_000)
    a = sell(cashier, [AMERICANO, MUSHROOM], "cash")
    b = sell(
        cashier,
        [MUSHROOM],
        "transfer",
        cash_receipt={"purpose": "income_deduction", "identifier": "01012345678"},
    )
    move(cashier, "pay_out", 2_000, "우유 구입")
    refund(app, a["id"], "cashier3", 4_500, "cash")
    cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": 50_000 + a["total"] - 7_000})
    mgr = manager(app)
    z = mgr.api.get("/api/reports/z").get_json()
    html = mgr.get("/admin/close").get_data(as_text=True)
    assert "<h1>일일 마감</h1>" in html
    assert shown(html, "sales") == "2" and shown(html, "net") == money.won(z["net"])
    assert z["net"] == a["total"] + b["total"] - 4_500
    assert shown(html, "gross") == money.won(z["gross"])
    assert shown(html, "refunds") == money.won(-4_500)
    assert shown(html, "taxable") == money.won(z["taxable"])
    assert shown(html, "vat") == money.won(z["vat"])
    assert shown(html, "exempt") == money.won(z["exempt"])
    assert shown(html, "paid-out") == money.won(-2_000)
    assert re.search(rf'data-method="현금">{re.escape(money.won(a["total"] - 4_500))}<', html)
    assert re.search(rf'data-method="계좌이체">{re.escape(money.won(b["total"]))}<', html)
    # the till: counted 7,000 less than float + cash sales, and it had a refund and a payout
    row = re.search(rf'<tr data-shift-id="{sid}">(.*?)</tr>', html, re.S).group(1)
    assert "김하늘" in row and "-500원 (모자람)" in row and "is-bad" in row
    assert "건표고버섯 100g" in html  # top items
    assert "현금영수증 미발급 <strong>1</strong>건" in html
    if "backoffice.cash_receipts" in app.view_functions:
        assert "/admin/cash-receipts?day=" in html
    assert 'href="/admin/close"' in html  # the navigation names the page
    # the refund and the payout are listed with their reasons and who made them
    refunds = re.search(r'id="z-refund-list">(.*?)</section>', html, re.S).group(1)
    assert "손님 변심" in refunds and "-4,500원" in refunds and "김하늘" in refunds
    moves = re.search(r'id="z-movements">(.*?)</section>', html, re.S).group(1)
    assert "출금" in moves and "우유 구입" in moves and "-2,000원" in moves
    # another day: nothing, and a nonsense day shows today
    empty = mgr.get("/admin/close?day=2024-05-03").get_data(as_text=True)
    assert shown(empty, "sales") == "0" and "이 날 연 돈통이 없습니다" in empty
    assert shown(mgr.get("/admin/close?day=zzz").get_data(as_text=True), "sales") == "2"


def test_a_manager_closes_a_till_left_open(app):
    cashier = ApiClient(app, "cashier3", pin="1234")
    sid = open_till(cashier, 30_000)
    sell(cashier, [MUSHROOM], "cash")
    mgr = manager(app)
    html = mgr.get("/admin/close").get_data(as_text=True)
    assert "영업 중" in html and f"/admin/close/shifts/{sid}" in html
    bad = mgr.post(f"/admin/close/shifts/{sid}", {"counted_cash": "-3"})
    assert "센 현금을 0 이상의 숫자" in mgr.get(bad.headers["Location"]).get_data(as_text=True)
    resp = mgr.post(f"/admin/close/shifts/{sid}", {"counted_cash": "42,000"})
    assert resp.status_code == 302
    page = mgr.get(resp.headers["Location"]).get_data(as_text=True)
    assert "김하늘 님의 영업을 마감했습니다. 과부족 0원 (맞음)" in page
    with app.app_context():
        shift = db.session.get(Shift, sid)
        assert shift.counted_cash == 42_000 and shift.over_short == 0 and shift.closed_at
    again = mgr.post(f"/admin/close/shifts/{sid}", {"counted_cash": "1"})
    assert "이미 마감한 영업입니다" in mgr.get(again.headers["Location"]).get_data(as_text=True)
    assert (
        mgr.post(f"/admin/close/shifts/{sid}", {"counted_cash": "1"}, token=False).status_code
        == 400
    )


def test_print_button_queues_the_day_or_says_there_is_no_printer(app_factory):
    app = app_factory("sqlite")
    mgr = manager(app)
    resp = mgr.post("/admin/close/print", {"day": "2024-05-03"})
    assert "프린터가 설정되어 있지 않습니다" in mgr.get(resp.headers["Location"]).get_data(True)
    app = app_factory("sqlite", PRINTER_URL="tcp://127.0.0.1:9")
    mgr = manager(app)
    resp = mgr.post("/admin/close/print", {"day": "2024-05-03"})
    assert resp.headers["Location"].endswith("/admin/close?day=2024-05-03")
    assert "5월 3일 마감을 영수증 프린터로 보냈습니다" in mgr.get(
        resp.headers["Location"]
    ).get_data(True)
    with app.app_context():
        assert [j.ref for j in db.session.query(PrintJob).filter_by(kind="zreport")] == [
            "2024-05-03"
        ]


def test_only_managers_and_admins(app_factory):
    app = app_factory("sqlite")
    cashier = Browser(app, "cashier3", pin="1234")
    assert cashier.get("/admin/close").status_code == 403
    assert cashier.post("/admin/close/print", {}).status_code == 403
    assert app.test_client().get("/admin/close").status_code == 302  # to the log-in
    admin = Browser(app, "admin", password="admin1234")
    assert admin.get("/admin/close").status_code == 200


def test_a_tills_slip_prints_from_the_page(app_factory):
    app = app_factory("sqlite", PRINTER_URL="tcp://127.0.0.1:9")
    sid = open_till(ApiClient(app, "cashier3", pin="1234"))
    mgr = manager(app)
    assert f"/admin/close/shifts/{sid}/print" in mgr.get("/admin/close").get_data(True)
    resp = mgr.post(f"/admin/close/shifts/{sid}/print", {})
    assert "돈통 전표를 영수증 프린터로 보냈습니다" in mgr.get(resp.headers["Location"]).get_data(
        True
    )
    gone = mgr.post("/admin/close/shifts/nope/print", {})
    assert "찾을 수 없습니다" in mgr.get(gone.headers["Location"]).get_data(True)
    with app.app_context():
        assert [j.ref for j in db.session.query(PrintJob).filter_by(kind="shift")] == [sid]

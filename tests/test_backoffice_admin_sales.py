"""Today's sales (/admin/sales): the day's list newest first, search by 주문번호 or receipt
number, one sale opened with its lines, VAT split, payments and masked 현금영수증, and a
reprint that queues a reprint job like POST /api/sales/ID/print."""

from __future__ import annotations

import re

from support import ApiClient, new_sale_body
from test_backoffice_admin_users import Browser, manager

from pos.db import db
from pos.receipts.models import PrintJob


def place(cashier: ApiClient, items, payments, **extra) -> dict:
    body = new_sale_body(cashier, items, payments, **extra)
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def two_sales(app) -> tuple[dict, dict]:
    cashier = ApiClient(app, "cashier3", pin="1234")
    first = place(
        cashier,
        [("아메리카노", 2, [("온도", "ICE"), ("샷 추가", "샷 추가")])],
        [{"method": "card", "amount": 9000, "approval_no": "12345678", "issuer": "신한"}],
        discount=1000,
    )
    second = place(
        cashier,
        [("수제 마들렌", 1, []), ("생표고버섯 500g", 1, [])],
        [{"method": "cash", "amount": 12500, "tendered": 20000}],
        cash_receipt={"purpose": "income_deduction", "identifier": "010-1234-5678"},
    )
    return first, second


def listed_numbers(html: str) -> list[str]:
    return re.findall(r'class="bo-sale-no"[^>]*>(\d+)번<', html)


def test_list_search_open_and_reprint(app_factory, backend):
    app = app_factory(backend, PRINTER_URL="tcp://127.0.0.1:9")
    first, second = two_sales(app)
    mgr = manager(app)
    html = mgr.get("/admin/sales").get_data(as_text=True)
    assert listed_numbers(html) == ["2", "1"]  # newest first
    assert "판매 <strong>2</strong>건" in html and "21,500원" in html
    assert "김하늘" in html and "카드" in html and "현금" in html and "출력 대기" in html
    # search by the day's order number, then by (part of) the receipt number
    assert listed_numbers(mgr.get("/admin/sales?q=1").get_data(as_text=True)) == ["1"]
    by_receipt = mgr.get(f"/admin/sales?q={second['receipt_no'].lower()}").get_data(True)
    assert listed_numbers(by_receipt) == ["2"]
    assert "찾는 판매가 없습니다" in mgr.get("/admin/sales?q=99").get_data(as_text=True)
    # another day has none of them
    other = mgr.get("/admin/sales?day=2024-05-03").get_data(as_text=True)
    assert listed_numbers(other) == [] and "이 날의 판매가 없습니다" in other
    assert mgr.get("/admin/sales?day=not-a-day").status_code == 200

    page = mgr.get(f"/admin/sales/{second['id']}").get_data(as_text=True)
    assert "주문 2번" in page and second["receipt_no"] in page
    assert "생표고버섯 500g" in page and "면세" in page
    assert "과세물품가액" in page and "2,273원" in page and "227원" in page  # 2,500 VAT split
    assert "10,000원" in page  # 면세물품가액
    assert "받은 돈" in page and "20,000원" in page and "7,500원" in page
    assert "소득공제" in page and "010-****-5678" in page and "1234-5678" not in page
    card = mgr.get(f"/admin/sales/{first['id']}").get_data(as_text=True)
    assert "ICE" in card and "샷 추가 +500" in card and "신한" in card and "12345678" in card
    assert "<dt>주문 할인</dt><dd>-1,000원</dd>" in card and "9,000원" in card

    resp = mgr.post(f"/admin/sales/{second['id']}/reprint")
    assert resp.status_code == 302
    after = mgr.get(resp.headers["Location"]).get_data(as_text=True)
    assert "재출력을 보냈습니다" in after and "재출력" in after
    with app.app_context():
        jobs = db.session.query(PrintJob).filter_by(sale_id=second["id"]).order_by(PrintJob.id)
        assert [(j.reprint, j.status) for j in jobs] == [(False, "pending"), (True, "pending")]
    jobs_part = mgr.get(f"/admin/sales/{second['id']}/print-jobs").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in jobs_part  # still waiting: the part polls itself


def test_reprint_without_any_printer_says_so(app):
    (first, _second) = two_sales(app)
    mgr = manager(app)
    resp = mgr.post(f"/admin/sales/{first['id']}/reprint")
    page = mgr.get(resp.headers["Location"]).get_data(as_text=True)
    assert "영수증 프린터가 설정되어 있지 않습니다" in page
    assert "프린터 없음" in mgr.get("/admin/sales").get_data(as_text=True)
    with app.app_context():
        assert db.session.query(PrintJob).count() == 0
    # CSRF is required here too
    assert mgr.post(f"/admin/sales/{first['id']}/reprint", token=False).status_code == 400


def test_sales_are_scoped_to_the_users_sites(app_factory):
    app = app_factory("sqlite", PRINTER_URL="tcp://127.0.0.1:9")
    first, _ = two_sales(app)
    cashier = Browser(app, "cashier3", pin="1234")
    assert cashier.get("/admin/sales").status_code == 403
    assert cashier.get(f"/admin/sales/{first['id']}").status_code == 403
    mgr = manager(app)
    assert mgr.get("/admin/sales/no-such-sale").status_code == 404
    # the switcher moves a manager without a site to another site's (empty) day
    assert mgr.post("/admin/site", {"site": "CAFE07"}).status_code == 302
    assert listed_numbers(mgr.get("/admin/sales").get_data(as_text=True)) == []
    admin = Browser(app, "admin", password="admin1234")
    body = {
        "username": "mgr7",
        "display_name": "7호점 매니저",
        "role": "manager",
        "site": "CAFE07",
        "password": "cafe07-manager",
        "password_again": "cafe07-manager",
    }
    assert admin.post("/admin/users/new", body).status_code == 302
    # a CAFE07 manager logs in here only on the central store: test the page rule directly
    app.config["POS_ROLE"] = "central"
    mgr7 = Browser(app, "mgr7", password="cafe07-manager")
    assert listed_numbers(mgr7.get("/admin/sales").get_data(as_text=True)) == []
    resp = mgr7.get(f"/admin/sales/{first['id']}")
    assert resp.status_code == 403 and "권한이 없습니다" in resp.get_data(as_text=True)
    assert mgr7.post(f"/admin/sales/{first['id']}/reprint").status_code == 403
    # an organiser sees their own fair's day, not the café's sales
    organiser = Browser(app, "organiser", password="organiser1234")
    page = organiser.get("/admin/sales").get_data(as_text=True)
    assert "경남 자활생산물품 하루장터" in page and listed_numbers(page) == []
    assert organiser.get(f"/admin/sales/{first['id']}").status_code == 403


def test_a_busy_day_is_paged(sqlite_app, monkeypatch):
    from pos.backoffice import today

    monkeypatch.setattr(today, "PAGE_SIZE", 1)
    two_sales(sqlite_app)
    mgr = manager(sqlite_app)
    first = mgr.get("/admin/sales").get_data(as_text=True)
    assert listed_numbers(first) == ["2"] and "1 / 2쪽" in first
    second = mgr.get("/admin/sales?page=2").get_data(as_text=True)
    assert listed_numbers(second) == ["1"] and "판매 <strong>2</strong>건" in second
    assert listed_numbers(mgr.get("/admin/sales?page=abc").get_data(as_text=True)) == ["2"]

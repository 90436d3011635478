"""Refunds on the pages (issue 7): the e-receipt page shows them, the back office's sale page
lists them and lets a manager refund lines with a form; the day's list marks the sale."""

from __future__ import annotations

import html as html_lib
import re
import uuid

from refund_support import MANAGER, TOTAL, refund, refund_body, sell, stock_of
from sqlalchemy import func, select
from support import ApiClient
from test_backoffice_admin_users import Browser, manager

from pos.db import db
from pos.refunds.models import Refund


def page_text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


def e_receipt(app, sale: dict) -> str:
    path = sale["receipt_url"].removeprefix("https://receipts.example.kr")
    return page_text(app.test_client().get(path))


def test_e_receipt_page_shows_each_refund(app, cashier):
    sale = sell(cashier, payments=[{"method": "card", "amount": TOTAL, "approval_no": "30012345"}])
    before = e_receipt(app, sale)
    assert "반품 영수증" not in before and "환불" not in before
    out = refund(
        cashier,
        sale["id"],
        refund_body(
            lines=[(2, 1)],
            payments=[{"method": "card", "amount": 12000, "approval_no": "C7777"}],
            reason="유통기한 임박",
        ),
    )
    text = e_receipt(app, sale)
    assert "부분 환불" in text
    assert "반품 영수증" in text and out["receipt_no"] in text
    assert "원 영수증번호" in text and sale["receipt_no"] in text
    assert "유통기한 임박" in text and "지점 매니저" in text
    assert "-12,000원" in text and "취소승인번호" in text and "C7777" in text
    # the sale's own receipt is still there, unchanged
    assert "21,000원" in text and "승인번호" in text


def test_e_receipt_page_of_a_void(app, cashier):
    sale = sell(cashier)
    body = {"id": str(uuid.uuid4()), "reason": "잘못 찍음", "approver": MANAGER}
    assert cashier.post(f"/api/sales/{sale['id']}/void", json=body).status_code == 201
    text = e_receipt(app, sale)
    assert "결제 취소 영수증" in text and "-21,000원" in text


def test_manager_refunds_lines_with_the_sale_pages_form(app, cashier):
    before = stock_of(app, "S002")
    sale = sell(
        cashier,
        payments=[
            {"method": "card", "amount": 9000, "approval_no": "30012345"},
            {"method": "cash", "amount": 12000},
        ],
    )
    mgr = manager(app)
    url = f"/admin/sales/{sale['id']}"
    page = mgr.get(url).get_data(as_text=True)
    assert 'id="refund-form"' in page and "환불한 적이 없습니다" in page
    form_id = re.search(r'name="form_id" value="([^"]+)"', page).group(1)
    form = {"form_id": form_id, "qty-1": "0", "qty-2": "1", "reason": "손님 변심", "method": "cash"}
    resp = mgr.post(f"{url}/refund", form)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#refund")
    shown = page_text(mgr.get(url))
    assert "12,000원을 현금으로 환불했습니다" in shown
    assert "손님 변심" in shown and "-12,000원" in shown and "재입고" in shown
    assert stock_of(app, "S002") == before
    # the same form again (a double click) is the same refund
    mgr.post(f"{url}/refund", form)
    assert "이미 처리된 환불입니다" in page_text(mgr.get(url))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    # a card refund without the terminal's number is refused in Korean, nothing written
    card = {"form_id": str(uuid.uuid4()), "qty-1": "1", "reason": "변심", "method": "card"}
    mgr.post(f"{url}/refund", card)
    assert "취소 승인번호가 필요합니다" in page_text(mgr.get(url))
    mgr.post(f"{url}/refund", dict(card, approval_no="C123"))
    shown = page_text(mgr.get(url))
    assert "4,500원을 카드로 환불했습니다" in shown and "C123" in shown
    # more than is left, no reason, nothing picked: Korean messages
    mgr.post(f"{url}/refund", dict(card, form_id=str(uuid.uuid4()), **{"qty-1": "5"}))
    assert "1개까지만" in page_text(mgr.get(url))
    mgr.post(f"{url}/refund", {"form_id": str(uuid.uuid4()), "qty-1": "1", "method": "cash"})
    assert "환불 사유를 적어 주세요" in page_text(mgr.get(url))
    mgr.post(f"{url}/refund", {"form_id": str(uuid.uuid4()), "reason": "x", "method": "cash"})
    assert "수량을 적어 주세요" in page_text(mgr.get(url))
    listing = page_text(mgr.get("/admin/sales"))
    assert "부분 환불" in listing


def test_only_managers_and_admins_get_the_refund_form(app, cashier):
    sale = sell(cashier)
    till = Browser(app, "cashier3", pin="1234")
    resp = till.post(
        f"/admin/sales/{sale['id']}/refund", {"qty-1": "1", "reason": "x", "method": "cash"}
    )
    assert resp.status_code in (302, 403)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    page = ApiClient(app, "cashier3", pin="1234").client.get(f"/admin/sales/{sale['id']}")
    assert page.status_code in (302, 403)
    # a fully refunded sale shows its refund and no form
    refund(cashier, sale["id"], refund_body(amount=TOTAL))
    page = manager(app).get(f"/admin/sales/{sale['id']}").get_data(as_text=True)
    assert 'id="refund-form"' not in page and 'id="refund-list"' in page


def test_back_office_reprints_a_refund_receipt(app_factory):
    app = app_factory("sqlite", PRINTER_URL="tcp://127.0.0.1:9")
    cashier = ApiClient(app, "cashier3", pin="1234")
    sale = sell(cashier)
    out = refund(cashier, sale["id"], refund_body(lines=[(2, 1)], amount=12000))
    mgr = manager(app)
    resp = mgr.post(f"/admin/refunds/{out['id']}/reprint")
    assert resp.status_code == 302
    assert "다시 출력합니다" in page_text(mgr.get(f"/admin/sales/{sale['id']}"))
    with app.app_context():
        from pos.receipts.models import PrintJob

        jobs = db.session.scalars(select(PrintJob).where(PrintJob.kind == "refund")).all()
        assert [j.reprint for j in jobs] == [False, True]
        assert {j.ref for j in jobs} == {out["id"]}


def test_the_day_list_shows_refunds_and_the_net(app):
    """오늘 판매's sum: the sales, what was given back, and 순매출 as 일일 마감 counts it."""
    import uuid

    from support import ApiClient, new_sale_body

    cashier = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(cashier, [("수제 마들렌", 2, [])], [{"method": "cash", "amount": 5000}])
    sale = cashier.post("/api/sales", json=body).get_json()
    boss = ApiClient(app, "manager", password="manager1234")
    back = {
        "id": str(uuid.uuid4()),
        "lines": [{"line": 1, "qty": 1}],
        "reason": "파손",
        "payments": [{"method": "cash", "amount": 2500}],
    }
    assert boss.post(f"/api/sales/{sale['id']}/refund", json=back).status_code == 201
    html = boss.get("/admin/sales").get_data(as_text=True)
    assert "환불 <strong>-2,500원</strong>" in html
    assert "<strong data-net>2,500원</strong>" in html
    assert boss.get("/api/reports/z").get_json()["net"] == 2500

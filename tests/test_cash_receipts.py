"""현금영수증 for real: the cashier records the approval number issued on the terminal or 홈택스
(POST /api/sales/ID/cash-receipt, both backends); the back office lists the day's requests,
unissued first, masked, with a form to record the number (test client)."""

from __future__ import annotations

import re
from html import unescape

from support import ApiClient, new_sale_body
from test_backoffice_admin_users import Browser, field_error, manager

from pos.db import db
from pos.sales.models import CashReceipt

PHONE = "010-1234-5678"


def sell(api: ApiClient, *, receipt: bool = True, card: int = 0) -> dict:
    payments = [{"method": "cash", "amount": 5000 - card, "tendered": 5000 - card}]
    if card:
        payments.append({"method": "card", "amount": card, "approval_no": "30012345"})
    asked = {"purpose": "income_deduction", "identifier": PHONE}
    extra = {"cash_receipt": asked} if receipt else {}
    body = new_sale_body(api, [("수제 마들렌", 2, [])], payments, **extra)
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def issue(api: ApiClient, sale_id: str, number):
    return api.post(f"/api/sales/{sale_id}/cash-receipt", json={"approval_no": number})


def test_recording_the_approval_number(app, cashier):
    sale = sell(cashier, card=2000)
    resp = issue(cashier, sale["id"], "1234-5678 9")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["approval_no"] == "123456789"
    assert body["purpose"] == "income_deduction" and body["purpose_label"] == "소득공제"
    assert body["masked_id"] != PHONE and body["masked_id"].endswith("5678")
    assert "1234" not in body["masked_id"]
    assert body["amount"] == 3000  # the cash part only
    assert body["issued_by"] == "김하늘" and body["issued_at"]
    with app.app_context():
        row = db.session.get(CashReceipt, sale["id"])
        assert row.approval_no == "123456789" and row.issued_at is not None
    # the same number again is fine; another one is refused
    again = issue(cashier, sale["id"], "123456789")
    assert again.status_code == 200 and again.get_json()["issued_at"] == body["issued_at"]
    other = issue(cashier, sale["id"], "987654321")
    assert other.status_code == 409
    error = other.get_json()["error"]
    assert error["code"] == "already_issued"
    assert error["message"] == "이미 승인번호 123456789로 발급 처리된 현금영수증입니다"
    with app.app_context():
        assert db.session.get(CashReceipt, sale["id"]).approval_no == "123456789"
    # the sale shows it as issued
    shown = cashier.get(f"/api/sales/{sale['id']}").get_json()["cash_receipt"]
    assert shown["approval_no"] == "123456789"


def test_refusals(app, cashier):
    plain = sell(cashier, receipt=False)
    resp = issue(cashier, plain["id"], "123456789")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "no_cash_receipt"
    assert "현금영수증 요청이 없습니다" in resp.get_json()["error"]["message"]
    sale = sell(cashier)
    for bad in ("12", "12345678901234567890123456789012", "번호1234", "12#45"):
        resp = issue(cashier, sale["id"], bad)
        assert resp.status_code == 422, bad
        assert resp.get_json()["error"]["message"] == "승인번호는 숫자나 영문 4~30자로 입력하세요"
    resp = issue(cashier, sale["id"], 12345678)
    assert resp.status_code == 422
    resp = issue(cashier, "00000000-0000-0000-0000-000000000000", "123456789")
    assert resp.status_code == 404
    assert app.test_client().post(
        f"/api/sales/{sale['id']}/cash-receipt", json={"approval_no": "1234"}
    ).status_code in (400, 401)
    with app.app_context():
        assert db.session.get(CashReceipt, sale["id"]).approval_no is None


def test_another_sites_sale_is_not_found(app, cashier):
    sale = sell(cashier)
    with app.app_context():
        from sqlalchemy import select

        from pos.sales.models import Sale
        from pos.sites import Site

        # as if rung up at CAFE07 (its cashiers cannot log in at this branch)
        seven = db.session.scalars(select(Site.id).filter_by(code="CAFE07")).one()
        db.session.get(Sale, sale["id"]).site_id = seven
        db.session.commit()
    resp = issue(cashier, sale["id"], "123456789")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["message"] == "판매를 찾을 수 없습니다"
    with app.app_context():
        assert db.session.get(CashReceipt, sale["id"]).approval_no is None


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-sale-id="([^"]+)" class="(is-\w+)"', html)


def test_the_day_list_unissued_first_and_the_form(app, cashier):
    first, second, third = sell(cashier), sell(cashier), sell(cashier, receipt=False)
    issue(cashier, first["id"], "11112222")
    boss = manager(app)
    resp = boss.get("/admin/cash-receipts")
    assert resp.status_code == 200
    html = unescape(resp.get_data(as_text=True))
    assert rows(html) == [(second["id"], "is-pending"), (first["id"], "is-done")]
    assert third["id"] not in html
    assert PHONE not in html and "5678" in html
    assert '<strong id="pending-count">1</strong>' in html
    assert "11112222" in html and "미발급" in html

    resp = boss.post(f"/admin/cash-receipts/{second['id']}", {"approval_no": "x"})
    assert resp.status_code == 422
    assert field_error(resp.get_data(as_text=True), second["id"]) == (
        "승인번호는 숫자나 영문 4~30자로 입력하세요"
    )
    resp = boss.post(f"/admin/cash-receipts/{second['id']}", {"approval_no": "3333 4444"})
    assert resp.status_code == 302
    html = unescape(boss.get(resp.headers["Location"]).get_data(as_text=True))
    assert "현금영수증 승인번호 33334444를 기록했습니다." in html
    assert '<strong id="pending-count">0</strong>' in html
    with app.app_context():
        assert db.session.get(CashReceipt, second["id"]).approval_no == "33334444"

    other_day = boss.get("/admin/cash-receipts?day=2020-01-01").get_data(as_text=True)
    assert "이 날의 현금영수증 요청이 없습니다." in other_day


def test_cashiers_have_no_list_page(app):
    teller = Browser(app, "cashier3", pin="1234")
    assert teller.get("/admin/cash-receipts").status_code == 403


def test_a_refunded_sale_needs_no_cash_receipt_and_an_issued_one_says_to_cancel(app, cashier):
    import uuid

    kept, gone, issued = sell(cashier), sell(cashier), sell(cashier)
    issue(cashier, issued["id"], "33334444")
    boss = ApiClient(app, "manager", pin="2580")
    for sale in (gone, issued):
        back = {
            "id": str(uuid.uuid4()),
            "reason": "손님 변심",
            "payments": [{"method": "cash", "amount": 5000}],
        }
        resp = boss.post(f"/api/sales/{sale['id']}/refund", json=back)
        assert resp.status_code == 201, resp.get_json()
    html = unescape(manager(app).get("/admin/cash-receipts").get_data(as_text=True))
    assert rows(html)[0] == (kept["id"], "is-pending")
    assert (gone["id"], "is-done") in rows(html)
    assert '<strong id="pending-count">1</strong>' in html
    assert "전액 환불되어 발급할 필요가 없습니다" in html
    assert "이 현금영수증을 취소" in html
    z = boss.get("/api/reports/z").get_json()
    assert z["cash_receipts_pending"] == 1

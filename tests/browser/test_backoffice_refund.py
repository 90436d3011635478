"""A manager refunds a line of today's sale in the back office (real Chromium, real `pos serve`):
the sale page's refund form, the Korean confirmation, the refund listed with its 반품 영수증
number, the day's list marking the sale 부분 환불 and the customer's e-receipt page showing the
반품 영수증. Screenshots at 1024×768 and 800×1280 in test-artifacts/screenshots/."""

from __future__ import annotations

import uuid

import pytest
from conftest import PORTRAIT, TABLET, login_password, own_fixtures
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

refund_server, refund_page = own_fixtures("refund")


def sell_by_api(page: Page) -> dict:
    login = page.request.post("/api/login", data={"username": "cashier3b", "pin": "5678"})
    assert login.ok, login.text()
    token = login.json()["csrf_token"]
    products = {p["name"]: p for p in page.request.get("/api/catalog").json()["products"]}
    body = {
        "id": str(uuid.uuid4()),
        "lines": [
            {"product_id": products["건표고버섯 100g"]["id"], "qty": 1, "options": []},
            {"product_id": products["초코칩 쿠키"]["id"], "qty": 2, "options": []},
        ],
        "payments": [{"method": "cash", "amount": 16000, "tendered": 20000}],
    }
    resp = page.request.post("/api/sales", data=body, headers={"X-CSRFToken": token})
    assert resp.status == 201, resp.text()
    return resp.json()


def test_manager_refunds_a_line_on_the_sale_page(refund_page, shot):
    sale = sell_by_api(refund_page())
    page = refund_page()
    login_password(page)
    page.goto("/admin/sales")
    page.locator(f'tr[data-sale-id="{sale["id"]}"] a.bo-sale-no').click()
    form = page.locator("#refund-form")
    expect(form).to_be_visible()
    form.locator("#qty-1").fill("1")
    form.locator("#refund-reason").fill("포장 파손")
    form.locator("#refund-method").select_option("cash")
    shot(page, "backoffice-refund-form")
    form.locator("#refund-submit").click()
    expect(page.locator(".flash-ok")).to_contain_text("12,000원을 현금으로 환불했습니다")
    listed = page.locator("#refund-list")
    expect(listed).to_contain_text(sale["receipt_no"] + "-R1")
    expect(listed).to_contain_text("포장 파손")
    expect(listed).to_contain_text("재입고")
    expect(page.locator("#refundable-total")).to_have_text("4,000원")
    expect(page.locator("#qty-1")).to_be_disabled()
    shot(page, "backoffice-refund-done")
    page.set_viewport_size(PORTRAIT)
    shot(page, "backoffice-refund-done-portrait")
    page.set_viewport_size(TABLET)
    page.goto("/admin/sales")
    expect(page.locator(f'tr[data-sale-id="{sale["id"]}"]')).to_contain_text("부분 환불")

    customer = refund_page()
    customer.goto(sale["receipt_url"])
    expect(customer.locator("main")).to_contain_text("반품 영수증")
    expect(customer.locator("main")).to_contain_text("-12,000원")
    shot(customer, "e-receipt-with-refund")

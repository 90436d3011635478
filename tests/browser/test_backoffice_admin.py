"""The admin part of the back office in real Chromium against a real `pos serve`: a manager
logs in with the password, lands on /admin, resets a cashier's PIN on the users page, and the
cashier gets in on the keypad with the new PIN. Screenshots of the users, settings and sales
pages at 1024×768 and 800×1280 go to test-artifacts/screenshots/.

This module runs its own server, so changing a demo cashier's PIN never reaches other tests.
"""

from __future__ import annotations

import uuid

import pytest
from conftest import PORTRAIT, TABLET, login_password, login_pin, own_fixtures
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


admin_server, admin_page = own_fixtures("admin")


def sell_by_api(page: Page) -> None:
    """One sale by 이바다 through the JSON API, in a context of its own (cookies apart)."""
    login = page.request.post("/api/login", data={"username": "cashier3b", "pin": "5678"})
    assert login.ok, login.text()
    token = login.json()["csrf_token"]
    products = page.request.get("/api/catalog").json()["products"]
    latte = next(p for p in products if p["name"] == "카페라떼")
    temperature = next(g for g in latte["option_groups"] if g["name"] == "온도")
    ice = next(o["id"] for o in temperature["options"] if o["name"] == "ICE")
    cookie = next(p for p in products if p["name"] == "초코칩 쿠키")
    body = {
        "id": str(uuid.uuid4()),
        "lines": [
            {"product_id": latte["id"], "qty": 1, "options": [ice]},
            {"product_id": cookie["id"], "qty": 2, "options": []},
        ],
        "payments": [{"method": "cash", "amount": 9000, "tendered": 10000}],
        "cash_receipt": {"purpose": "income_deduction", "identifier": "010-2345-6789"},
    }
    resp = page.request.post("/api/sales", data=body, headers={"X-CSRFToken": token})
    assert resp.status == 201, resp.text()


def both_sizes(page: Page, shot, name: str) -> None:
    page.set_viewport_size(TABLET)
    shot(page, f"admin-{name}-1024x768")
    page.set_viewport_size(PORTRAIT)
    shot(page, f"admin-{name}-800x1280")
    page.set_viewport_size(TABLET)


def test_manager_resets_a_pin_and_the_cashier_logs_in_with_it(admin_page, shot):
    page = admin_page(TABLET)
    login_password(page)
    expect(page.locator(".bo-head h1")).to_have_text("한눈에 보기")
    page.locator(".bo-nav").get_by_role("link", name="사용자").click()
    page.wait_for_url("**/admin/users")
    row = page.locator('tr[data-username="cashier3"]')
    expect(row).to_contain_text("김하늘")
    both_sizes(page, shot, "users")
    row.get_by_role("link", name="관리").click()
    expect(page.locator(".bo-head h1")).to_have_text("김하늘")
    form = page.locator("#pin-reset")
    form.locator('input[name="pin"]').fill("8642")
    form.locator('input[name="pin_again"]').fill("8641")
    form.get_by_role("button", name="PIN 바꾸기").click()
    expect(page.locator("#e-pin_again")).to_have_text("두 번 입력한 PIN이 서로 다릅니다.")
    both_sizes(page, shot, "user-pin-error")
    form = page.locator("#pin-reset")
    form.locator('input[name="pin"]').fill("8642")
    form.locator('input[name="pin_again"]').fill("8642")
    form.get_by_role("button", name="PIN 바꾸기").click()
    expect(page.locator(".flash-ok")).to_have_text("김하늘 님의 PIN을 바꾸고 잠금을 풀었습니다.")
    assert "8642" not in page.content()
    both_sizes(page, shot, "user-edit")

    # the cashier, on the till tablet, with the new PIN; the old one no longer works
    till = admin_page(TABLET)
    login_pin(till, "김하늘", "1234", lands=None)
    expect(till.locator(".flash")).to_contain_text("PIN이 맞지 않습니다")
    login_pin(till, "김하늘", "8642")
    till.locator(".product").first.wait_for()


def test_new_user_form_follows_the_role(admin_page, shot):
    page = admin_page(TABLET)
    login_password(page)
    page.goto("/admin/users/new")
    expect(page.locator('[data-secret="pin"]')).to_be_visible()
    expect(page.locator('[data-secret="password"]')).to_be_hidden()
    page.locator("#f-role").select_option("manager")
    expect(page.locator('[data-secret="pin"]')).to_be_hidden()
    expect(page.locator('[data-secret="password"]')).to_be_visible()
    page.locator("#f-role").select_option("cashier")
    page.locator("#f-username").fill("cashier3")
    page.get_by_role("button", name="사용자 추가").click()
    expect(page.locator("#e-username")).to_have_text(
        "이미 있는 로그인 이름입니다. 다른 이름을 정하세요."
    )
    expect(page.locator("#e-pin")).to_have_text("PIN은 숫자 4~6자리로 입력하세요.")
    both_sizes(page, shot, "user-new-errors")


def test_settings_test_print_and_todays_sales(admin_page, admin_server, shot):
    admin_printer = admin_server.printer
    page = admin_page(TABLET)
    login_password(page)
    page.locator(".bo-nav").get_by_role("link", name="매장 설정").click()
    page.wait_for_url("**/admin/settings")
    page.locator("#f-receipt_header").fill("영업시간 08:00-20:00\nWi-Fi kkumideun")
    page.locator("#f-receipt_footer").fill("교환·환불은 7일 안에 가능합니다\n고맙습니다")
    page.get_by_role("button", name="저장").click()
    expect(page.locator(".flash-ok")).to_contain_text("매장 설정을 저장했습니다")
    expect(page.locator(".bo-receipt-preview")).to_contain_text("Wi-Fi kkumideun")
    before = len(admin_printer.jobs)
    page.locator("#f-printer_url").fill(admin_printer.url)
    page.get_by_role("button", name="시험 인쇄").click()
    expect(page.locator("#test-print-result")).to_contain_text("프린터가 정상이라고 답했습니다")
    admin_printer.wait_for(before + 1)
    assert len(admin_printer.jobs) == before + 1
    both_sizes(page, shot, "settings")
    page.locator("#f-printer_url").fill("tcp://printer 9100")
    page.get_by_role("button", name="저장").click()
    expect(page.locator("#e-printer_url")).to_contain_text("tcp://192.168.0.50:9100 처럼")

    sell_by_api(admin_page(TABLET))
    page.locator(".bo-nav").get_by_role("link", name="오늘 판매").click()
    page.wait_for_url("**/admin/sales")
    first = page.locator(".bo-sales tbody tr").first
    expect(first).to_contain_text("이바다")
    expect(first).to_contain_text("9,000원")
    both_sizes(page, shot, "sales")
    first.locator(".bo-sale-no").click()
    expect(page.locator("#cash-receipt")).to_contain_text("010-****-6789")
    expect(page.locator(".bo-sale-detail")).to_contain_text("ICE")
    expect(page.locator("#sale-print-jobs li").first).to_have_attribute(
        "data-job-status", "printed", timeout=15_000
    )
    page.locator("#reprint").click()
    expect(page.locator(".flash-ok")).to_contain_text("재출력을 보냈습니다")
    # the jobs part polls itself until the reprint has printed
    expect(page.locator("#sale-print-jobs li").first).to_contain_text("재출력")
    expect(page.locator("#sale-print-jobs li").first).to_have_attribute(
        "data-job-status", "printed", timeout=15_000
    )
    both_sizes(page, shot, "sale")

"""The cashier's day in a real headless Chromium: PIN log-in, a sale with options, a reload
mid-cart, cash with change, the done screen, the e-receipt, and checkout surviving Wi-Fi loss.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

DONE_KEY = "kkumideun.pos.v1.CAFE03.done"
PENDING_KEY = "kkumideun.pos.v1.CAFE03.pending"
PHONE = {"width": 390, "height": 844}


def product(page: Page, name: str):
    return page.locator(".product", has=page.locator(".product-name", has_text=name))


def last_sale(page: Page) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('{DONE_KEY}')"))


def test_pin_login_sell_reload_and_pay_cash(page, login, shot, api, on_hand, printer, new_page):
    page.goto("/login")
    expect(page.locator("h1")).to_have_text("꿈이든 the 카페 3호 인천여성의광장점")
    expect(page.locator(".tile")).to_have_count(2)
    shot(page, "01-login")

    page.locator(".tile", has_text="김하늘").click()
    expect(page.locator(".pin-who")).to_contain_text("김하늘")
    for digit in "12":
        page.locator(f'.pin-keypad [data-key="{digit}"]').click()
    expect(page.locator(".pin-dots .dot.filled")).to_have_count(2)
    shot(page, "02-pin-keypad")
    for digit in "34":
        page.locator(f'.pin-keypad [data-key="{digit}"]').click()
    page.locator('.pin-keypad [data-key="ok"]').click()
    page.wait_for_url("**/pos")
    expect(page.locator(".topbar .who")).to_contain_text("김하늘")
    expect(product(page, "아메리카노")).to_contain_text("4,500원")
    expect(product(page, "건표고버섯 100g")).to_contain_text("재고 12")
    expect(page.locator("body")).not_to_contain_text("₩")
    stock_before = on_hand(page, "S002")
    shot(page, "03-menu")

    # 아메리카노: 온도 is required before 담기; ICE and one 샷 추가 (+500)
    product(page, "아메리카노").click()
    dialog = page.locator(".options-dialog")
    expect(dialog).to_be_visible()
    add = dialog.locator(".btn-add")
    expect(add).to_be_disabled()
    expect(dialog.locator(".missing")).to_contain_text("온도")
    dialog.locator(".choice", has_text="ICE").click()
    shots = dialog.locator('.counter[data-option="샷 추가"]')
    shots.get_by_role("button", name="샷 추가 더하기").click()
    expect(shots.locator(".qty")).to_have_text("1")
    expect(add).to_be_enabled()
    expect(add).to_contain_text("5,000원")
    shot(page, "04-options")
    add.click()
    expect(dialog).to_be_hidden()

    product(page, "건표고버섯 100g").click()
    lines = page.locator(".cart .line")
    expect(lines).to_have_count(2)
    expect(page.locator(".total-amount")).to_have_text("17,000원")

    # A reload (or a crash of the tab) keeps the cart
    page.reload()
    page.locator(".product").first.wait_for()
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("아메리카노")
    expect(lines.nth(0)).to_contain_text("ICE")
    expect(lines.nth(0)).to_contain_text("샷 추가 +500")
    expect(lines.nth(0)).to_contain_text("5,000원")
    expect(lines.nth(1)).to_contain_text("건표고버섯 100g")
    expect(lines.nth(1)).to_contain_text("면세")
    expect(page.locator(".total-amount")).to_have_text("17,000원")
    shot(page, "05-cart")

    # Cash: 1만원 twice = 20,000 received, 3,000 change
    page.locator(".btn-checkout").click()
    pay = page.locator(".pay")
    expect(pay).to_be_visible()
    expect(pay.locator(".due-amount")).to_have_text("17,000원")
    expect(pay.locator('.method[data-method="cash"]')).to_have_class(re.compile(r"\bactive\b"))
    quick = pay.locator(".btn-quick", has_text="1만원")
    quick.click()
    quick.click()
    expect(pay.locator('input[name="tendered"]')).to_have_value("20,000")  # with commas
    expect(pay.locator(".change-amount")).to_have_text("3,000원")
    shot(page, "06-payment")
    pay.locator(".btn-pay-go").click()

    done = page.locator(".done")
    expect(done).to_be_visible()
    expect(done.locator(".done-change-amount")).to_have_text("3,000원")
    expect(done.locator(".done-total")).to_have_text("17,000원")
    expect(done.locator(".order-number")).to_have_text(re.compile(r"^\d+$"))
    expect(done.locator(".print-label")).to_have_text("출력됨", timeout=20_000)
    qr = done.locator("img.qr")
    expect(qr).to_have_attribute("src", re.compile(r"^/r/[0-9a-f-]{36}/qr\.svg\?t=."))
    page.wait_for_function("document.querySelector('img.qr').naturalWidth > 0")
    shot(page, "07-done")

    # The server has the sale exactly once, with server-side prices
    sale = last_sale(page)
    res = api(page, f"/api/sales/{sale['id']}")
    assert res["status"] == 200
    data = res["data"]
    assert data["total"] == 17000
    assert data["change"] == 3000
    assert data["exempt"] == 12000
    assert (data["taxable"], data["vat"]) == (4545, 455)
    assert [(ln["name"], ln["qty"]) for ln in data["lines"]] == [
        ("아메리카노", 1),
        ("건표고버섯 100g", 1),
    ]
    assert data["payments"][0]["method"] == "cash"
    assert data["payments"][0]["tendered"] == 20000
    assert on_hand(page, "S002") == stock_before - 1
    assert any("아메리카노".encode("cp949") in job for job in printer.jobs)

    # 새 주문 empties the screen for the next customer
    done.locator(".btn-new").click()
    expect(done).to_be_hidden()
    expect(lines).to_have_count(0)
    expect(page.locator(".total-amount")).to_have_text("0원")

    # The e-receipt behind the QR code, on a phone
    phone = new_page(PHONE)
    url = urlsplit(data["receipt_url"])
    phone.goto(f"{url.path}?{url.query}")
    receipt = phone.locator(".receipt")
    expect(receipt).to_have_count(len(data["receipts"]))  # one card per vendor
    text = phone.locator("main").inner_text()
    for label in ("사업자등록번호", "대표자", "영수증번호", "주문번호", "과세물품가액", "부가세"):
        assert label in text
    expect(receipt.first).to_contain_text(data["receipts"][0]["vendor"]["name"])
    for label in ("아메리카노", "ICE", "샷 추가 +500", "건표고버섯 100g", "면세", "20,000원"):
        assert label in text, label
    pairs = phone.evaluate(
        """() => Array.from(
            document.querySelectorAll(".receipt dt"),
            (dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()],
        )"""
    )
    assert sum(int(v[:-1].replace(",", "")) for k, v in pairs if k == "면세물품가액") == 12000
    assert sum(int(v[:-1].replace(",", "")) for k, v in pairs if k == "합계") == 17000
    expect(phone.locator("body")).not_to_contain_text("₩")
    shot(phone, "08-e-receipt")


def test_wrong_pin_shows_korean_error(page, shot):
    page.goto("/login")
    page.locator(".tile", has_text="이바다").click()
    for digit in "9999":
        page.locator(f'.pin-keypad [data-key="{digit}"]').click()
    page.locator('.pin-keypad [data-key="ok"]').click()
    page.wait_for_url(re.compile(r"/login\?"))
    flash = page.locator(".flash")
    expect(flash).to_be_visible()
    expect(flash).to_contain_text("PIN이 맞지 않습니다")
    # the keypad of the same cashier is open again for the next try
    expect(page.locator(".pin-who")).to_contain_text("이바다")
    shot(page, "09-wrong-pin")
    for digit in "5678":
        page.locator(f'.pin-keypad [data-key="{digit}"]').click()
    page.locator('.pin-keypad [data-key="ok"]').click()
    page.wait_for_url("**/pos")
    expect(page.locator(".topbar .who")).to_contain_text("이바다")


def test_shift_change_takes_two_taps(page, login):
    login(page)
    page.locator(".btn-shift").click()  # 교대
    page.wait_for_url("**/login")
    page.locator(".tile", has_text="이바다").click()  # then the name, then the PIN
    expect(page.locator(".pin-keypad")).to_be_visible()


def test_admin_password_login(page):
    page.goto("/login")
    page.get_by_role("button", name="관리자 로그인").click()
    form = page.locator(".admin-login")
    form.locator('input[name="username"]').fill("manager")
    form.locator('input[name="password"]').fill("manager1234")
    form.get_by_role("button", name="로그인").click()
    # managers start at the back office, with the till one tap away
    page.wait_for_url("**/admin")
    expect(page.get_by_role("heading", name="한눈에 보기")).to_be_visible()
    page.get_by_role("link", name="계산 화면").click()
    page.wait_for_url("**/pos")


def test_checkout_retries_with_the_same_id_and_charges_once(page, login, on_hand, shot):
    login(page)
    before = on_hand(page, "S002")

    # A barcode scanner types the digits and Enter
    page.locator(".search").fill("8800000000012")
    page.locator(".search").press("Enter")
    expect(page.locator(".cart .line")).to_have_count(1)
    expect(page.locator(".total-amount")).to_have_text("12,000원")

    bodies: list[str] = []

    def flaky_wifi(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        bodies.append(route.request.post_data or "")
        if len(bodies) == 1:
            # reaches the server, which records the sale, but the answer is lost
            route.fetch()
            route.abort("internetdisconnected")
        elif len(bodies) == 2:
            route.abort("internetdisconnected")  # the Wi-Fi is still down
        else:
            route.continue_()

    page.route("**/api/sales", flaky_wifi)
    page.locator(".btn-checkout").click()
    page.locator(".btn-quick", has_text="받을 금액 그대로").click()
    page.locator(".btn-pay-go").click()

    expect(page.locator(".sending-title")).to_have_text("재시도 중…")
    expect(page.locator(".sending-detail")).to_contain_text("다시 보냅니다")
    shot(page, "10-retrying")

    done = page.locator(".done")
    expect(done).to_be_visible(timeout=20_000)
    expect(done.locator(".done-total")).to_have_text("12,000원")
    assert len(bodies) == 3
    first = json.loads(bodies[0])
    assert all(json.loads(b) == first for b in bodies), "every retry must send the same body"
    assert last_sale(page)["id"] == first["id"]
    assert page.evaluate(f"localStorage.getItem('{PENDING_KEY}')") is None
    assert on_hand(page, "S002") == before - 1, "the sale must be recorded exactly once"


def test_pending_checkout_resumes_after_reload(page, login, on_hand):
    login(page)
    before = on_hand(page, "S001")
    product(page, "생표고버섯 500g").click()
    expect(page.locator(".total-amount")).to_have_text("10,000원")

    def offline(route: Route) -> None:
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/sales", offline)
    page.locator(".btn-checkout").click()
    page.locator(".btn-pay-go").click()
    expect(page.locator(".sending-title")).to_have_text("재시도 중…")
    pending = json.loads(page.evaluate(f"localStorage.getItem('{PENDING_KEY}')"))

    # The tablet is reloaded while the checkout is still waiting: it finishes that same sale
    page.unroute("**/api/sales")
    page.reload()
    done = page.locator(".done")
    expect(done).to_be_visible()
    expect(done.locator(".done-total")).to_have_text("10,000원")
    assert last_sale(page)["id"] == pending["body"]["id"]
    assert on_hand(page, "S001") == before - 1
    # and the cart is empty for the next customer
    done.locator(".btn-new").click()
    expect(page.locator(".cart .line")).to_have_count(0)


def test_refused_checkout_shows_korean_error_and_keeps_cart(page, login, api):
    login(page)
    product(page, "수제 마들렌").click()
    page.locator(".btn-checkout").click()
    page.locator('.method[data-method="card"]').click()
    page.locator(".btn-pay-go").click()
    # the approval number is checked before anything is sent
    expect(page.locator(".pay-error")).to_contain_text("승인번호")

    # cash with a 현금영수증 for a 주민등록번호: the server refuses in Korean, nothing is lost
    page.locator('.method[data-method="cash"]').click()
    page.locator(".check", has_text="현금영수증").locator("input").check()
    page.locator('input[name="cash_receipt_id"]').fill("900101-1234567")
    page.locator(".btn-pay-go").click()
    expect(page.locator(".pay-error")).to_contain_text("주민등록번호")
    expect(page.locator(".pay")).to_be_visible()
    assert page.evaluate(f"localStorage.getItem('{PENDING_KEY}')") is None

    page.locator(".segmented button", has_text="소득공제").click()
    page.locator('input[name="cash_receipt_id"]').fill("010-1234-5678")
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done")).to_be_visible()
    sale = api(page, f"/api/sales/{last_sale(page)['id']}")["data"]
    assert sale["cash_receipt"]["label"] == "소득공제"
    assert "5678" in sale["cash_receipt"]["identifier"]
    assert "1234-5678" not in sale["cash_receipt"]["identifier"]


def test_split_payment_card_then_cash(page, login, api):
    login(page)
    product(page, "표고버섯 칩").click()
    product(page, "표고버섯 칩").click()
    expect(page.locator(".total-amount")).to_have_text("10,000원")
    page.locator(".btn-checkout").click()
    page.locator('.method[data-method="card"]').click()
    page.get_by_role("button", name="나눠 내기").click()
    page.locator('input[name="split-amount"]').fill("4000")
    page.locator('input[name="approval_no"]').fill("A1234")
    page.locator(".btn-pay-go").click()
    expect(page.locator(".remaining-amount")).to_have_text("6,000원")
    expect(page.locator('.method[data-method="cash"]')).to_have_class(re.compile(r"\bactive\b"))
    page.locator(".btn-quick", has_text="1만원").click()
    expect(page.locator(".change-amount")).to_have_text("4,000원")
    page.locator(".btn-pay-go").click()
    done = page.locator(".done")
    expect(done.locator(".done-change-amount")).to_have_text("4,000원")
    sale = api(page, f"/api/sales/{last_sale(page)['id']}")["data"]
    assert [(p["method"], p["amount"]) for p in sale["payments"]] == [
        ("card", 4000),
        ("cash", 6000),
    ]


def test_portrait_tablet_shows_grid_and_cart(new_page, login, shot):
    page = new_page({"width": 800, "height": 1280})
    login(page)
    product(page, "카페라떼").click()
    page.locator(".options-dialog .choice", has_text="HOT").click()
    page.locator(".options-dialog .btn-add").click()
    for selector in (".grid", ".cart", ".product", ".total-amount", ".btn-checkout"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["x"] + box["width"] <= 800, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= 1280, selector
    grid = page.locator(".grid").bounding_box()
    cart = page.locator(".cart").bounding_box()
    assert grid["y"] + grid["height"] <= cart["y"] + 1, "cart sits below the grid"
    expect(page.locator(".cart .line")).to_have_count(1)
    shot(page, "11-portrait")


def test_print_jobs_panel_lists_and_reprints(page, login, api, shot):
    login(page)
    products = api(page, "/api/catalog")["data"]["products"]
    madeleine = next(p for p in products if p["sku"] == "D001")
    body = {
        "id": page.evaluate("crypto.randomUUID()"),
        "lines": [{"product_id": madeleine["id"], "qty": 1, "options": []}],
        "payments": [{"method": "zeropay", "amount": 2500}],
    }
    created = api(page, "/api/sales", "POST", body)
    assert created["status"] == 201, created
    number = created["data"]["number"]

    page.get_by_role("button", name="출력 목록").click()
    panel = page.locator(".jobs-dialog")
    expect(panel).to_be_visible()
    panel.locator(".check", has_text="출력된 것도 보기").locator("input").check()
    row = panel.locator("tbody tr", has=page.locator("td", has_text=re.compile(rf"^{number}$")))
    expect(row.first).to_contain_text("2,500원")
    shot(page, "12-print-jobs")
    row.first.get_by_role("button", name="재출력").click()
    expect(panel.locator("tbody tr .tag", has_text="재출력").first).to_be_visible()
    panel.get_by_role("button", name="닫기").click()
    expect(panel).to_be_hidden()

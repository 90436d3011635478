"""Cashiers' slips on the tablet (issue 5, items 14-17): the keypad typing into the wrong box,
a huge amount received, raw server errors, 초성 search, unknown barcodes, the 품절 badge, small
touch targets, 교대 with a full cart and the back button during payment."""

from __future__ import annotations

import json
import re

import pytest
from conftest import PORTRAIT, TABLET
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

DONE_KEY = "kkumideun.pos.v1.CAFE03.done"
PENDING_KEY = "kkumideun.pos.v1.CAFE03.pending"


def product(page: Page, name: str):
    return page.locator(".product", has=page.locator(".product-name", has_text=name))


def keypad(page: Page, keys: list[str]) -> None:
    for key in keys:
        page.locator(f'.pay-keypad [data-key="{key}"]').click()


def last_sale(page: Page) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('{DONE_KEY}')"))


def within_viewport(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (selector, box)


def test_keypad_types_the_cash_receipt_number_not_the_amount(page, login, api, shot):
    """Item 14: ticking 현금영수증 aims the keypad at its number, visibly; 받은 금액 stays."""
    login(page)
    product(page, "수제 마들렌").click()
    page.locator(".btn-checkout").click()
    tendered = page.locator('input[name="tendered"]')
    ident = page.locator('input[name="cash_receipt_id"]')
    expect(page.locator(".pad-target-name")).to_have_text("받은 금액")
    keypad(page, ["5", "000"])
    expect(tendered).to_have_value("5,000")

    page.locator(".check", has_text="현금영수증").locator("input").check()
    expect(page.locator(".pad-target-name")).to_have_text("현금영수증 번호")
    expect(ident).to_have_class(re.compile(r"\btarget\b"))
    expect(tendered).not_to_have_class(re.compile(r"\btarget\b"))
    keypad(page, ["0", "1", "0", "1", "2", "3", "4", "5", "6", "7", "8"])
    expect(ident).to_have_value("01012345678")
    expect(tendered).to_have_value("5,000")
    expect(page.locator(".change-amount")).to_have_text("2,500원")
    shot(page, "slips-14-keypad-target")

    # tapping 받은 금액 gives it the keypad back
    tendered.click()
    expect(page.locator(".pad-target-name")).to_have_text("받은 금액")
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done")).to_be_visible()
    sale = api(page, f"/api/sales/{last_sale(page)['id']}")["data"]
    assert sale["payments"][0]["tendered"] == 5000
    assert sale["change"] == 2500
    assert sale["cash_receipt"]["identifier"].endswith("5678")


def test_huge_amount_received_is_confirmed_first(page, login, api, shot):
    """Item 14: change above 50,000원 asks in Korean before anything is sent."""
    login(page)
    product(page, "수제 마들렌").click()
    page.locator(".btn-checkout").click()
    keypad(page, ["1", "000", "000"])
    page.locator(".btn-pay-go").click()
    ask = page.locator(".ask-dialog")
    expect(ask).to_be_visible()
    expect(ask).to_contain_text("받은 금액을 확인하세요")
    expect(ask).to_contain_text("1,000,000원")
    expect(ask).to_contain_text("997,500원")  # the change it would give
    shot(page, "slips-14-confirm-huge-amount")
    assert page.evaluate(f"localStorage.getItem('{PENDING_KEY}')") is None, "nothing sent yet"

    ask.get_by_role("button", name="다시 입력").click()
    expect(ask).to_be_hidden()
    expect(page.locator(".pay")).to_be_visible()
    expect(page.locator('input[name="tendered"]')).to_have_class(re.compile(r"\binvalid\b"))

    # two 5만원 notes for a 2,500원 cookie is odd but possible: confirmed, it goes through
    keypad(page, ["clear"])
    page.locator(".btn-quick", has_text="5만원").click()
    page.locator(".btn-quick", has_text="5만원").click()
    page.locator(".btn-pay-go").click()
    expect(ask).to_contain_text("97,500원")
    ask.get_by_role("button", name="맞습니다").click()
    expect(page.locator(".done-change-amount")).to_have_text("97,500원")
    assert api(page, f"/api/sales/{last_sale(page)['id']}")["data"]["payments"][0]["tendered"] == (
        100000
    )

    # one 5만원 note for the same cookie needs no question (change 47,500원)
    page.locator(".btn-new").click()
    product(page, "수제 마들렌").click()
    page.locator(".btn-checkout").click()
    page.locator(".btn-quick", has_text="5만원").click()
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done-change-amount")).to_have_text("47,500원")


@pytest.mark.parametrize("viewport", [TABLET, PORTRAIT], ids=["1024x768", "800x1280"])
def test_server_error_is_plain_korean_and_pay_button_stays(new_page, login, shot, viewport):
    """Item 15: no field path or setting name reaches the tablet; the pay button stays on it."""
    page = new_page(viewport)
    login(page)
    for name in ("수제 마들렌", "초코칩 쿠키", "표고버섯 칩", "생표고버섯 500g", "운동화 세척"):
        product(page, name).click()
    page.locator(".btn-checkout").click()

    def refuse(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        message = (
            "payments.0.tendered: 받은 금액이 너무 큽니다. 받은 금액을 확인하고 다시 "
            "입력하세요. 계속 안 되면 매니저에게 알려 주세요. (PRINTER_URL)"
        )
        route.fulfill(
            status=422,
            json={"error": {"code": "invalid", "message": message, "field": "payments.0.tendered"}},
        )

    page.route("**/api/sales", refuse)
    page.locator(".check", has_text="현금영수증").locator("input").check()
    page.locator('input[name="cash_receipt_id"]').fill("01012345678")
    page.locator(".btn-pay-go").click()
    error = page.locator(".pay-error")
    expect(error).to_have_text(
        "받은 금액이 너무 큽니다. 받은 금액을 확인하고 다시 입력하세요. "
        "계속 안 되면 매니저에게 알려 주세요."
    )
    text = page.locator("body").inner_text()
    assert "payments" not in text and "PRINTER_URL" not in text and "tendered" not in text
    expect(page.locator('input[name="tendered"]')).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator(".pad-target-name")).to_have_text("받은 금액")
    within_viewport(page, ".btn-pay-go")
    within_viewport(page, ".pay-error")
    within_viewport(page, ".pay-keypad")
    shot(page, f"slips-15-error-{viewport['width']}x{viewport['height']}")
    assert page.evaluate(f"localStorage.getItem('{PENDING_KEY}')") is None


def test_chosung_search_finds_americano(page, login, shot):
    """Item 17: initial consonants find the product, alone or mixed with whole syllables."""
    login(page)
    search = page.locator(".search")
    search.fill("ㅇㅁㄹㅋㄴ")
    expect(page.locator(".product")).to_have_count(1)
    expect(page.locator(".product .product-name")).to_have_text("아메리카노")
    search.fill("카ㅍㄹ")
    expect(page.locator(".product .product-name")).to_have_text(["카페라떼"])
    search.fill("ㅍㄱㅂㅅ")
    expect(page.locator(".product")).to_have_count(3)
    shot(page, "slips-17-chosung")
    search.press("Enter")  # several matches: Enter picks none and keeps the query
    expect(search).to_have_value("ㅍㄱㅂㅅ")
    expect(page.locator(".cart .line")).to_have_count(0)
    search.fill("ㅇㅁㄹㅋㄴ")
    search.press("Enter")  # one match: it goes into the cart (with its options first)
    expect(page.locator(".options-dialog")).to_be_visible()


def test_unknown_barcode_is_named_cleared_and_menu_stays(page, login, shot):
    """Item 17: a scan that matches nothing says so in Korean and leaves the full grid."""
    login(page)
    everything = page.locator(".product").count()
    assert everything > 10
    page.keyboard.type("8809999999999")  # a scanner: keys with nothing focused, then Enter
    expect(page.locator(".search")).to_have_value("8809999999999")
    page.keyboard.press("Enter")
    expect(page.locator(".toast")).to_have_text("등록되지 않은 바코드입니다: 8809999999999")
    expect(page.locator(".search")).to_have_value("")
    expect(page.locator(".product")).to_have_count(everything)
    shot(page, "slips-17-unknown-barcode")
    # the next scan works at once
    page.keyboard.type("8800000000012")
    page.keyboard.press("Enter")
    expect(page.locator(".cart .line")).to_have_count(1)


@pytest.mark.parametrize("viewport", [TABLET, PORTRAIT], ids=["1024x768", "800x1280"])
def test_sold_out_badge_beside_the_name(new_page, login, shot, viewport):
    """Item 17: the 품절 badge never covers the product's name, even a long one."""
    page = new_page(viewport)

    def sold_out(route: Route) -> None:
        resp = route.fetch()
        data = resp.json()
        for p in data["products"]:
            if p["sku"] in ("S001", "C002"):
                p["sold_out"] = True
                p["name"] = "유기농 생표고버섯 선물세트" if p["sku"] == "S001" else p["name"]
        route.fulfill(response=resp, json=data)

    page.route("**/api/catalog", sold_out)
    login(page)
    cards = page.locator(".product.sold-out")
    expect(cards).to_have_count(2)
    for i in range(2):
        name = cards.nth(i).locator(".product-name").bounding_box()
        badge = cards.nth(i).locator(".sold-out-mark").bounding_box()
        card = cards.nth(i).bounding_box()
        apart = (
            badge["x"] >= name["x"] + name["width"]
            or badge["y"] >= name["y"] + name["height"]
            or badge["x"] + badge["width"] <= name["x"]
        )
        assert apart, (name, badge)
        assert badge["x"] + badge["width"] <= card["x"] + card["width"]
    shot(page, f"slips-17-sold-out-{viewport['width']}x{viewport['height']}")


def test_touch_targets_are_at_least_44px(page, login, shot):
    """Item 17: the cart's × and every other control a finger must hit are 44×44 px or more."""
    login(page)
    product(page, "수제 마들렌").click()
    product(page, "아메리카노").click()
    page.locator(".options-dialog .choice", has_text="ICE").click()
    page.locator(".options-dialog .btn-add").click()
    shot(page, "slips-17-cart-1024x768")
    remove = page.locator(".cart .line-remove").first.bounding_box()
    assert remove["width"] >= 44 and remove["height"] >= 44, remove
    small = """() => Array.from(document.querySelectorAll(
        'button, a[href], select, input:not([type=checkbox]):not([type=hidden]), label.check'
    )).filter((el) => {
        const r = el.getBoundingClientRect();
        const shown = r.width > 0 && getComputedStyle(el).visibility !== 'hidden';
        return shown && (r.width < 44 || r.height < 44);
    }).map((el) => el.outerHTML.slice(0, 80))"""
    assert page.evaluate(small) == []
    page.locator(".btn-checkout").click()
    page.locator(".check", has_text="현금영수증").locator("input").check()
    assert page.evaluate(small) == []
    page.locator('.method[data-method="card"]').click()
    assert page.evaluate(small) == []


def test_shift_change_with_a_full_cart_asks(page, login):
    """Item 16c: 교대 asks whether the next cashier keeps the order or it is cleared."""
    login(page)
    product(page, "수제 마들렌").click()
    page.locator(".btn-shift").click()
    ask = page.locator(".ask-dialog")
    expect(ask).to_contain_text("교대하기 전에")
    expect(ask).to_contain_text("1개 (2,500원)")
    ask.get_by_role("button", name="취소").click()
    expect(ask).to_be_hidden()
    assert page.url.endswith("/pos")

    page.locator(".btn-shift").click()
    ask.get_by_role("button", name="다음 계산원에게 넘기기").click()
    page.wait_for_url("**/login")
    login(page, "이바다", "5678")
    expect(page.locator(".cart .line")).to_have_count(1)
    expect(page.locator(".cart .line")).to_contain_text("수제 마들렌")

    page.locator(".btn-shift").click()
    ask.get_by_role("button", name="주문 비우고 교대").click()
    page.wait_for_url("**/login")
    login(page)
    expect(page.locator(".cart .line")).to_have_count(0)


def test_back_button_closes_the_payment_step(page, login):
    """Item 16d: back during payment returns to the menu, still logged in, cart kept."""
    login(page)
    product(page, "초코칩 쿠키").click()
    page.locator(".btn-checkout").click()
    expect(page.locator(".pay")).to_be_visible()
    page.go_back()
    expect(page.locator(".pay")).to_be_hidden()
    assert page.url.endswith("/pos")
    expect(page.locator(".topbar .who")).to_contain_text("김하늘")
    expect(page.locator(".cart .line")).to_have_count(1)

    # ← 주문 수정 leaves no extra history entry behind: payment, then back, twice over
    page.locator(".btn-checkout").click()
    page.locator(".pay .btn-back").click()
    expect(page.locator(".pay")).to_be_hidden()
    page.locator(".btn-checkout").click()
    page.locator(".btn-quick", has_text="받을 금액 그대로").click()
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done")).to_be_visible()
    page.go_back()  # on the done screen: back starts the next order
    expect(page.locator(".done")).to_be_hidden()
    assert page.url.endswith("/pos")
    expect(page.locator(".cart .line")).to_have_count(0)

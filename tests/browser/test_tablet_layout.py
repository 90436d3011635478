"""Small layout slips on the tablets (1024×768 landscape, 800×1280 portrait): the cart's height
in portrait, a part payment's ×, the 교대 question's buttons, toasts over the cart, the field a
refusal names, and the 현금영수증 line on the done screen."""

from __future__ import annotations

import re

import pytest
from conftest import PORTRAIT, TABLET
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

BOTH = pytest.mark.parametrize("viewport", [TABLET, PORTRAIT], ids=["1024x768", "800x1280"])


def product(page: Page, name: str):
    return page.locator(".product", has=page.locator(".product-name", has_text=name))


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["y"] >= outer["y"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def three_lines(page: Page) -> None:
    for name in ("운동화 세척", "구두 굽갈이", "수제 마들렌"):
        product(page, name).click()
    expect(page.locator(".cart .line")).to_have_count(3)


def test_portrait_cart_shows_three_lines_with_their_buttons(new_page, login, shot):
    page = new_page(PORTRAIT)
    login(page)
    three_lines(page)
    lines = page.locator(".cart .lines").bounding_box()
    for button in page.locator(".cart .line").nth(2).locator(".round-btn").all():
        assert inside(button.bounding_box(), lines), "third line's −/+ in sight"
    shot(page, "layout-portrait-three-lines")


def test_part_payment_remove_sits_on_its_line(page, login, shot):
    login(page)
    product(page, "운동화 세척").click()
    page.locator(".btn-checkout").click()
    page.locator('.method[data-method="card"]').click()
    page.get_by_role("button", name="나눠 내기").click()
    page.locator('input[name="split-amount"]').fill("3000")
    page.locator('input[name="approval_no"]').fill("A1234")
    page.locator(".btn-pay-go").click()
    part = page.locator(".paid li").first
    label = part.locator("span").first.bounding_box()
    remove = part.locator(".line-remove").bounding_box()
    assert remove["x"] > label["x"] + label["width"], "× right of the method"
    assert abs((remove["y"] + remove["height"] / 2) - (label["y"] + label["height"] / 2)) < 12
    shot(page, "layout-split-remove")
    part.locator(".line-remove").click()
    expect(page.locator(".paid li")).to_have_count(0)


@BOTH
def test_shift_question_buttons_keep_one_line(new_page, login, viewport):
    page = new_page(viewport)
    login(page)
    product(page, "운동화 세척").click()
    page.locator(".topbar button", has_text="교대").click()
    buttons = page.locator(".ask-choices .btn")
    expect(buttons).to_have_count(3)
    for button in buttons.all():
        rows = button.evaluate(
            """el => {
                const r = document.createRange();
                r.selectNodeContents(el);
                return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size;
            }"""
        )
        assert rows == 1, button.inner_text()
        assert inside(button.bounding_box(), page.locator(".ask-dialog").bounding_box())
    page.locator(".ask-choices .btn", has_text="취소").click()
    expect(page.locator(".ask-dialog")).to_have_count(0)


@BOTH
def test_toast_stays_off_the_cart_buttons(new_page, login, viewport):
    page = new_page(viewport)
    login(page)
    three_lines(page)
    page.locator(".search").fill("8809999999999")
    page.locator(".search").press("Enter")
    toast = page.locator(".toast")
    expect(toast).to_be_visible()
    box = toast.bounding_box()
    for selector in (".btn-clear", ".btn-checkout", ".cart .round-btn", ".cart .line-remove"):
        for button in page.locator(selector).all():
            assert not overlap(box, button.bounding_box()), selector


def pay_with_cash_receipt(page: Page, number: str) -> None:
    product(page, "구두 굽갈이").click()
    page.locator(".btn-checkout").click()
    page.locator('input[name="cash_receipt"]').check()
    page.locator('input[name="cash_receipt_id"]').fill(number)
    page.locator(".btn-quick", has_text="1만원").click()
    page.locator(".pay-fields").evaluate("el => { el.scrollTop = 0; }")
    page.locator(".btn-pay-go").click()


@BOTH
def test_refused_cash_receipt_number_is_scrolled_into_sight(new_page, login, shot, viewport):
    page = new_page(viewport)
    login(page)
    pay_with_cash_receipt(page, "12345")  # long enough for the tablet, refused by the server
    expect(page.locator(".pay-error")).to_be_visible()
    field = page.locator('input[name="cash_receipt_id"]')
    expect(field).to_have_class(re.compile(r"\binvalid\b"))
    page.wait_for_function(
        """() => {
            const input = document.querySelector('input[name="cash_receipt_id"]');
            const f = input.getBoundingClientRect();
            const box = document.querySelector('.pay-fields').getBoundingClientRect();
            return f.top >= box.top - 1 && f.bottom <= box.bottom + 1;
        }"""
    )
    shot(page, f"layout-receipt-error-{viewport['width']}x{viewport['height']}")


def test_done_screen_names_the_cash_receipt(page, login, shot):
    login(page)
    pay_with_cash_receipt(page, "010-1234-5678")
    line = page.locator(".done .done-cash-receipt")
    expect(line.locator("dt")).to_have_text("현금영수증")
    expect(line.locator("dd")).to_have_text("소득공제 010-****-5678")
    expect(line).not_to_contain_text("1234-5678")
    shot(page, "layout-done-cash-receipt")

"""Locked-out cashiers (issue 5, item 16): a countdown and a dead keypad on the log-in page, and
the /staff page where a manager lifts the lock or sets a new PIN from the browser."""

from __future__ import annotations

import re

import pytest
from conftest import LOCK_CASHIERS, PORTRAIT, TABLET
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

WRONG = "0000"


def pin_login(page: Page, name: str, pin: str) -> None:
    """Tap the tile (if the keypad is not open yet), the digits and 확인."""
    if not page.locator(".pin-keypad").is_visible():
        page.locator(".tile", has_text=name).click()
    for digit in pin:
        page.locator(f'.pin-keypad [data-key="{digit}"]').click()
    page.locator('.pin-keypad [data-key="ok"]').click()


def manager_login(page: Page) -> None:
    page.goto("/login")
    page.get_by_role("button", name="관리자 로그인").click()
    form = page.locator(".admin-login")
    form.locator('input[name="username"]').fill("manager")
    form.locator('input[name="password"]').fill("manager1234")
    form.get_by_role("button", name="로그인").click()
    page.wait_for_url("**/admin")  # managers land on the back office


def lock_by_api(page: Page, username: str) -> None:
    """Five wrong PINs through POST /api/login, the last one answered 423."""
    for _ in range(5):
        res = page.request.post("/api/login", data={"username": username, "pin": WRONG})
    assert res.status == 423, res.text()


def keys_disabled(page: Page) -> bool:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.pin-keypad .key')).every(k => k.disabled)"
    )


def test_locked_cashier_sees_countdown_and_dead_keypad(lock_page, shot):
    username, name, _pin = LOCK_CASHIERS[0]
    page = lock_page()
    page.goto("/login")
    for _ in range(5):
        pin_login(page, name, WRONG)
        expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(".lock-box")).to_be_visible()
    expect(page.locator(".lock-countdown")).to_have_text(re.compile(r"^\d{1,4}:\d\d$"))
    expect(page.locator(".flash")).to_contain_text("잠겼")
    assert keys_disabled(page)
    page.locator('.pin-keypad [data-key="1"]').click(force=True)  # a tap does nothing
    expect(page.locator(".pin-dots .dot.filled")).to_have_count(0)
    shot(page, "staff-16a-lockout-1024x768")

    # a reload, or the tablet turned upright, does not bring back a live keypad
    page.reload()
    expect(page.locator(".pin-who")).to_contain_text(name)
    expect(page.locator(".lock-box")).to_be_visible()
    assert keys_disabled(page)
    page.set_viewport_size(PORTRAIT)
    shot(page, "staff-16a-lockout-800x1280")
    assert username  # the server holds the lock too: see the /staff tests


def test_countdown_follows_retry_after_and_ends(page):
    """The 423's error.retry_after sets the countdown; at zero the keypad works again."""

    def locked(route: Route) -> None:
        body = {"error": {"code": "locked", "message": "잠겼습니다", "retry_after": 3}}
        route.fulfill(status=423, json=body, headers={"Retry-After": "3"})

    page.route("**/api/login", locked)
    page.goto("/login")
    pin_login(page, "이바다", "1111")
    expect(page.locator(".lock-countdown")).to_have_text(re.compile(r"^0:0[1-3]$"))
    assert keys_disabled(page)
    expect(page.locator(".lock-box")).to_be_hidden(timeout=6000)
    expect(page.locator('.pin-keypad [data-key="1"]')).to_be_enabled()
    expect(page.locator(".flash")).to_have_count(0)


def test_countdown_falls_back_to_a_minute(page):
    """No retry_after and no Retry-After header: the keypad stays off for 60 seconds."""
    page.route(
        "**/api/login",
        lambda route: route.fulfill(status=423, json={"error": {"code": "locked"}}),
    )
    page.goto("/login")
    pin_login(page, "이바다", "1111")
    expect(page.locator(".lock-countdown")).to_have_text(re.compile(r"^(1:00|0:59)$"))
    expect(page.locator(".flash")).to_contain_text("잠겼습니다")
    assert keys_disabled(page)


def test_manager_unlocks_a_cashier_who_then_logs_in(lock_page, shot):
    username, name, pin = LOCK_CASHIERS[1]
    cashier = lock_page()
    cashier.goto("/login")
    lock_by_api(cashier, username)

    manager = lock_page()
    manager_login(manager)
    shot(manager, "staff-16b-manager-admin-1024x768")
    manager.get_by_role("navigation").get_by_role("link", name="직원 관리").click()
    manager.wait_for_url("**/staff")
    card = manager.locator(f'.staff-card[data-username="{username}"]')
    expect(card).to_contain_text(name)
    expect(card.locator(".staff-lock")).to_contain_text("잠김")
    expect(card.locator(".staff-failed")).to_have_text("5번")
    # this manager has no site of their own, so they look after everyone's users
    expect(manager.locator(".staff-card", has_text="박가람")).to_have_count(1)
    shot(manager, "staff-16b-staff-page-1024x768")
    manager.set_viewport_size(PORTRAIT)
    shot(manager, "staff-16b-staff-page-800x1280")
    manager.set_viewport_size(TABLET)

    card.get_by_role("button", name="잠금 해제").click()
    expect(manager.locator(".flash")).to_contain_text(f"{name} 님의 잠금을 풀었습니다")
    expect(card.locator(".staff-lock")).to_have_text("정상")
    expect(card.locator(".staff-failed")).to_have_text("0번")

    cashier.goto("/login")
    pin_login(cashier, name, pin)
    cashier.wait_for_url("**/pos")
    expect(cashier.locator(".topbar .who")).to_contain_text(name)


def test_manager_resets_a_pin(lock_page):
    username, name, old_pin = LOCK_CASHIERS[2]
    manager = lock_page()
    manager_login(manager)
    manager.goto("/staff")
    card = manager.locator(f'.staff-card[data-username="{username}"]')
    card.locator("summary", has_text="PIN 재설정").click()
    card.locator('input[name="pin"]').fill("4826")
    card.locator('input[name="pin_again"]').fill("4827")
    card.get_by_role("button", name="PIN 바꾸기").click()
    expect(manager.locator(".flash")).to_contain_text("두 번 입력한 PIN이 서로 다릅니다")

    card.locator("summary", has_text="PIN 재설정").click()
    card.locator('input[name="pin"]').fill("4826")
    card.locator('input[name="pin_again"]').fill("4826")
    card.get_by_role("button", name="PIN 바꾸기").click()
    expect(manager.locator(".flash")).to_contain_text(f"{name} 님의 PIN을 바꾸고")

    cashier = lock_page()
    cashier.goto("/login")
    pin_login(cashier, name, old_pin)
    expect(cashier.locator(".flash")).to_contain_text("PIN이 맞지 않습니다")
    pin_login(cashier, name, "4826")
    cashier.wait_for_url("**/pos")


def test_cashiers_neither_see_nor_open_the_staff_page(page, login):
    login(page)
    expect(page.get_by_role("link", name="직원 관리")).to_have_count(0)
    res = page.request.get("/staff", max_redirects=0)
    assert res.status == 403
    assert "직원 관리" not in res.text()

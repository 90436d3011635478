"""The back office's catalog in real Chromium: a manager edits a drink's price for the café and
marks another drink 품절 with one tap (htmx, no reload); the cashier screen, logged in as
cashier3 in a context of its own, shows the new price and the drink sold out. Screenshots of
the catalog pages at 1024×768 and 800×1280.

A server of its own (CAFE03 with the demo data), so the shared server's tests keep their menu.
"""

from __future__ import annotations

import re

import pytest
from conftest import PORTRAIT, SITE, TABLET, login_password, own_fixtures
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


catalog_server, catalog_page = own_fixtures("catalog")


def row(page: Page, name: str):
    return page.locator(".av-table tbody tr", has=page.locator("strong", has_text=name))


def tile(page: Page, name: str):
    return page.locator(".product", has=page.locator(".product-name", has_text=name))


def test_price_and_sold_out_from_the_back_office_reach_the_cashier_screen(
    catalog_page, login, shot
):
    page = catalog_page(TABLET)
    login_password(page)
    page.locator(".bo-nav").get_by_role("link", name="매장 가격·품절").click()
    page.wait_for_url("**/availability")
    expect(page.locator(".bo-site select")).to_have_value(SITE)

    # a price of the café's own for 카페라떼 (5,000원 everywhere else)
    latte = row(page, "카페라떼")
    price = latte.locator('input[name="price"]')
    price.fill("5,300")
    marker = page.evaluate("() => (window.__noReload = 1)")
    latte.get_by_role("button", name="저장").click()
    expect(row(page, "카페라떼").locator(".av-now")).to_contain_text("5,300원")
    expect(row(page, "카페라떼").locator(".av-now .bo-badge")).to_have_text("매장 가격")

    # a bad price: Korean message in the row, nothing saved
    row(page, "유자차").locator('input[name="price"]').fill("-500")
    row(page, "유자차").get_by_role("button", name="저장").click()
    expect(row(page, "유자차").locator(".field-error")).to_have_text("0 이상이어야 합니다")
    expect(row(page, "유자차").locator(".av-now")).to_have_text("5,000원")

    # 품절 오늘 for 레몬에이드 in one tap
    lemon = row(page, "레몬에이드")
    lemon.get_by_role("button", name="품절로 표시").click()
    expect(row(page, "레몬에이드").get_by_role("button", name="품절 해제")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(row(page, "레몬에이드")).to_have_class(re.compile(r"\bis-out\b"))
    assert page.evaluate("() => window.__noReload") == marker  # htmx swapped rows, no reload
    shot(page, "catalog-01-availability-tablet")

    # the cashier's tablet (own cookies): new price, drink sold out
    till = catalog_page(TABLET)
    login(till)
    expect(tile(till, "카페라떼").locator(".product-price")).to_have_text("5,300원")
    expect(tile(till, "레몬에이드")).to_be_disabled()
    expect(tile(till, "레몬에이드").locator(".sold-out-mark")).to_have_text("품절")
    expect(tile(till, "유자차").locator(".product-price")).to_have_text("5,000원")
    shot(till, "catalog-02-cashier-after")

    # selling again and back to the default price, then the till sees that too
    row(page, "레몬에이드").get_by_role("button", name="품절 해제").click()
    expect(row(page, "레몬에이드").get_by_role("button", name="품절로 표시")).to_be_visible()
    row(page, "카페라떼").get_by_role("button", name="기본값").click()
    expect(row(page, "카페라떼").locator(".av-now")).to_have_text("5,000원")
    till.reload()
    expect(tile(till, "레몬에이드")).to_be_enabled()
    expect(tile(till, "카페라떼").locator(".product-price")).to_have_text("5,000원")


PAGES = [
    ("products", "/products"),
    ("product-edit", "/products/1"),
    ("vendors", "/vendors"),
    ("vendor-new-error", None),
    ("categories", "/categories"),
    ("options", "/options"),
    ("option-edit", "/options/1"),
    ("availability", "/availability"),
    ("imports", "/imports"),
]


@pytest.mark.parametrize("viewport", [TABLET, PORTRAIT], ids=["1024x768", "800x1280"])
def test_catalog_pages_screenshots(catalog_page, shot, viewport):
    page = catalog_page(viewport)
    login_password(page)
    size = f"{viewport['width']}x{viewport['height']}"
    for name, url in PAGES:
        if url is None:
            page.goto("/vendors/new")
            page.locator("#f-name").fill("")
            page.locator("#f-owner").fill("김떡")
            page.locator("#f-brn").fill("123-45-67890")
            page.get_by_role("button", name="저장").click()
            expect(page.locator("#e-brn")).to_have_text("사업자등록번호 검증번호가 맞지 않습니다")
            expect(page.locator("#e-name")).to_have_text("비울 수 없습니다")
        else:
            page.goto(url)
        expect(page.locator(".bo-head h1")).to_be_visible()
        # nothing wider than the screen
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
                .slice(0, 5).map((e) => e.tagName + '.' + e.className)"""
        )
        assert overflow <= 0, (name, size, overflow, wide)
        shot(page, f"catalog-{name}-{size}")

    # an upload with bad rows lists them; a good one is previewed, then imported
    bad = "상품코드,상품명,가격,과세구분,공급자사업자번호\nB-1,,-5,무엇,123\n".encode("cp949")
    page.goto("/imports?kind=products")
    page.locator("#file").set_input_files(
        {"name": "상품.csv", "mimeType": "text/csv", "buffer": bad}
    )
    expect(page.locator(".imp-file-name")).to_have_text("상품.csv")
    page.get_by_role("button", name="올리고 미리 보기").click()
    expect(page.locator(".imp-errors tbody tr")).to_have_count(4)
    expect(page.locator(".imp-errors")).to_contain_text("사업자등록번호는 숫자 10자리여야 합니다")
    shot(page, f"catalog-import-errors-{size}")
    good = "상품코드,상품명,가격,과세구분,공급자사업자번호\nG-1,쑥떡,6000,면세,131-82-00014\n"
    page.locator("#file").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="올리고 미리 보기").click()
    expect(page.locator(".imp-preview tbody tr")).to_have_count(1)
    shot(page, f"catalog-import-preview-{size}")
    page.get_by_role("button", name="1건 가져오기").click()
    page.wait_for_url("**/products")
    expect(page.locator(".flash-ok")).to_contain_text("상품 1건을 가져왔습니다")

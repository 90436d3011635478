"""품절 in one tap from the cashier screen, and the 곧 품절 badge, in real Chromium.

A server of its own (CAFE03 with the demo data), so marking drinks sold out does not change
what the shared server's tests expect. 초코칩 쿠키 (15 on hand) gets a low-stock threshold of 15
before the server starts, so it is low from the first catalog.
"""

from __future__ import annotations

import pytest
from conftest import PORTRAIT, TABLET, own_fixtures
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LOW_SKU = "D002"
SET_LOW = """
from sqlalchemy import select
from pos import create_app
from pos.db import db
from inventory.models import Product
app = create_app()
with app.app_context():
    product = db.session.scalar(select(Product).where(Product.sku == "D002"))
    product.low_stock = 15
    db.session.commit()
"""


terms_server, terms_page = own_fixtures("terms", script=SET_LOW)


def product(page: Page, name: str):
    return page.locator(".product", has=page.locator(".product-name", has_text=name))


def catalog_item(page: Page, sku: str) -> dict:
    items = page.evaluate("async () => (await (await fetch('/api/catalog')).json()).products")
    return next(p for p in items if p["sku"] == sku)


def test_cashier_marks_a_drink_sold_out_and_undoes_it(terms_page, login, shot):
    page = terms_page(TABLET)
    login(page)
    drink = product(page, "레몬에이드")
    expect(drink).to_be_enabled()

    page.locator(".btn-soldout-mode").click()
    expect(page.locator(".soldout-mode-notice")).to_be_visible()
    expect(page.locator(".grid")).to_have_class("grid soldout-manage")
    drink.click()
    expect(drink).to_have_class("product sold-out")
    expect(drink.locator(".sold-out-mark")).to_be_visible()
    shot(page, "availability-01-manage")
    page.locator(".btn-soldout-mode").click()
    expect(page.locator(".soldout-mode-notice")).to_be_hidden()

    # sold out for the server too, and for another tablet at the same café
    assert catalog_item(page, "T002")["sold_out"] is True
    other = terms_page(PORTRAIT)
    login(other, "이바다", "5678")
    expect(product(other, "레몬에이드")).to_be_disabled()
    expect(product(other, "레몬에이드").locator(".sold-out-mark")).to_have_text("품절")
    shot(other, "availability-02-other-tablet")

    # a tap outside 품절 관리 does not sell it
    drink.click(force=True)
    expect(page.locator(".line")).to_have_count(0)

    # undo: selling again
    page.locator(".btn-soldout-mode").click()
    drink.click()
    expect(drink).not_to_have_class("product sold-out")
    page.locator(".btn-soldout-mode").click()
    assert catalog_item(page, "T002")["sold_out"] is False
    drink.click()
    expect(page.locator(".line", has_text="레몬에이드")).to_have_count(1)


def test_low_badge_on_an_item_about_to_run_out(terms_page, login, shot):
    page = terms_page(TABLET)
    login(page)
    item = catalog_item(page, LOW_SKU)
    assert item["low"] is True, item
    cookie = product(page, "초코칩 쿠키")
    expect(cookie.locator(".tag-low")).to_have_text(f"곧 품절 {item['on_hand']}개")
    expect(product(page, "수제 마들렌").locator(".tag-low")).to_be_hidden()
    shot(page, "availability-03-low-badge")


def test_an_open_tablet_sees_a_sold_out_mark_without_reloading(terms_page, login):
    """Tablet A marks 카푸치노 품절; tablet B, left open on the menu, greys it out by itself
    (it asks GET /api/catalog/version every few seconds) and sells it again after the undo."""
    first, second = terms_page(TABLET), terms_page(TABLET)
    login(first)
    login(second, "이바다", "5678")
    marker = second.evaluate("() => (window.__notReloaded = true)")
    watched = product(second, "카푸치노")
    expect(watched).to_be_enabled()

    first.locator(".btn-soldout-mode").click()
    product(first, "카푸치노").click()
    expect(product(first, "카푸치노")).to_have_class("product sold-out")
    expect(watched).to_be_disabled(timeout=15000)
    assert second.evaluate("() => window.__notReloaded") is marker

    product(first, "카푸치노").click()  # still in 품절 관리: sells again
    first.locator(".btn-soldout-mode").click()
    expect(watched).to_be_enabled(timeout=15000)
    assert second.evaluate("() => window.__notReloaded") is True

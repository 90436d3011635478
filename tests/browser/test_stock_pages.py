"""The stock pages in real Chromium against a real `pos serve` of their own (stock changes here
must not surprise the other browser tests): count a category with one variance, see it in the
preview, commit, see the new on-hand; scan barcodes into 입고; screenshots of every page at
1024×768 and 800×1280 in test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from conftest import PORTRAIT, TABLET, login_password, own_fixtures
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


stock_server, stock_page = own_fixtures("stock")


def madeleine_row(page: Page):
    return page.locator("tr", has_text="수제 마들렌")


def test_count_a_category_see_the_variance_commit_and_see_the_new_on_hand(stock_page, shot):
    page = stock_page(TABLET)
    login_password(page)
    page.goto("/stock")
    expect(madeleine_row(page).locator(".stock-onhand")).to_have_text("20")
    page.get_by_role("link", name="재고실사").first.click()
    page.locator(".stock-cat", has_text="디저트").click()
    expect(page.locator("h1")).to_have_text("재고실사 · 디저트")
    shot(page, "stock-count-entry-1024")

    page.get_by_label("수제 마들렌").fill("열일곱")
    page.get_by_label("초코칩 쿠키").fill("15")
    page.get_by_role("button", name="차이 보기").click()
    expect(page.locator(".stock-count-list .bo-error")).to_have_text("숫자만 적으세요")
    expect(page.get_by_label("수제 마들렌")).to_have_value("열일곱")
    shot(page, "stock-count-error-1024")

    page.get_by_label("수제 마들렌").fill("17")
    page.get_by_role("button", name="차이 보기").click()
    variance = page.locator("tr", has_text="수제 마들렌").locator(".stock-var")
    expect(variance).to_have_text("-3")
    expect(page.locator("tr", has_text="초코칩 쿠키").locator(".stock-var")).to_have_text("0")
    expect(page.get_by_text("차이가 있는 상품 1가지")).to_be_visible()
    shot(page, "stock-count-preview-1024")

    page.get_by_role("button", name="확정하기").click()
    page.wait_for_url(re.compile(r"/stock/counts/"))
    expect(page.get_by_text("디저트 재고실사를 기록했습니다 (차이 1개 상품)")).to_be_visible()
    expect(madeleine_row(page).locator(".stock-onhand")).to_have_text("17")
    shot(page, "stock-count-done-1024")

    page.goto("/stock")
    expect(madeleine_row(page).locator(".stock-onhand")).to_have_text("17")
    # the threshold is saved in place (htmx swaps the row; the page stays)
    madeleine_row(page).get_by_label("수제 마들렌 부족 기준").fill("18")
    madeleine_row(page).get_by_role("button", name="저장").click()
    expect(madeleine_row(page).locator(".stock-saved")).to_have_text(
        "수제 마들렌의 부족 기준을 18개로 바꿨습니다"
    )
    expect(madeleine_row(page).locator(".bo-badge")).to_have_text("부족")
    assert page.url.endswith("/stock")
    shot(page, "stock-index-threshold-1024")
    madeleine_row(page).get_by_role("link", name="수제 마들렌").click()
    expect(page.locator("[data-onhand]")).to_have_text("17")
    first = page.locator(".stock-history tbody tr").first
    expect(first).to_contain_text("재고실사")
    expect(first).to_contain_text("-3")
    shot(page, "stock-history-1024")


def test_scan_barcodes_into_receive_and_book_them(stock_page, shot, stock_server):
    stock_printer = stock_server.printer
    page = stock_page(TABLET)
    login_password(page)
    page.goto("/stock/receive")
    scan = page.locator("[data-scan]")
    expect(scan).to_be_focused()
    for _ in range(3):  # a scanner types the code and Enter, three times
        scan.press_sequentially("8800000000010")
        scan.press("Enter")
    scan.fill("d001")  # a SKU typed by hand, any case
    scan.press("Enter")
    scan.fill("표고")  # a name: two matches to tap
    scan.press("Enter")
    page.get_by_role("button", name="건표고버섯 100g (S002)", exact=True).click()
    rows = page.locator("[data-lines] tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_label("초코칩 쿠키 수량")).to_have_value("3")
    expect(page.get_by_label("수제 마들렌 수량")).to_have_value("1")
    page.get_by_label("건표고버섯 100g 수량", exact=True).fill("10")
    expect(page.locator("[data-total]")).to_have_text("3가지 · 모두 14개")
    scan.fill("9999999")
    scan.press("Enter")
    expect(page.locator("[data-scan-msg]")).to_have_text("‘9999999’에 맞는 상품이 없습니다")
    shot(page, "stock-receive-1024")
    page.get_by_role("button", name="입고하기").click()
    expect(page.get_by_text("3가지 상품 14개를 입고했습니다")).to_be_visible()
    page.goto("/stock?q=쿠키")
    expect(page.locator("tr", has_text="초코칩 쿠키").locator(".stock-onhand")).to_have_text("18")

    # shelf labels for a whole category, to the site's printer over TCP
    page.goto("/stock/labels")
    page.get_by_label("분류 전체 넣기 (한 장씩)").select_option(label="디저트")
    expect(page.locator("[data-lines] tr")).to_have_count(2)
    page.get_by_label("초코칩 쿠키 수량").fill("2")
    shot(page, "stock-labels-lines-1024")
    jobs = len(stock_printer.jobs)
    page.get_by_role("button", name="라벨 뽑기").click()
    expect(page.get_by_text("라벨 3장(2가지 상품)을 프린터로 보냈습니다")).to_be_visible()
    stock_printer.wait_for(jobs + 1)
    assert "초코칩 쿠키".encode("cp949") in stock_printer.jobs[-1]


PAGES = [
    ("/stock", "stock-index"),
    ("/stock/receive", "stock-receive-empty"),
    ("/stock/transfer", "stock-transfer"),
    ("/stock/waste", "stock-waste"),
    ("/stock/count", "stock-count-pick"),
    ("/stock/low", "stock-low"),
    ("/stock/labels", "stock-labels"),
]


def test_screenshots_of_every_stock_page_in_both_orientations(stock_page, shot):
    for viewport, tag in ((TABLET, "1024"), (PORTRAIT, "800")):
        page = stock_page(viewport)
        login_password(page)
        for path, name in PAGES:
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            # nothing sticks out sideways on a tablet
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (path, width)
            shot(page, f"{name}-{tag}")
        page.goto("/stock")
        page.get_by_role("link", name="수제 마들렌").click()
        expect(page.locator("[data-onhand]")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"stock-history-{tag}")
        page.goto("/stock/count")
        page.locator(".stock-cat", has_text="디저트").click()
        shot(page, f"stock-count-entry-{tag}")
        page.goto("/stock/transfer")
        scan = page.locator("[data-scan]")
        scan.fill("D002")
        scan.press("Enter")
        page.get_by_label("받을 매장").select_option("CAFE07")
        shot(page, f"stock-transfer-line-{tag}")

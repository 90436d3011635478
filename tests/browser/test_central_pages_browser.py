"""Central's admin pages in real Chromium against a real central `pos serve` on PostgreSQL fed
by a real branch `pos serve` (its own sync worker pushes): 매장 연결 현황 shows the branch's
sales arrive, 동기화 토큰 issues a token shown once with a working 복사 button and revokes it
after the browser's confirmation, 매장·행사 목록 refuses a bad form in Korean. Screenshots at
1024×768 and 800×1280."""

from __future__ import annotations

import re

import pytest
from conftest import PORTRAIT, RELAXED_LIMITS, TABLET, login_password, pages
from playwright.sync_api import expect
from sync_live import Branch, Central, fresh_database, pg_reachable

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    if not pg_reachable():  # pragma: no cover
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    with fresh_database() as url:
        central = Central(tmp_path_factory.mktemp("central"), url)
        (central.instance / "config.py").write_text(RELAXED_LIMITS, encoding="utf-8")
        central.start()
        branch = Branch(
            tmp_path_factory.mktemp("branch"), "CAFE03", central.base, central.token("CAFE03")
        )
        branch.start()
        try:
            branch.till().sell_many(3)
            branch.wait_synced()
            yield central, branch
        finally:
            branch.stop()
            central.stop()


@pytest.fixture
def central_page(browser, stores):
    with pages(browser, stores[0].base) as make:
        yield make


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_connection_page_shows_the_branch(central_page, stores, shot):
    central, _ = stores
    for viewport, name in ((TABLET, "tablet"), (PORTRAIT, "portrait")):
        page = central_page(viewport)
        login_password(page, lands="**/admin/reports")
        page.goto("/admin/sync/sites")
        expect(page.get_by_role("heading", name="매장 연결 현황")).to_be_visible()
        row = page.locator('tr[data-site="CAFE03"]')
        expect(row).to_contain_text("꿈이든 the 카페 3호")
        events = central.query(
            "SELECT events FROM sync_sites WHERE site_id = %s", central.site_id("CAFE03")
        )[0][0]
        assert events >= 3
        expect(row.locator("td.num").first).to_have_text(f"{events:,}")
        expect(page.locator('tr[data-site="CAFE07"]')).to_contain_text("없음")
        assert page.locator("#c-sites[hx-trigger]").count() == 1
        assert _overflow(page) <= 0
        shot(page, f"central-sync-sites-{name}")


def test_token_shown_once_copied_then_revoked(central_page, stores, shot):
    page = central_page(TABLET, permissions=["clipboard-read", "clipboard-write"])
    login_password(page, "admin", "admin1234", lands="**/admin/reports")
    page.goto("/admin/sync/tokens")
    row = page.locator('tr[data-site="CAFE07"]')
    expect(row).to_contain_text("발급 전")
    row.get_by_role("button", name="발급").click()
    expect(page.get_by_role("heading", name="새 동기화 토큰")).to_be_visible()
    token = page.locator("#c-token").inner_text().strip()
    assert re.fullmatch(r"pos_[A-Za-z0-9_-]{40,}", token)
    page.get_by_role("button", name="복사").click()
    expect(page.get_by_text("복사했습니다")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == token
    shot(page, "central-token-issued-tablet")

    page.goto("/admin/sync/tokens")
    assert token not in page.content()
    row = page.locator('tr[data-site="CAFE07"]')
    expect(row).to_contain_text(token[:10])
    expect(row).to_contain_text("사용 중")
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    row.get_by_role("button", name="폐기").click()
    expect(row).to_contain_text("사용 중")  # dismissed: nothing happened
    assert "폐기할까요" in messages[0]
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="폐기").click()
    expect(page.get_by_text("동기화 토큰을 폐기했습니다")).to_be_visible()
    expect(page.locator('tr[data-site="CAFE07"]')).to_contain_text("폐기")

    portrait = central_page(PORTRAIT)
    login_password(portrait, "admin", "admin1234", lands="**/admin/reports")
    portrait.goto("/admin/sync/tokens")
    expect(portrait.locator('tr[data-site="CAFE03"]')).to_contain_text("사용 중")
    shot(portrait, "central-sync-tokens-portrait")
    page.goto("/admin/sync/tokens")
    shot(page, "central-sync-tokens-tablet")


def test_sites_form_refuses_in_korean(central_page, shot):
    for viewport, name in ((TABLET, "tablet"), (PORTRAIT, "portrait")):
        page = central_page(viewport)
        login_password(page, "admin", "admin1234", lands="**/admin/reports")
        page.goto("/admin/sites")
        expect(page.locator('tr[data-site="GN-FAIR"]')).to_contain_text("행사(장터)")
        page.locator("#f-code").fill("새 매장")
        page.locator("#f-vendor").fill("123-45-67890")
        page.get_by_role("button", name="추가", exact=True).click()
        expect(page.locator("#e-code")).to_contain_text("매장 코드는 영문 대문자")
        expect(page.locator("#e-name")).to_contain_text("이름을 입력하세요")
        expect(page.locator("#e-vendor")).to_contain_text("사업자등록번호")
        assert _overflow(page) <= 0
        shot(page, f"central-sites-form-{name}")

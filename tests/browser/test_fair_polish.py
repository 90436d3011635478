"""Two findings of a new user's test that live in JavaScript, in real Chromium: at a closed
fair the booth tablet shows the 마감 banner and no booth picker on top of it; 매장 설정's
receipt preview follows the header and footer boxes as they are typed."""

from __future__ import annotations

import pytest
from conftest import PORTRAIT, TABLET, login_password, login_pin, own_fixtures
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FAIR = "GN-FAIR"
CLOSE_FAIR = """
from sqlalchemy import select
from pos import create_app
from pos.db import db
from pos.sites import Site
from inventory.fairs.models import Fair
from inventory.fairs import service
app = create_app()
with app.app_context():
    site = db.session.scalar(select(Site).where(Site.code == "GN-FAIR"))
    fair = db.session.get(Fair, site.id)
    service.open_fair(fair, None)
    service.close_fair(fair, None)
    db.session.commit()
"""

closed_server, closed_page = own_fixtures(
    "closed", FAIR, cashiers=[("booth1", "부스하나", "1111")], script=CLOSE_FAIR
)


@pytest.mark.parametrize("viewport", [TABLET, PORTRAIT], ids=["tablet", "portrait"])
def test_closed_fair_shows_the_banner_without_the_booth_picker(closed_page, shot, viewport):
    page = closed_page(viewport)
    login_pin(page, "부스하나", "1111")
    expect(page.locator(".fair-notice")).to_contain_text("마감된 행사입니다")
    page.wait_for_function(
        "() => window.Alpine.$data(document.querySelector('.pos')).fairState === 'closed'"
    )
    expect(page.locator(".booth-dialog")).to_be_hidden()
    # tapping 부스 선택 at a closed fair opens nothing over the banner either
    page.locator(".btn-booth").click()
    expect(page.locator(".booth-dialog")).to_be_hidden()
    shot(page, f"fair-closed-booth-{viewport['width']}")


@pytest.mark.parametrize("viewport", [TABLET, PORTRAIT], ids=["tablet", "portrait"])
def test_settings_preview_follows_the_typing(new_page, shot, viewport):
    page = new_page(viewport)
    login_password(page)
    page.goto("/admin/settings")
    box = page.locator("#receipt-preview")
    expect(box).to_contain_text("대표자:")
    expect(box).to_contain_text("사업자등록번호:")
    page.locator("#f-receipt_header").fill("영업시간 08:00-20:00\n\n")
    page.locator("#f-receipt_footer").fill("교환은 7일 안에")
    header = box.locator('[data-part="receipt_header"]')
    footer = box.locator('[data-part="receipt_footer"]')
    columns = int(box.get_attribute("data-columns"))
    rows = header.inner_text().split("\n")
    assert rows[0].strip() == "영업시간 08:00-20:00" and rows[1] == "-" * columns
    assert rows[0].index("영") == (columns - 20) // 2  # centred as the printer centres it
    assert footer.inner_text().strip() == "교환은 7일 안에"
    shot(page, f"settings-preview-{viewport['width']}")
    # emptied: no header block, and the default thanks come back at the bottom
    page.locator("#f-receipt_header").fill("")
    page.locator("#f-receipt_footer").fill("")
    assert header.inner_text() == ""
    expect(footer).to_contain_text("이용해 주셔서 감사합니다")

"""The clock warning in real Chromium against a real `pos serve`: once the newest record this
server wrote is a day ahead of its clock (what a mini PC whose battery died sees after a boot),
the cashier's sell screen and the back office say so in Korean; once the clock is right again,
the warning is gone. Screenshots at 1024×768 and 800×1280."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import PORTRAIT, TABLET, login_password, login_pin, own_fixtures
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

clock_server, clock_page = own_fixtures("clock")


def _newest_event_shifted(srv, shift: str) -> None:
    """Move the newest outbox event's time (demo stock moves are in it) by SHIFT from now."""
    with sqlite3.connect(srv.live.instance / "pos.sqlite3", timeout=15) as con:
        con.execute(
            "UPDATE outbox SET occurred_at = datetime('now', ?) "
            "WHERE seq = (SELECT max(seq) FROM outbox)",
            (shift,),
        )


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_cashier_and_back_office_warn_of_a_clock_behind(clock_server, clock_page, shot):
    _newest_event_shifted(clock_server, "+1 day")
    for viewport, name in ((TABLET, "1024"), (PORTRAIT, "800")):
        till = clock_page(viewport)
        login_pin(till, "김하늘", "1234")
        warning = till.locator(".clock-notice[data-clock-warning]")
        expect(warning).to_contain_text("이 서버의 시계가")
        expect(warning).to_contain_text("늦습니다")
        assert _overflow(till) <= 0
        shot(till, f"clock-warning-cashier-{name}")

        office = clock_page(viewport)
        login_password(office)
        expect(office.locator("[data-clock-warning]")).to_contain_text("날짜와 시각을 맞춰")
        assert _overflow(office) <= 0
        shot(office, f"clock-warning-backoffice-{name}")

    _newest_event_shifted(clock_server, "+0 seconds")
    page = clock_page(TABLET)
    login_pin(page, "김하늘", "1234")
    page.locator(".product").first.wait_for()
    expect(page.locator(".clock-notice")).to_be_hidden()

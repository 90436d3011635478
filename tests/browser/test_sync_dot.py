"""The sync dot on the cashier screen, against a real central (PostgreSQL, in this process on a
real socket) and a real branch `pos serve` with its sync worker: green 동기화됨, amber 전송 대기
N건 while a sale waits, red 중앙 연결 안 됨 while central is down, green again by itself once it
is back; hidden on a branch that does not sync. Tapping the dot tells the details in Korean."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from apps import make_app
from conftest import PORTRAIT, SITE, login_pin, page_api, pages
from playwright.sync_api import Page, expect
from sync_push_helpers import Central

from pos.db import db


@pytest.fixture(scope="module")
def sync_central(tmp_path_factory, pg_url):
    app = make_app(tmp_path_factory.mktemp("central"), "postgresql", pg_url, POS_ROLE="central")
    srv = Central(app)
    yield srv
    srv.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _start(page: Page) -> None:
    login_pin(page, "김하늘", "1234")
    page.locator(".product").first.wait_for()


def _wait_state(page: Page, wanted: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        res = page_api(page, "/api/sync/state")
        if res["status"] == 401:
            # the first pull brought central's users (their PINs' hashes): log in again
            _start(page)
            continue
        got = res["data"]
        if got.get("state") == wanted:
            return got
        assert time.monotonic() < deadline, f"sync state stayed {got}"
        time.sleep(0.3)


def _sell_americano(page: Page) -> str:
    """A cash sale of one 아메리카노 (HOT) through the API the tablet uses."""
    products = page_api(page, "/api/catalog")["data"]["products"]
    item = next(p for p in products if p["name"] == "아메리카노")
    hot = next(
        o["id"]
        for g in item["option_groups"]
        if g["name"] == "온도"
        for o in g["options"]
        if o["name"] == "HOT"
    )
    sale_id = str(uuid.uuid4())
    body = {
        "id": sale_id,
        "lines": [{"product_id": item["id"], "qty": 1, "options": [hot]}],
        "payments": [{"method": "cash", "amount": item["price"]}],
    }
    res = page_api(page, "/api/sales", "POST", body)
    assert res["status"] == 201, res
    return sale_id


def test_the_dot_follows_central(browser, own_server, sync_central, shot):
    env = {
        "CENTRAL_URL": sync_central.url,
        "SYNC_TOKEN": sync_central.token(),
        # idle rounds far apart: a new sale stays 전송 대기 until something wakes the worker
        "SYNC_INTERVAL": "600",
        "SYNC_MAX_BACKOFF": "2",
        "SYNC_TIMEOUT": "3",
    }
    with own_server(SITE, **env) as srv, pages(browser, srv.url) as make:
        page = make()
        _start(page)
        _wait_state(page, "ok")  # the worker's first round sent what pos demo recorded
        page.reload()
        dot = page.locator("[data-sync-dot]")
        expect(dot).to_have_text("동기화됨")
        expect(dot).to_have_class(re.compile(r"\bsync-ok\b"))
        shot(page, "sync-dot-ok-1024")
        dot.click()
        detail = page.locator("[data-sync-detail]")
        expect(detail).to_be_visible()
        expect(detail).to_contain_text("판매 기록을 모두 중앙 저장소로 보냈습니다")
        expect(detail).to_contain_text(f"중앙 저장소: 127.0.0.1:{sync_central.port}")
        shot(page, "sync-dot-ok-detail-1024")
        detail.get_by_role("button", name="닫기").click()
        expect(detail).to_be_hidden()

        sale = _sell_americano(page)
        page.reload()
        expect(dot).to_have_text("전송 대기 1건")
        expect(dot).to_have_class(re.compile(r"\bsync-waiting\b"))
        shot(page, "sync-dot-waiting-1024")
        tall = make(viewport=PORTRAIT)
        _start(tall)
        tall_dot = tall.locator("[data-sync-dot]")
        expect(tall_dot).to_be_visible()
        expect(tall_dot).to_have_class(re.compile(r"\bsync-waiting\b"))
        expect(tall_dot).to_have_attribute("title", "전송 대기 1건")
        shot(tall, "sync-dot-waiting-800")
        tall_dot.click()
        expect(tall.locator("[data-sync-detail]")).to_contain_text("보낼 기록: 1건")
        shot(tall, "sync-dot-waiting-detail-800")

        # central goes away; the branch server is restarted and its worker cannot reach it
        sync_central.stop()
        srv.live.stop()
        srv.live.start()
        _wait_state(page, "error")
        page.reload()
        expect(dot).to_have_text("중앙 연결 안 됨")
        expect(dot).to_have_class(re.compile(r"\bsync-error\b"))
        dot.click()
        expect(detail).to_contain_text("중앙 저장소에 연결하지 못했습니다")
        expect(detail).to_contain_text("오류: 중앙 서버에 연결할 수 없습니다")
        shot(page, "sync-dot-error-1024")
        tall.reload()
        expect(tall_dot).to_have_class(re.compile(r"\bsync-error\b"))
        shot(tall, "sync-dot-error-800")
        # selling goes on while central is down
        later = _sell_americano(page)

        # central is back: the worker's backoff brings everything there by itself
        sync_central.start()
        _wait_state(page, "ok")
        page.reload()
        expect(dot).to_have_text("동기화됨")
        shot(page, "sync-dot-back-1024")
    ids = sync_central.applied_ids()
    assert sale in ids and later in ids and len(ids) == len(set(ids))


def test_no_dot_on_a_branch_that_does_not_sync(new_page):
    page = new_page()
    _start(page)
    assert page_api(page, "/api/sync/state")["data"]["state"] == "off"
    expect(page.locator(".net")).to_be_visible()
    expect(page.locator("[data-sync-dot]")).to_be_hidden()

"""The bar's order board (/bar) in real Chromium against a `pos serve` of its own: drink sales
show as big tiles with 매장/포장 and options, a tap moves one to 완료 and 되돌리기 brings it back,
a new sale appears by itself (polling), a ticket reprints on the printer, and a manager finds
the board in the back office. Screenshots at 1024×768 and 800×1280."""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from conftest import PORTRAIT, TABLET, login_password, login_pin, own_fixtures
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

bar_server, bar_page = own_fixtures("bar")

#: rings a sale up through the API from inside the page (prices from the catalog, cash exact)
SELL_JS = """async ([items, orderType]) => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const cat = await (await fetch('/api/catalog')).json();
  const byName = Object.fromEntries(cat.products.map((p) => [p.name, p]));
  let total = 0;
  const lines = items.map(([name, qty, options]) => {
    const p = byName[name];
    const ids = options.map(([g, o]) => {
      const opt = p.option_groups.find((x) => x.name === g).options.find((x) => x.name === o);
      total += qty * opt.price_delta;
      return opt.id;
    });
    total += qty * p.price;
    return {product_id: p.id, qty, options: ids};
  });
  const body = {id: crypto.randomUUID(), lines,
                payments: [{method: 'card', amount: total, approval_no: '30012345'}]};
  if (orderType) body.order_type = orderType;
  const res = await fetch('/api/sales', {method: 'POST', body: JSON.stringify(body),
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
  return {status: res.status, data: await res.json()};
}"""


def sell(page: Page, items, order_type: str | None = None) -> dict:
    res = page.evaluate(SELL_JS, [items, order_type])
    assert res["status"] == 201, res
    return res["data"]


def tile(page: Page, number: int):
    return page.locator(f'.bar-tile[data-number="{number}"]')


def done_row(page: Page, number: int):
    return page.locator(f'.bar-done-row[data-number="{number}"]')


def printed_since(printer, since: int, text: str, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    wanted = text.encode("cp949")
    while time.monotonic() < deadline:
        if any(wanted in job for job in printer.jobs[since:]):
            return True
        time.sleep(0.1)
    return False


def test_bar_marks_orders_done_and_back(bar_page, bar_server, shot):
    page = bar_page(TABLET)
    login_pin(page, "김하늘", "1234")
    togo = sell(page, [("아메리카노", 2, [("온도", "ICE"), ("샷 추가", "샷 추가")])], "togo")
    here = sell(page, [("카페라떼", 1, [("온도", "HOT")]), ("수제 마들렌", 1, [])], "here")
    sell(page, [("초코칩 쿠키", 1, [])])  # nothing for the bar

    page.goto("/bar")
    expect(page.locator(".bar-tile")).to_have_count(2)
    first = tile(page, togo["number"])
    expect(first.locator(".bar-type")).to_have_text("포장")
    expect(first.locator(".bar-line-name")).to_have_text("아메리카노 ×2")
    expect(first.locator(".bar-options")).to_have_text("ICE · 샷 추가")
    expect(first.locator(".bar-age")).to_have_text("방금")
    second = tile(page, here["number"])
    expect(second.locator(".bar-type")).to_have_text("매장")
    expect(second).not_to_contain_text("마들렌")
    # landscape: the 완료 list is open beside the tiles
    expect(page.locator("#bar-done")).to_be_visible()
    expect(page.locator("#bar-done")).to_contain_text("아직 완료된 주문이 없습니다")
    shot(page, "bar-board-1024")

    first.click()
    expect(page.locator(".bar-toast")).to_contain_text(f"{togo['number']}번 완료")
    expect(page.locator(".bar-tile")).to_have_count(1)
    expect(done_row(page, togo["number"])).to_contain_text("아메리카노 ×2")
    expect(done_row(page, togo["number"])).to_contain_text("포장")
    expect(page.locator(".bar-count")).to_have_text("1")
    shot(page, "bar-board-done-1024")
    # the server has it too: a reload shows the same
    page.reload()
    expect(page.locator(".bar-tile")).to_have_count(1)
    expect(done_row(page, togo["number"])).to_be_visible()

    done_row(page, togo["number"]).get_by_role("button", name="되돌리기").click()
    expect(page.locator(".bar-tile")).to_have_count(2)
    expect(page.locator(".bar-done-row")).to_have_count(0)
    # the toast's 되돌리기 undoes the last tap
    second.click()
    expect(page.locator(".bar-tile")).to_have_count(1)
    page.locator(".bar-toast").get_by_role("button", name="되돌리기").click()
    expect(page.locator(".bar-tile")).to_have_count(2)

    # a sale rung up elsewhere shows up by itself within the polling interval
    other = bar_page(TABLET)
    login_pin(other, "이바다", "5678")
    late = sell(other, [("유자차", 1, [("온도", "HOT")])])
    expect(tile(page, late["number"])).to_be_visible(timeout=12_000)
    expect(tile(page, late["number"]).locator(".bar-type")).to_be_hidden()

    # reprint a ticket: 주문표 다시 출력, then the order
    since = len(bar_server.printer.jobs)
    page.get_by_role("button", name="주문표 다시 출력").click()
    expect(page.locator(".bar-hint")).to_have_text("다시 출력할 주문을 누르세요")
    tile(page, here["number"]).click()
    expect(page.locator(".bar-toast")).to_contain_text(
        f"{here['number']}번 주문표를 다시 출력합니다"
    )
    expect(page.locator(".bar-tile")).to_have_count(3)  # nothing was marked done
    assert printed_since(bar_server.printer, since, "[재출력]")
    assert printed_since(bar_server.printer, since, f"주문 {here['number']}")


def test_portrait_shows_the_done_list_under_the_tiles(bar_page, shot):
    page = bar_page(PORTRAIT)
    login_pin(page, "김하늘", "1234")
    orders = [
        sell(page, [("바닐라라떼", 1, [("온도", "ICE"), ("사이즈", "라지")])], "togo"),
        sell(page, [("카푸치노", 2, [("온도", "HOT")]), ("에스프레소", 1, [])], "here"),
        sell(page, [("레몬에이드", 1, [])], "togo"),
    ]
    page.goto("/bar")
    for o in orders:
        expect(tile(page, o["number"])).to_be_visible()
    # portrait: the 완료 list starts closed and opens under the tiles
    expect(page.locator("#bar-done")).to_be_hidden()
    tile(page, orders[0]["number"]).click()
    expect(page.locator(".bar-count")).to_have_text("1")
    page.get_by_role("button", name="완료").first.click()
    expect(done_row(page, orders[0]["number"])).to_be_visible()
    tiles = page.locator(".bar-waiting").bounding_box()
    done = page.locator("#bar-done").bounding_box()
    assert done["y"] >= tiles["y"] + tiles["height"] - 1
    # tiles stay big and inside the screen
    box = tile(page, orders[1]["number"]).bounding_box()
    assert box["width"] >= 220 and box["x"] + box["width"] <= PORTRAIT["width"]
    number = tile(page, orders[1]["number"]).locator(".bar-number")
    assert float(number.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48
    shot(page, "bar-board-800")


def test_manager_finds_the_board_in_the_back_office(bar_page):
    page = bar_page(TABLET)
    login_password(page)
    page.get_by_role("navigation", name="관리 메뉴").get_by_role("link", name="주문 현황판").click()
    page.wait_for_url("**/bar")
    expect(page.locator(".bar-brand")).to_have_text("주문 현황판")
    expect(page.get_by_role("link", name="관리")).to_be_visible()


def test_strangers_are_sent_to_log_in(bar_page):
    page = bar_page(TABLET)
    page.goto("/bar")
    page.wait_for_url("**/login?next=/bar")


def age_ticket(server, number: int, minutes: int) -> None:
    """Make today's ticket ``number`` older in the server's own database."""
    with sqlite3.connect(server.live.instance / "pos.sqlite3") as conn:
        conn.execute(
            "UPDATE order_tickets SET created_at = datetime(created_at, ?) WHERE number = ?",
            (f"-{minutes} minutes", number),
        )


def test_late_orders_turn_orange_then_red(bar_page, bar_server, shot):
    page = bar_page(TABLET)
    login_pin(page, "김하늘", "1234")
    late = sell(page, [("핫초코", 1, [("사이즈", "라지")])], "here")
    later = sell(page, [("에스프레소", 2, [("샷 추가", "샷 추가")])], "togo")
    age_ticket(bar_server, late["number"], 8)
    age_ticket(bar_server, later["number"], 13)
    page.goto("/bar")
    expect(tile(page, late["number"])).to_have_class(re.compile(r"\blate\b"))
    expect(tile(page, late["number"]).locator(".bar-age")).to_have_text("8분 전")
    expect(tile(page, later["number"])).to_have_class(re.compile(r"\bvery-late\b"))
    expect(tile(page, later["number"]).locator(".bar-age")).to_have_text("13분 전")
    expect(tile(page, later["number"]).locator(".bar-print-state")).to_be_hidden()
    shot(page, "bar-board-late-1024")

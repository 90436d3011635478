"""A whole 하루장터 in real Chromium against `pos serve` at the demo fair (POS_SITE=GN-FAIR): the
organiser checks goods in and opens the fair, two booth tablets sell (one of them a joint
checkout of two vendors' goods, printed as two receipts over a real socket), the board shows
the sales by itself, the organiser closes, counts every vendor's remainder and reads the
settlement, whose XLSX says the same as the screen.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import PORTRAIT, TABLET, login_pin, own_fixtures
from escpos_decoder import decode_escpos
from live import FakePrinter
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FAIR = "GN-FAIR"
#: booth tablets' cashiers: (username, name, PIN)
BOOTH_CASHIERS = [("booth1", "부스하나", "1111"), ("booth2", "부스둘", "2222")]
SANCHEONG = "산청지역자활센터"
MIRYANG = "밀양지역자활센터"
#: GS V 1: the partial cut after each receipt
CUT = b"\x1dV\x01"


fair_server, fair_page = own_fixtures("fair", FAIR, cashiers=BOOTH_CASHIERS)


def organiser_login(page: Page) -> None:
    page.goto("/login")
    status = page.evaluate(
        """async () => (await fetch('/api/login', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({username: 'organiser', password: 'organiser1234'})})).status"""
    )
    assert status == 200


def product(page: Page, name: str):
    return page.locator(".product", has=page.locator(".product-name", has_text=name))


def pay_cash(page: Page) -> None:
    page.locator(".btn-checkout").click()
    page.locator(".btn-pay-go").click()


def joint_receipts(printer: FakePrinter, since: int, seconds: float = 15) -> list[str]:
    """The Hangul of each receipt printed since job ``since``, one entry per paper cut, once
    both vendors' receipts are in (the print queue may send them in one connection or two)."""
    deadline = time.monotonic() + seconds
    while True:
        data = b"".join(printer.jobs[since:])
        pieces = [p for p in data.split(CUT) if p.strip(b"\x00")]
        texts = [" ".join(decode_escpos(p).hangul_segments) for p in pieces]
        if sum(SANCHEONG in t or MIRYANG in t for t in texts) >= 2 or time.monotonic() > deadline:
            return [t for t in texts if t]
        time.sleep(0.1)


def server_booth(page: Page, seconds: float = 5) -> str | None:
    """The vendor the server binds this tablet's session to, once the tablet has told it."""
    deadline = time.monotonic() + seconds
    while True:
        booth = page.evaluate("async () => (await (await fetch('/api/booth')).json()).booth")
        if booth or time.monotonic() > deadline:
            return booth["name"] if booth else None
        time.sleep(0.2)


def refresh_fair(page: Page) -> None:
    """The tablet reads the fair's state and methods now, not at its next 20-second poll."""
    page.evaluate("() => window.Alpine.$data(document.querySelector('.pos')).refreshFair()")


def choose_methods(page: Page, *methods: str) -> None:
    """Tick exactly these payment methods in the overview's 결제 수단 바꾸기 form."""
    form = page.locator(".fair-methods")
    form.locator("summary").click()
    for box in form.locator("input[name=methods]").all():
        box.set_checked(box.get_attribute("value") in methods)


def ok_flash(page: Page):
    return page.locator(".flash-list .flash-ok")


def test_fair_day(fair_page, fair_server, shot):
    fair_printer = fair_server.printer
    org = fair_page(TABLET)
    organiser_login(org)

    # --- the list and the overview: planned, with the next step
    org.goto("/fairs")
    expect(org.locator(".fair-list")).to_contain_text("준비 중")
    shot(org, "fair-01-list")
    org.locator(".fair-list a", has_text="하루장터").first.click()
    expect(org.locator(".fair-next")).to_contain_text("장터 열기")
    expect(org.locator(".fair-vendors")).to_contain_text(SANCHEONG)
    shot(org, "fair-02-overview")

    # --- check-in: 밀양 brings 10 more 쑥떡, signed at once; 산청 signs afterwards
    org.locator(".fair-tabs a", has_text="입고").click()
    org.locator(".fair-vendor-btn", has_text=MIRYANG).click()
    row = org.locator(".fair-qty-row", has_text="쑥떡")
    row.locator("input").fill("10")
    org.locator("#signed-by").fill("박밀양")
    shot(org, "fair-03-checkin")
    org.locator(".fair-checkin button[type=submit]").click()
    expect(ok_flash(org)).to_contain_text("입고했습니다")
    expect(org.locator(".fair-consignments tbody tr").first).to_contain_text("서명 박밀양")

    org.locator(".fair-vendor-btn", has_text=SANCHEONG).click()
    org.locator(".fair-qty-row", has_text="곶감").locator("input").fill("2")
    org.locator(".fair-checkin button[type=submit]").click()
    expect(ok_flash(org)).to_contain_text("서명을 받으세요")
    unsigned = org.locator(".fair-consignments tbody tr").first
    expect(unsigned).to_contain_text("서명 대기")
    unsigned.locator("input[name=signed_by]").fill("산청우")
    unsigned.locator("button").click()
    expect(ok_flash(org)).to_contain_text("산청우 님이 서명했습니다")
    expect(org.locator(".fair-consignments")).not_to_contain_text("서명 대기")

    # letters in a quantity change nothing and say why in Korean
    org.locator(".fair-qty-row", has_text="곶감").locator("input").fill("두개")
    org.locator(".fair-checkin button[type=submit]").click()
    expect(org.locator(".flash-list .flash-error")).to_contain_text("숫자로만")

    # --- a booth tablet before the fair opens: the server's Korean refusal, clearly
    booth_a = fair_page(TABLET)
    login_pin(booth_a, *BOOTH_CASHIERS[0][1:])
    picker = booth_a.locator(".booth-dialog")
    expect(picker).to_be_visible()
    shot(booth_a, "fair-04-booth-picker")
    picker.locator(".booth-choice", has_text=SANCHEONG).click()
    expect(picker).to_be_hidden()
    expect(booth_a.locator(".btn-booth")).to_contain_text(SANCHEONG)
    expect(product(booth_a, "곶감")).to_be_visible()
    expect(product(booth_a, "쑥떡")).to_have_count(0)  # another vendor's goods
    expect(booth_a.locator(".fair-notice")).to_contain_text("시작되지 않")  # said up front
    # the tablet remembers its booth across a 교대 (a new session): no picker, the same booth
    booth_a.locator(".btn-shift").click()
    login_pin(booth_a, *BOOTH_CASHIERS[0][1:])
    expect(booth_a.locator(".btn-booth")).to_contain_text(SANCHEONG)
    expect(picker).to_be_hidden()
    expect(product(booth_a, "쑥떡")).to_have_count(0)
    assert server_booth(booth_a) == SANCHEONG  # told the new session
    product(booth_a, "곶감").click()
    pay_cash(booth_a)
    expect(booth_a.locator(".fair-notice")).to_contain_text("시작되지 않아")
    shot(booth_a, "fair-05-booth-not-open")

    # --- open
    org.locator(".fair-tabs a", has_text="개요").click()
    # the demo fair is dated 2024-05-03: opening on another day takes the tick first
    expect(org.locator(".fair-other-day")).to_contain_text(
        "행사 날짜(2024-05-03)는 오늘이 아닙니다"
    )
    org.locator(".fair-other-day input[name=other_day]").check()
    org.locator(".fair-next button", has_text="장터 열기").click()
    expect(ok_flash(org)).to_contain_text("열었습니다")
    expect(org.locator(".fair-tabs .fair-state")).to_have_text("진행 중")

    # --- the board, left open: it must update by itself
    org.locator(".fair-tabs a", has_text="현황판").click()
    expect(org.locator("[data-kpi=sales]")).to_have_text("0건")
    org.evaluate("window.__sameBoard = true")

    # booth A sells the 곶감 still in its cart
    expect(booth_a.locator(".line", has_text="곶감")).to_have_count(1)
    jobs_before = len(fair_printer.jobs)
    pay_cash(booth_a)
    expect(booth_a.locator(".done")).to_be_visible()
    fair_printer.wait_for(jobs_before + 1)

    # booth B is the joint checkout: 산청 and 밀양 goods, one payment, two receipts
    booth_b = fair_page(PORTRAIT)
    login_pin(booth_b, *BOOTH_CASHIERS[1][1:])
    expect(booth_b.locator(".booth-dialog")).to_be_visible()
    shot(booth_b, "fair-06-booth-picker-portrait")
    booth_b.locator(".booth-dialog .booth-joint").click()
    expect(booth_b.locator(".btn-booth")).to_have_text("공동 계산대")
    product(booth_b, "건표고버섯").click()
    product(booth_b, "쑥떡").click()
    expect(booth_b.locator(".line", has_text="건표고버섯").locator(".line-vendor")).to_have_text(
        SANCHEONG
    )
    expect(booth_b.locator(".line", has_text="쑥떡").locator(".line-vendor")).to_have_text(MIRYANG)
    shot(booth_b, "fair-06-joint-cart")
    fair_printer.wait_for(jobs_before + 1)
    jobs_before = len(fair_printer.jobs)
    pay_cash(booth_b)
    expect(booth_b.locator(".done")).to_be_visible()
    shot(booth_b, "fair-07-joint-done")
    receipts = joint_receipts(fair_printer, jobs_before)
    assert len(receipts) == 2, receipts
    assert sum(SANCHEONG in t for t in receipts) == 1, receipts
    assert sum(MIRYANG in t for t in receipts) == 1, receipts
    assert all(not (SANCHEONG in t and MIRYANG in t) for t in receipts)

    # the board shows both sales within 5 s, without a reload
    expect(org.locator("[data-kpi=sales]")).to_have_text("2건", timeout=5000)
    assert org.evaluate("window.__sameBoard === true")
    sold = org.locator(".fair-board-vendor", has_text=SANCHEONG).locator("tr", has_text="곶감")
    expect(sold.locator("[data-col=sold]")).to_have_text("1")
    expect(org.locator(".fair-bar-fill").first).to_be_attached()
    shot(org, "fair-08-board")

    # 품절 from the board
    jam = org.locator(".fair-board-vendor", has_text=MIRYANG).locator("tr", has_text="사과즙")
    jam.locator("button", has_text="품절").click()
    expect(jam.locator(".bo-badge")).to_have_text("품절")

    # --- the organiser stops taking cash: a booth's payment step starts on 카드
    org.locator(".fair-tabs a", has_text="개요").click()
    choose_methods(org, "card", "transfer")
    shot(org, "fair-08b-methods")
    org.set_viewport_size(PORTRAIT)
    shot(org, "fair-08c-methods-portrait")
    assert org.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    org.set_viewport_size(TABLET)
    org.locator(".fair-methods button[type=submit]").click()
    expect(ok_flash(org)).to_contain_text("결제 수단을 저장했습니다")
    refresh_fair(booth_b)
    booth_b.locator(".btn-new").click()
    product(booth_b, "쑥떡").click()
    booth_b.locator(".btn-checkout").click()
    expect(booth_b.locator(".method.active")).to_have_attribute("data-method", "card")
    expect(booth_b.locator('.method[data-method="cash"]')).to_be_hidden()
    booth_b.locator(".btn-back").click()
    choose_methods(org)  # none ticked: every method again
    org.locator(".fair-methods button[type=submit]").click()
    expect(ok_flash(org)).to_contain_text("모든 결제 수단을 받습니다")
    refresh_fair(booth_a)

    # --- close, with a confirmation
    org.locator(".fair-tabs a", has_text="개요").click()
    org.locator(".fair-next a", has_text="마감하기").click()
    shot(org, "fair-09-close-confirm")
    org.locator("input[name=confirm]").check()
    org.locator(".fair-close button[type=submit]").click()
    expect(ok_flash(org)).to_contain_text("마감했습니다")
    expect(org).to_have_url(f"{org.url.split('/fairs')[0]}/fairs/{FAIR}/count")

    # a sale after close is refused with the server's message
    booth_a.locator(".btn-new").click()
    product(booth_a, "곶감").click()
    pay_cash(booth_a)
    expect(booth_a.locator(".fair-notice")).to_contain_text("마감된 행사")

    # --- count every vendor's remainder: one 쑥떡 is missing
    vendors = org.locator(".fair-vendor-btn")
    for i in range(vendors.count()):
        org.locator(".fair-vendor-btn").nth(i).click()
        form = org.locator("[data-count-form]")
        rows = form.locator("tbody tr[data-sku]")
        for r in range(rows.count()):
            tr = rows.nth(r)
            expected = int(tr.locator("[data-expected]").get_attribute("data-expected"))
            counted = expected - 1 if "쑥떡" in tr.inner_text() else expected
            tr.locator("input").fill(str(counted))
        if i == 0:
            shot(org, "fair-10-count")
        form.locator("button[value=preview]").click()
        if org.locator("tr", has_text="쑥떡").count():
            expect(org.locator("tr", has_text="쑥떡").locator("[data-variance]")).to_have_text("-1")
            shot(org, "fair-11-count-variance")
        org.locator("[data-count-form] button[value=commit]").click()
        expect(ok_flash(org)).to_contain_text("반환 처리했습니다")
    expect(org.locator(".fair-done")).to_contain_text("모든 공급자")

    # --- the settlement: the screen, the slip, and the XLSX with the same payable figures
    org.locator(".fair-done a", has_text="정산 보기").click()
    table = org.locator(".fair-settlement")
    expect(table).to_contain_text(SANCHEONG)
    screen = {}
    for tr in table.locator("tbody tr").all():
        brn = tr.get_attribute("data-brn")
        screen[brn] = int(tr.locator("[data-col=payable]").inner_text().replace(",", ""))
    assert screen, "no vendor rows on the settlement"
    total = int(table.locator("tfoot [data-col=payable]").inner_text().replace(",", ""))
    assert total == sum(screen.values())
    miryang = table.locator("tr", has_text=MIRYANG)
    expect(miryang).to_contain_text("1")  # the missing 쑥떡 is its variance
    shot(org, "fair-12-settlement")
    org.emulate_media(media="print")
    expect(org.locator(".bo-nav")).to_be_hidden()
    expect(org.locator("[data-print-all]")).to_be_hidden()
    shot(org, "fair-12-settlement-print")
    org.emulate_media(media="screen")

    slips_before = len(fair_printer.jobs)
    org.locator("[data-print-all]").click()
    expect(org.locator("#bo-toast")).to_be_visible()
    fair_printer.wait_for(slips_before + 1)
    assert len(fair_printer.jobs) > slips_before

    with org.expect_download() as dl:
        org.locator("[data-xlsx]").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()), data_only=True)
    sheet = book.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    head_at = next(i for i, r in enumerate(rows) if "지급액" in [str(v) for v in r])
    head = [str(v) for v in rows[head_at]]
    pay_col = head.index("지급액")
    brn_col = next(i for i, h in enumerate(head) if "사업자" in h)
    from_xlsx = {}
    for r in rows[head_at + 1 :]:
        brn = str(r[brn_col] or "").replace("-", "")
        if len(brn) == 10 and brn.isdigit():
            from_xlsx[brn] = int(r[pay_col])
    assert from_xlsx == screen

    # --- locked: read-only pages, corrections as audited adjustments
    org.locator(".fair-tabs a", has_text="개요").click()
    expect(org.locator(".fair-locked")).to_be_visible()
    expect(org.locator(".fair-add-vendor")).to_have_count(0)
    org.locator(".fair-tabs a", has_text="조정").click()
    org.locator("#adj-brn").select_option(label=f"A-2 {MIRYANG}")
    org.locator("#adj-amount").fill("-5000")
    org.locator("#adj-reason").fill("쑥떡 1팩 분실분을 공급자와 합의해 차감")
    org.locator(".fair-adjust button[type=submit]").click()
    expect(ok_flash(org)).to_contain_text("조정을 기록했습니다")
    expect(org.locator(".fair-adjustments")).to_contain_text("분실분")
    shot(org, "fair-13-adjustments")


def test_fair_pages_look_right_portrait(fair_page, shot):
    """Every fair page at 800×1280 (the organiser's tablet upright)."""
    page = fair_page(PORTRAIT)
    organiser_login(page)
    for name, path in [
        ("list", "/fairs"),
        ("overview", f"/fairs/{FAIR}"),
        ("checkin", f"/fairs/{FAIR}/checkin"),
        ("board", f"/fairs/{FAIR}/board"),
        ("count", f"/fairs/{FAIR}/count"),
        ("settlement", f"/fairs/{FAIR}/settlement"),
        ("adjustments", f"/fairs/{FAIR}/adjustments"),
    ]:
        page.goto(path)
        expect(page.locator(".bo-main h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
        shot(page, f"fair-portrait-{name}")

"""The café tablet's discounts, approvals, refunds and drawer in real headless Chromium, on a
server of this module's own that does not require an open till: the float is asked for by a
notice (나중에 is allowed), a line discount under the limit needs nobody, a refused approval
leaves the sale unsent, a cashier's PIN is no approval, a card refund needs its 취소
승인번호, a full refund hides 환불, and 돈통 열기 asks for a reason."""

from __future__ import annotations

import json

import pytest
from conftest import PORTRAIT, login_password, login_pin, own_fixtures
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

refund_server, refund_page = own_fixtures("refund")

DONE_KEY = "kkumideun.pos.v1.CAFE03.done"
PENDING_KEY = "kkumideun.pos.v1.CAFE03.pending"


def product(page: Page, name: str):
    return page.locator(".product", has=page.locator(".product-name", has_text=name))


def call(page: Page, path: str) -> dict:
    return page.evaluate(
        """async (path) => {
            const res = await fetch(path, {headers: {Accept: "application/json"}});
            return {status: res.status, data: await res.json()};
        }""",
        path,
    )


def last_done(page: Page) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('{DONE_KEY}')"))


def keypad(page: Page, scope: str, digits: str) -> None:
    for digit in digits:
        page.locator(f'{scope} [data-key="{digit}"]').click()


def start(page: Page, name: str = "김하늘", pin: str = "1234") -> None:
    login_pin(page, name, pin)
    page.locator(".product").first.wait_for()


def test_float_notice_and_line_discount_under_the_limit(refund_page, shot):
    page = refund_page()
    start(page)
    notice = page.locator(".float-notice")
    expect(notice).to_be_visible()
    expect(page.locator(".float-dialog")).to_have_count(0)  # selling is not blocked
    notice.get_by_role("button", name="시작 현금 입력").click()
    page.locator(".float-dialog").get_by_role("button", name="나중에").click()
    expect(page.locator(".float-dialog")).to_have_count(0)

    # 1,000원 off one 운동화 세척 (8,000원: 12.5 %, over the limit) is refused without a
    # manager; 500원 (6.25 %) goes through without asking anyone
    product(page, "운동화 세척").click()
    product(page, "수제 마들렌").click()
    page.locator(".cart .line-name", has_text="운동화 세척").click()
    dialog = page.locator(".discount-dialog")
    expect(dialog.locator('.chip[data-target]:not([data-target="order"]).active')).to_have_text(
        "운동화 세척"
    )
    keypad(page, ".discount-keypad", "1000")
    expect(dialog.locator(".discount-typed")).to_have_text("1,000원")
    expect(dialog.locator(".approval-hint")).to_be_visible()
    dialog.locator('[data-key="clear"]').click()
    keypad(page, ".discount-keypad", "500")
    expect(dialog.locator(".approval-hint")).to_be_hidden()
    dialog.locator('.chip.reason[data-reason="단골 쿠폰"]').click()
    dialog.locator(".btn-discount-apply").click()
    line = page.locator(".cart .line", has_text="운동화 세척")
    expect(line.locator(".line-discount")).to_have_text("할인 −500원 · 단골 쿠폰")
    expect(page.locator(".total-amount")).to_have_text("10,000원")
    shot(page, "refund-01-line-discount")
    page.locator(".btn-checkout").click()
    first_line = page.locator(".pay-lines li").first
    expect(first_line.locator(".pay-line-discount")).to_have_text("할인 −500원 · 단골 쿠폰")
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done .done-total")).to_have_text("10,000원")
    expect(page.locator(".approval-dialog")).to_have_count(0)
    sale = call(page, f"/api/sales/{last_done(page)['id']}")["data"]
    first = sale["lines"][0]
    assert (first["line_discount"], first["discount_reason"]) == (500, "단골 쿠폰")
    assert sale["order_type"] == "here"


def test_refused_approval_and_a_cashiers_pin(refund_page):
    page = refund_page()
    start(page, "이바다", "5678")
    product(page, "수제 마들렌").click()
    page.locator(".btn-discount").click()
    dialog = page.locator(".discount-dialog")
    dialog.locator('.discount-kind [data-kind="pct"]').click()
    dialog.locator(".discount-quick .chip", has_text="50%").click()
    dialog.locator('.chip.reason[data-reason="시식·파손"]').click()
    dialog.locator(".btn-discount-apply").click()
    page.locator(".btn-checkout").click()
    page.locator(".btn-pay-go").click()

    # a cashier's own PIN is no approval: the server's Korean message, asked again
    approval = page.locator(".approval-dialog")
    approval.get_by_role("button", name="다른 이름").click()
    approval.locator('input[name="approver_username"]').fill("cashier3")
    keypad(page, ".approval-keypad", "1234")
    approval.locator(".btn-approve").click()
    expect(approval.locator(".approval-error")).to_have_text(
        "매니저나 관리자의 PIN으로만 승인할 수 있습니다"
    )
    # giving up leaves nothing on its way and says why; without the discount it sells
    approval.get_by_role("button", name="취소").click()
    expect(approval).to_have_count(0)
    expect(page.locator(".pay-error")).to_contain_text("매니저 승인 없이는")
    assert page.evaluate(f"localStorage.getItem('{PENDING_KEY}')") is None
    page.get_by_role("button", name="← 주문 수정").click()
    page.locator(".btn-discount").click()
    page.locator(".btn-discount-remove").click()
    expect(page.locator(".total-amount")).to_have_text("2,500원")
    page.locator(".btn-checkout").click()
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done .done-total")).to_have_text("2,500원")
    page.locator(".btn-new").click()

    # an admin without a PIN approves with the password
    product(page, "수제 마들렌").click()
    page.locator(".btn-discount").click()
    dialog.locator(".discount-quick .chip", has_text="1,000원").click()
    dialog.locator('.chip.reason[data-reason="행사 할인"]').click()
    dialog.locator(".btn-discount-apply").click()
    page.locator(".btn-checkout").click()
    page.locator(".btn-pay-go").click()
    approval.get_by_role("button", name="다른 이름").click()
    approval.locator('input[name="approver_username"]').fill("admin")
    approval.locator('input[name="approver_password"]').fill("admin1234")
    approval.locator(".btn-approve").click()
    expect(page.locator(".done .done-total")).to_have_text("1,500원")


def test_card_refund_needs_its_cancel_number_and_a_full_refund(refund_page, shot):
    page = refund_page(PORTRAIT)
    start(page)
    product(page, "표고버섯 칩").click()
    product(page, "표고버섯 칩").click()
    page.locator(".btn-checkout").click()
    page.locator('.method[data-method="card"]').click()
    page.locator('input[name="approval_no"]').fill("11112222")
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done .done-total")).to_have_text("10,000원")
    sale_id = last_done(page)["id"]
    page.locator(".btn-new").click()

    page.locator(".btn-today").click()
    page.locator(f'.today-row[data-sale="{sale_id}"]').click()
    page.locator(".btn-refund").click()
    page.get_by_role("button", name="남은 것 모두").click()
    expect(page.locator(".refund-total")).to_have_text("10,000원")
    page.locator(".return-form .chip.reason", has_text="고객 변심").click()
    expect(page.locator('.return-method .chip[data-method="card"]')).to_have_class("chip active")
    page.locator(".btn-return-go").click()
    expect(page.locator(".return-form .dialog-error")).to_contain_text("취소 승인번호")
    page.locator('input[name="refund_approval_no"]').fill("99990000")
    shot(page, "refund-02-card-portrait")
    page.locator(".btn-return-go").click()
    approval = page.locator(".approval-dialog")
    keypad(page, ".approval-keypad", "2580")
    approval.locator(".btn-approve").click()
    expect(page.locator(".sale-pane .today-status")).to_have_text("환불됨")
    expect(page.locator(".btn-refund")).to_be_hidden()
    data = call(page, f"/api/sales/{sale_id}")["data"]
    assert data["refundable_total"] == 0
    assert data["refunds"][0]["total"] == 10000
    page.locator(".sale-pane .btn", has_text="목록").click()
    row = page.locator(f'.today-row[data-sale="{sale_id}"]')
    expect(row.locator(".today-status")).to_have_text("환불됨")


def test_no_sale_opens_the_drawer_with_a_reason(refund_page, shot):
    page = refund_page()
    start(page, "이바다", "5678")
    page.locator(".float-notice .btn").click()
    keypad(page, ".float-dialog .till-keypad", "30000")
    page.locator(".btn-open-shift").click()
    expect(page.locator(".float-notice")).to_be_hidden()
    page.locator(".btn-cash").click()
    cash = page.locator(".cash-dialog")
    cash.locator('.move-kinds [data-kind="no_sale"]').click()
    expect(cash.locator(".till-keypad")).to_have_count(0)
    cash.locator(".btn-record-move").click()
    expect(cash.locator(".dialog-error")).to_have_text("사유를 고르거나 입력하세요")
    cash.locator('input[name="move_reason"]').fill("잔돈 바꿔 줌")
    shot(page, "refund-03-no-sale")
    cash.locator(".btn-record-move").click()
    expect(cash).to_have_count(0)
    expect(page.locator(".toast")).to_have_text("돈통을 열었습니다 · 잔돈 바꿔 줌")
    # 교대 now offers to close the till; 교대 (마감 없이) logs out and leaves it open
    page.locator(".btn-shift").click()
    page.locator(".ask-choices .btn", has_text="교대 (마감 없이)").click()
    page.wait_for_url("**/login**")
    start(page, "이바다", "5678")
    expect(page.locator(".float-notice")).to_be_hidden()
    expect(page.locator(".btn-cash")).to_be_visible()

    # 마감 counted by denomination: 1만원 ×2 and 5천원 ×2 are the 30,000원 float
    page.locator(".btn-shift").click()
    page.locator(".ask-choices .btn", has_text="마감하고 교대").click()
    close = page.locator(".close-dialog")
    expect(close.locator(".expected-cash")).to_have_text("30,000원")
    close.get_by_role("button", name="권종별로 세기").click()
    close.get_by_role("button", name="1만원 하나 더").click()
    close.get_by_role("button", name="1만원 하나 더").click()
    close.locator('.denom[data-denom="5000"] .denom-name').click()
    keypad(page, ".close-dialog .till-keypad", "2")
    expect(close.locator(".counted-cash")).to_have_text("30,000원")
    expect(close.locator(".over-short-amount")).to_have_text("0원 (맞음)")
    shot(page, "refund-04-count-by-denomination")
    close.locator(".btn-close-shift").click()
    expect(page.locator(".closed-over-short")).to_have_text("0원 (맞음)")


def test_cash_receipt_approval_number_on_the_done_screen(refund_page, shot):
    """현금영수증 asked at checkout: the number issued on the terminal or 홈택스 is typed on the
    done screen; a bad one gets the server's Korean message; 오늘 판매 shows it issued."""
    page = refund_page()
    start(page)
    product(page, "초코칩 쿠키").click()
    page.locator(".btn-checkout").click()
    page.locator('input[name="cash_receipt"]').check()
    page.locator('input[name="cash_receipt_id"]').fill("010-1234-5678")
    page.locator(".btn-pay-go").click()
    done = page.locator(".done")
    expect(done.locator(".done-cash-receipt dd")).to_have_text("소득공제 010-****-5678")
    box = done.locator('input[name="done_cash_receipt_no"]')
    form = done.locator(".done-receipt-no")
    box.fill("12")
    form.get_by_role("button", name="저장").click()
    expect(form.locator(".dialog-error")).to_have_text("승인번호는 숫자나 영문 4~30자로 입력하세요")
    box.fill("T-2026 1202")
    form.get_by_role("button", name="저장").click()
    expect(form.locator("p.muted")).to_have_text("현금영수증 발급 · 승인번호 T20261202")
    expect(box).to_be_hidden()
    shot(page, "refund-05-cash-receipt-no")
    sale_id = last_done(page)["id"]
    page.locator(".btn-new").click()
    page.locator(".btn-today").click()
    page.locator(f'.today-row[data-sale="{sale_id}"]').click()
    receipt = page.locator(".cash-receipt-no")
    expect(receipt.locator(".tag")).to_have_text("발급 · 승인 T20261202")
    expect(receipt.locator('input[name="cash_receipt_no"]')).to_be_hidden()


def test_manager_discounts_round_like_the_server_without_approval(refund_page):
    """A manager on the tablet needs no approval; odd percents round half up exactly as the
    server does, so the payment of the shown total is taken (22 % of 7,500 = 1,650, then 15 %
    of the 10,850 left = 1,627.5 → 1,628; total 9,222원)."""
    page = refund_page()
    login_password(page)
    page.goto("/pos")
    page.locator(".product").first.wait_for()
    for _ in range(3):
        product(page, "수제 마들렌").click()
    product(page, "표고버섯 칩").click()  # 5,000원, no line discount of its own
    page.locator(".cart .line-name", has_text="수제 마들렌").click()
    dialog = page.locator(".discount-dialog")
    dialog.locator('.discount-kind [data-kind="pct"]').click()
    keypad(page, ".discount-keypad", "22")
    expect(dialog.locator(".discount-preview")).to_have_text("−1,650원")
    dialog.locator('.chip.reason[data-reason="직원 할인"]').click()
    dialog.locator(".btn-discount-apply").click()
    page.locator(".btn-discount").click()
    dialog.locator('.discount-kind [data-kind="pct"]').click()
    keypad(page, ".discount-keypad", "15")
    expect(dialog.locator(".discount-preview")).to_have_text("−1,628원")
    dialog.locator('.chip.reason[data-reason="행사 할인"]').click()
    dialog.locator(".btn-discount-apply").click()
    expect(page.locator(".total-amount")).to_have_text("9,222원")
    page.locator(".btn-checkout").click()
    page.locator(".btn-pay-go").click()
    expect(page.locator(".done .done-total")).to_have_text("9,222원")
    expect(page.locator(".approval-dialog")).to_have_count(0)

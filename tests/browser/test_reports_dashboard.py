"""The managers' dashboard in real Chromium against a real branch `pos serve`: sales and a
refund made through the tablet's API, the manager opens 매출 리포트, the Chart.js chart is drawn
with the day's net sales, the filters change the page, and the XLSX download opens with
openpyxl with the totals the branch sold. Screenshots at 1024×768 and 800×1280."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import PORTRAIT, TABLET, login_password, own_fixtures
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

reports_server, reports_page = own_fixtures("reports")

TODAY = datetime.now(ZoneInfo("Asia/Seoul")).date().isoformat()


def _login(page: Page, username: str, **secret) -> str:
    resp = page.request.post("/api/login", data={"username": username, **secret})
    assert resp.ok, resp.text()
    return resp.json()["csrf_token"]


def sell_and_refund(page: Page) -> int:
    """Two sales by 김하늘 (a 카페라떼 ICE, three cookies) and the manager's refund of the
    first; returns the net won."""
    token = _login(page, "cashier3", pin="1234")
    products = {p["name"]: p for p in page.request.get("/api/catalog").json()["products"]}
    latte, cookie = products["카페라떼"], products["초코칩 쿠키"]
    ice = next(
        o
        for g in latte["option_groups"]
        if g["name"] == "온도"
        for o in g["options"]
        if o["name"] == "ICE"
    )
    sales = []
    for line, price in (
        (
            {"product_id": latte["id"], "qty": 1, "options": [ice["id"]]},
            latte["price"] + ice["price_delta"],
        ),
        ({"product_id": cookie["id"], "qty": 3, "options": []}, cookie["price"] * 3),
    ):
        body = {
            "id": str(uuid.uuid4()),
            "lines": [line],
            "payments": [{"method": "card", "amount": price, "approval_no": "11112222"}],
        }
        resp = page.request.post("/api/sales", data=body, headers={"X-CSRFToken": token})
        assert resp.status == 201, resp.text()
        sales.append(resp.json())
    token = _login(page, "manager", password="manager1234")
    first = sales[0]
    refund = {
        "id": str(uuid.uuid4()),
        "reason": "손님 변심",
        "payments": [{"method": "card", "amount": first["total"], "approval_no": "11112222"}],
    }
    resp = page.request.post(
        f"/api/sales/{first['id']}/refund", data=refund, headers={"X-CSRFToken": token}
    )
    assert resp.status == 201, resp.text()
    return sum(s["total"] for s in sales) - resp.json()["total"]


def chart_values(page: Page) -> list[int]:
    return page.evaluate(
        """() => {
            const chart = window.Chart && Chart.getChart(document.getElementById('r-chart'));
            return chart ? chart.data.datasets[0].data : null;
        }"""
    )


def both_sizes(page: Page, shot, name: str) -> None:
    page.set_viewport_size(TABLET)
    shot(page, f"reports-{name}-1024x768")
    page.set_viewport_size(PORTRAIT)
    shot(page, f"reports-{name}-800x1280")
    page.set_viewport_size(TABLET)


def test_manager_reads_the_dashboard_and_downloads_the_xlsx(reports_page, shot):
    seller = reports_page(TABLET)
    net = sell_and_refund(seller)

    page = reports_page(TABLET)
    login_password(page)
    page.locator(".bo-nav").get_by_role("link", name="매출 리포트").click()
    page.wait_for_url("**/admin/reports")
    expect(page.locator(".bo-head h1")).to_have_text("매출 리포트")
    expect(page.locator('[data-card="total"] .r-card-value')).to_have_text(f"{net:,}원")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('r-chart'))"
    )
    values = chart_values(page)
    assert len(values) == 7 and values[-1] == net and sum(values) == net
    both_sizes(page, shot, "dashboard")

    # 단위 주: the form sends itself; the chart has the weeks
    page.locator("#r-by").select_option("week")
    page.wait_for_url("**by=week**")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('r-chart'))"
    )
    assert sum(chart_values(page)) == net
    labels = page.evaluate("() => Chart.getChart(document.getElementById('r-chart')).data.labels")
    assert all(label.endswith("주") for label in labels)

    # one site, then a quick pick keeps it
    page.locator("#r-site").select_option("CAFE03")
    page.wait_for_url("**site=CAFE03**")
    page.locator(".r-picks").get_by_role("link", name="이번 달").click()
    page.wait_for_url("**site=CAFE03**")
    expect(page.locator(".r-picks .is-current")).to_have_text("이번 달")
    expect(page.locator('[data-card="total"] .r-card-value')).to_have_text(f"{net:,}원")

    # the revenue table's XLSX, opened with openpyxl: its 합계 row is what was sold
    with page.expect_download() as download:
        page.locator('#r-revenue [data-export="xlsx"]').click()
    data = Path(download.value.path()).read_bytes()
    ws = load_workbook(io.BytesIO(data)).active
    headers = [c.value for c in ws[3]]
    body = list(ws.iter_rows(min_row=4, values_only=True))
    assert body[-1][0] == "합계"
    assert body[-1][headers.index("순매출")] == net
    assert body[-1][headers.index("판매 건수")] == 2
    assert body[-1][headers.index("환불 건수")] == 1

    # a range with nothing: the Korean empty state, no chart
    page.locator("#r-from").fill("2024-01-01")
    page.locator("#r-to").fill("2024-01-07")
    page.get_by_role("button", name="보기").click()
    page.wait_for_url("**from=2024-01-01**")
    expect(page.locator("#r-chart-card .r-empty")).to_have_text("이 기간에는 매출이 없습니다")
    both_sizes(page, shot, "empty")


def test_vat_page_month_picker(reports_page, shot):
    page = reports_page(TABLET)
    login_password(page)
    page.goto("/admin/reports/vat")
    expect(page.locator(".bo-head h1")).to_have_text("부가세 신고 자료")
    expect(page.locator("#r-month")).to_have_value(TODAY[:7])
    rows = page.locator("#r-vat tbody tr")
    expect(rows.first).to_be_visible()
    both_sizes(page, shot, "vat")
    page.get_by_role("link", name="이전 달").click()
    page.wait_for_url("**month=**")
    assert TODAY[:7] not in page.url

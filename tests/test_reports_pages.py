"""The dashboard (/admin/reports) and the VAT page (/admin/reports/vat) as a manager reads them:
the day's figures on the cards and in the tables, the chart's data, export links that carry the
filters, empty states in Korean, the site select limited to the manager's scope."""

from __future__ import annotations

import json
import re

from reports_kit import day_of_sales, expected_revenue, manager, site_manager, today
from support import ApiClient

from pos.money import won


def _page(api, url, **query):
    resp = api.get(url, query_string=query)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_dashboard_shows_the_days_figures(sqlite_app):
    day = day_of_sales(sqlite_app)
    want = expected_revenue(day)
    html = _page(manager(sqlite_app), "/admin/reports", **{"from": today(), "to": today()})
    cards = html[html.index('id="r-cards"') : html.index('id="r-chart-card"')]
    assert won(want["total"]) in cards and won(want["vat"]) in cards
    assert f"{want['sales']}건" in cards
    chart = json.loads(re.search(r'id="r-chart-data">(.*?)</script>', html, re.S).group(1))
    assert chart["labels"] == [today()] and chart["current"] == [want["total"]]
    assert '<canvas id="r-chart"' in html
    assert "vendor/chart.umd.min.js" in html and "cdn" not in html.lower()
    for name in ("revenue", "products", "payments", "discounts", "vendors", "fairs", "donations"):
        assert f'data-table="{name}"' in html
        assert f"/admin/reports/export/{name}.xlsx?from={today()}" in html.replace("&amp;", "&")
    assert "아메리카노" in html and "카드" in html and "현금" in html
    assert "이 기간에는 열린 행사가 없습니다" in html  # no fair at this café


def test_empty_range_says_so(sqlite_app):
    html = _page(
        manager(sqlite_app), "/admin/reports", **{"from": "2024-03-01", "to": "2024-03-31"}
    )
    assert "이 기간에는 매출이 없습니다" in html
    assert '<canvas id="r-chart"' not in html
    # March 2024 is a whole month: the previous period is February (29 days that year)
    assert "지난 기간 2024-02-01 ~ 2024-02-29" in html


def test_bad_filters_are_said_and_the_defaults_shown(sqlite_app):
    html = _page(manager(sqlite_app), "/admin/reports", **{"from": "2026-02-30"})
    assert "시작 날짜가 달력에 없는 날짜입니다" in html
    assert f'value="{today()}"' in html


def test_site_select_follows_the_scope(sqlite_app):
    regional = _page(manager(sqlite_app), "/admin/reports")
    assert '<option value="" selected>전체 매장</option>' in regional
    assert 'value="CAFE07"' in regional
    mine = site_manager(sqlite_app, "CAFE03")
    scoped = _page(mine, "/admin/reports")
    assert "전체 매장" not in scoped and 'value="CAFE07"' not in scoped
    assert mine.get("/admin/reports", query_string={"site": "CAFE07"}).status_code == 403
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234")
    assert cashier.get("/admin/reports").status_code == 403
    assert sqlite_app.test_client().get("/admin/reports").status_code == 302


def test_vat_page_for_a_month(sqlite_app):
    day_of_sales(sqlite_app)
    boss = manager(sqlite_app)
    html = _page(boss, "/admin/reports/vat", month=today()[:7])
    rows = boss.get("/api/reports/vat", query_string={"month": today()[:7]}).get_json()["rows"]
    assert rows
    for row in rows:
        assert row["vendor"] in html and won(row["taxable"]).removesuffix("원") in html
    assert f'value="{today()[:7]}"' in html
    assert f"/admin/reports/export/vat.xlsx?month={today()[:7]}" in html
    empty = _page(boss, "/admin/reports/vat", month="2024-01")
    assert "이 달에는 매출이 없습니다" in empty
    bad = _page(boss, "/admin/reports/vat", month="2024-13")
    assert "월은 2026-12처럼 연-월로 입력하세요" in bad


def test_the_nav_links_the_reports(sqlite_app):
    html = _page(manager(sqlite_app), "/admin")
    assert 'href="/admin/reports"' in html and 'href="/admin/reports/vat"' in html

"""Every dashboard table downloads as CSV (UTF-8 with a BOM, Korean headers) and XLSX (numbers
as numbers with thousands separators, a 합계 row), with the figures the API gives for the same
filters; a bad filter is a Korean error page, another site's manager a 403."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from reports_kit import day_of_sales, expected_revenue, manager, revenue, site_manager, today

TABLES = ("revenue", "heatmap", "products", "payments", "discounts", "vendors", "vat", "fairs")


@pytest.fixture
def sold(sqlite_app):
    day = day_of_sales(sqlite_app)
    return sqlite_app, day


def _csv(resp) -> list[list[str]]:
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))


def _xlsx(resp):
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(resp.data)).active


def test_revenue_csv_and_xlsx_hold_the_days_figures_and_totals(sold):
    app, day = sold
    boss = manager(app)
    q = {"from": today(), "to": today(), "by": "day"}
    want = expected_revenue(day)

    rows = _csv(boss.get("/admin/reports/export/revenue.csv", query_string=q))
    head = rows[0]
    assert head[:6] == ["기간", "매장 코드", "매장", "판매 건수", "환불 건수", "순매출"]
    data = dict(zip(head, rows[1], strict=True))
    assert data["기간"] == today() and data["매장 코드"] == "CAFE03"
    assert int(data["순매출"]) == want["total"]
    assert int(data["과세물품가액"]) == want["taxable"] and int(data["부가세"]) == want["vat"]
    assert rows[-1][0] == "합계" and int(rows[-1][head.index("순매출")]) == want["total"]

    ws = _xlsx(boss.get("/admin/reports/export/revenue.xlsx", query_string=q))
    assert ws["A1"].value == "매장별 매출"
    assert today() in ws["A2"].value
    headers = [c.value for c in ws[3]]
    assert headers == head
    col = headers.index("순매출") + 1
    body = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    assert body[-1][0] == "합계"
    assert body[-1][col - 1] == sum(r[col - 1] for r in body[:-1]) == want["total"]
    cell = ws.cell(row=4, column=col)
    assert isinstance(cell.value, int) and cell.number_format == "#,##0"


def test_vat_xlsx_per_vendor_with_totals(sold):
    app, day = sold
    boss = manager(app)
    ws = _xlsx(boss.get("/admin/reports/export/vat.xlsx", query_string={"month": today()[:7]}))
    assert ws["A1"].value == "부가세 신고 자료"
    assert [c.value for c in ws[3]] == [
        "사업자등록번호",
        "공급자",
        "과세물품가액",
        "부가세",
        "면세물품가액",
        "합계",
    ]
    body = list(ws.iter_rows(min_row=4, values_only=True))
    api = boss.get("/api/reports/vat", query_string={"month": today()[:7]}).get_json()["rows"]
    assert len(body) == len(api) + 1
    assert body[-1][0] == "합계"
    assert list(body[-1][2:]) == [
        sum(r[k] for r in api) for k in ("taxable", "vat", "exempt", "total")
    ]
    total = sum(r["total"] for r in revenue(boss))
    assert body[-1][5] == total
    for row in body[:-1]:
        assert row[0].count("-") == 2  # 123-45-67890
        assert row[2] + row[3] + row[4] == row[5]


def test_every_table_exports_both_ways(sold):
    app, _ = sold
    boss = manager(app)
    q = {"from": today(), "to": today()}
    for name in TABLES:
        rows = _csv(boss.get(f"/admin/reports/export/{name}.csv", query_string=q))
        assert rows[0], name
        ws = _xlsx(boss.get(f"/admin/reports/export/{name}.xlsx", query_string=q))
        assert [c.value for c in ws[3]] == rows[0], name
    products = _csv(boss.get("/admin/reports/export/products.csv", query_string=q))
    assert products[0] == ["순위", "상품코드", "상품명", "공급자", "수량", "매출"]
    assert "아메리카노" in {r[2] for r in products[1:]}


def test_an_empty_range_exports_headers_only(sqlite_app):
    boss = manager(sqlite_app)
    q = {"from": "2024-01-01", "to": "2024-01-31"}
    rows = _csv(boss.get("/admin/reports/export/revenue.csv", query_string=q))
    assert len(rows) == 1
    ws = _xlsx(boss.get("/admin/reports/export/payments.xlsx", query_string=q))
    assert ws.max_row == 3


def test_bad_filters_and_scope_on_exports(sold):
    app, _ = sold
    boss = manager(app)
    resp = boss.get("/admin/reports/export/revenue.csv", query_string={"from": "2026-02-31"})
    assert resp.status_code == 400
    assert "시작 날짜가 달력에 없는 날짜입니다" in resp.get_data(as_text=True)
    assert boss.get("/admin/reports/export/nothing.csv").status_code == 404
    assert boss.get("/admin/reports/export/revenue.pdf").status_code == 404
    mine = site_manager(app, "CAFE03")
    other = mine.get("/admin/reports/export/revenue.xlsx", query_string={"site": "CAFE07"})
    assert other.status_code == 403
    own = _csv(mine.get("/admin/reports/export/revenue.csv", query_string={"from": today()}))
    assert {r[1] for r in own[1:-1]} == {"CAFE03"}
    assert int(own[-1][5]) == sum(r["total"] for r in revenue(mine))

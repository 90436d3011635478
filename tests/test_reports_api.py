"""GET /api/reports/revenue and /vat (DESIGN §5) and the dashboard's tables, from real sales and
refunds: on a branch (its own outbox caught up into its local rollups) and on a central on
PostgreSQL that took the branches' events in through ingest. Figures equal what the branch
answered for the same sales and refunds; scope and bad input as a manager would meet them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from reports_kit import (
    SUMS,
    day_of_sales,
    expected_revenue,
    expected_vat,
    ingest_into,
    manager,
    outbox,
    revenue,
    site_manager,
    today,
)
from support import ApiClient

ROW_KEYS = {"site", "period", "sales", "refunds", "total", "taxable", "vat", "exempt"}


@pytest.fixture
def branch(app_factory):
    return app_factory("sqlite")


def test_branch_reports_its_own_day_as_it_sold_it(branch):
    day = day_of_sales(branch)
    boss = manager(branch)
    rows = revenue(boss)
    assert [set(r) for r in rows] == [ROW_KEYS]
    row = rows[0]
    assert row["site"] == "CAFE03" and row["period"] == today()
    assert {k: row[k] for k in ("sales", "refunds", *SUMS)} == expected_revenue(day)
    assert row["taxable"] + row["vat"] + row["exempt"] == row["total"]

    vat = boss.get("/api/reports/vat", query_string={"month": today()[:7]}).get_json()["rows"]
    assert {r["brn"]: {k: r[k] for k in SUMS} for r in vat} == expected_vat(day)
    assert all(set(r) == {"brn", "vendor", *SUMS} for r in vat)
    assert all(r["vendor"] for r in vat)


def test_central_figures_equal_the_branches_own(branch, central, app_factory, tmp_path_factory):
    from apps import make_app

    cafe7 = make_app(tmp_path_factory.mktemp("cafe7"), "sqlite", POS_SITE="CAFE07")
    day3 = day_of_sales(branch)
    day7 = day_of_sales(cafe7, cashier="cashier7", pin="2468")
    ingest_into(central, "CAFE03", outbox(branch, "CAFE03"))
    ingest_into(central, "CAFE07", outbox(cafe7, "CAFE07"))

    boss = manager(central)
    rows = {r["site"]: r for r in revenue(boss)}
    assert set(rows) == {"CAFE03", "CAFE07"}
    for code, day in (("CAFE03", day3), ("CAFE07", day7)):
        assert {k: rows[code][k] for k in ("sales", "refunds", *SUMS)} == expected_revenue(day)

    # one site, by week and by month: the same figures under the period's first day
    monday = date.fromisoformat(today()) - timedelta(days=date.fromisoformat(today()).weekday())
    (week,) = revenue(boss, site="CAFE07", by="week")
    assert week["period"] == monday.isoformat() and week["total"] == rows["CAFE07"]["total"]
    (month,) = revenue(boss, site="CAFE03", by="month")
    assert month["period"] == today()[:8] + "01" and month["total"] == rows["CAFE03"]["total"]

    # VAT of both sites per vendor: the receipts of both branches, less their refunds
    want = expected_vat(day3)
    for brn, sums in expected_vat(day7).items():
        row = want.setdefault(brn, dict.fromkeys(SUMS, 0))
        for k in SUMS:
            row[k] += sums[k]
    vat = boss.get("/api/reports/vat", query_string={"month": today()[:7]}).get_json()["rows"]
    assert {r["brn"]: {k: r[k] for k in SUMS} for r in vat} == want

    # the dashboard's tables over the same day agree with revenue
    q = {"from": today(), "to": today()}
    pay = boss.get("/api/reports/payments", query_string=q).get_json()["rows"]
    assert sum(p["amount"] for p in pay) == sum(r["total"] for r in rows.values())
    assert {p["method"] for p in pay} == {"cash", "card"}
    products = boss.get("/api/reports/products", query_string=q).get_json()["rows"]
    americano = next(p for p in products if p["name"] == "아메리카노")
    assert americano["qty"] == 2 * (2 + 2 - 1)  # two sales of 2 each, one refunded, per site
    disc = boss.get("/api/reports/discounts", query_string=q).get_json()["rows"]
    assert [(d["site"], d["discount"], d["refunds"]) for d in disc] == [
        ("CAFE03", 500, 1),
        ("CAFE07", 500, 1),
    ]
    heat = boss.get("/api/reports/heatmap", query_string=q).get_json()["rows"]
    assert sum(h["sales"] for h in heat) == 6
    assert all(h["weekday"] == date.fromisoformat(today()).weekday() for h in heat)


def test_a_branch_manager_sees_only_their_site(branch, central, tmp_path_factory):
    from apps import make_app

    cafe7 = make_app(tmp_path_factory.mktemp("cafe7"), "sqlite", POS_SITE="CAFE07")
    day_of_sales(branch)
    day_of_sales(cafe7, cashier="cashier7", pin="2468")
    ingest_into(central, "CAFE03", outbox(branch, "CAFE03"))
    ingest_into(central, "CAFE07", outbox(cafe7, "CAFE07"))

    mine = site_manager(central, "CAFE03")
    assert {r["site"] for r in revenue(mine)} == {"CAFE03"}
    assert {r["site"] for r in revenue(mine, site="CAFE03")} == {"CAFE03"}
    for url in ("/api/reports/revenue", "/api/reports/products", "/api/reports/vat"):
        resp = mine.get(url, query_string={"site": "CAFE07", "month": today()[:7]})
        assert resp.status_code == 403, url
        assert resp.get_json()["error"]["message"] == "이 매장의 리포트를 볼 권한이 없습니다"
    # VAT of their site only: CAFE07's sales do not appear in any vendor's sums
    total = sum(r["total"] for r in revenue(mine))
    vat = mine.get("/api/reports/vat", query_string={"month": today()[:7]}).get_json()["rows"]
    assert sum(r["total"] for r in vat) == total
    # the regional manager sees both
    assert {r["site"] for r in revenue(manager(central))} == {"CAFE03", "CAFE07"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-02-30"}, "from", "시작 날짜가 달력에 없는 날짜입니다"),
        ({"from": "어제"}, "from", "시작 날짜는 2026-12-01처럼 연-월-일로 입력하세요"),
        ({"to": "2026-13-01"}, "to", "끝 날짜가 달력에 없는 날짜입니다"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "from", "시작 날짜가 끝 날짜보다 늦습니다"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to", "기간은 최대 3년까지 볼 수 있습니다"),
        ({"from": "1999-12-31"}, "from", "시작 날짜는 2000년부터 2099년 사이여야 합니다"),
        ({"by": "year"}, "by", "단위는 일, 주, 월 가운데 하나여야 합니다"),
        ({"site": "NOWHERE"}, "site", "알 수 없는 매장입니다"),
    ],
)
def test_bad_filters_are_a_korean_400(sqlite_app, query, field, message):
    boss = manager(sqlite_app)
    for url in ("/api/reports/revenue", "/api/reports/heatmap", "/api/reports/donations"):
        resp = boss.get(url, query_string=query)
        assert resp.status_code == 400, (url, resp.get_json())
        assert resp.get_json()["error"] == {"code": "invalid", "field": field, "message": message}


def test_korean_date_forms_and_bad_months(sqlite_app):
    boss = manager(sqlite_app)
    for text in ("2026.12.1", "2026. 12. 1.", "2026년 12월 1일"):
        resp = boss.get("/api/reports/revenue", query_string={"from": text, "to": "2026-12-02"})
        assert resp.status_code == 200, (text, resp.get_json())
    for month in ("2026-13", "12-2026", "2026"):
        resp = boss.get("/api/reports/vat", query_string={"month": month})
        assert resp.status_code == 400, month
        assert resp.get_json()["error"]["message"] == "월은 2026-12처럼 연-월로 입력하세요"
    assert boss.get("/api/reports/vat", query_string={"month": "2026년 11월"}).status_code == 200


def test_only_managers_and_admins(sqlite_app, app_factory):
    anonymous = sqlite_app.test_client().get("/api/reports/revenue")
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["message"] == "로그인이 필요합니다"
    fair = app_factory("sqlite", POS_SITE="GN-FAIR")
    for who in (
        ApiClient(sqlite_app, "cashier3", pin="1234"),
        ApiClient(fair, "organiser", password="organiser1234"),
    ):
        resp = who.get("/api/reports/vat")
        assert resp.status_code == 403
        assert resp.get_json()["error"]["message"] == "이 작업을 할 권한이 없습니다"
    admin = ApiClient(sqlite_app, "admin", password="admin1234")
    assert admin.get("/api/reports/fairs").status_code == 200


def test_reports_are_in_the_openapi_document(sqlite_app):
    paths = sqlite_app.test_client().get("/api/openapi.json").get_json()["paths"]
    for name in ("revenue", "vat", "summary", "heatmap", "products", "payments", "vendors"):
        assert f"/api/reports/{name}" in paths

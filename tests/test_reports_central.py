"""The dashboard on a central store (PostgreSQL) over what a branch pushed, and where a manager
lands there."""

from __future__ import annotations

from reports_kit import day_of_sales, expected_revenue, ingest_into, manager, outbox, today

from pos.money import won


def test_central_dashboard_shows_the_branch_day(app_factory):
    branch = app_factory("sqlite")
    central = app_factory("postgresql", POS_ROLE="central")
    want = expected_revenue(day_of_sales(branch))
    ingest_into(central, "CAFE03", outbox(branch, "CAFE03"))
    boss = manager(central)
    html = boss.get("/admin/reports", query_string={"from": today(), "to": today()}).get_data(True)
    assert won(want["total"]) in html and "꿈이든 the 카페 3호" in html
    csv = boss.get("/admin/reports/export/revenue.csv", query_string={"from": today()})
    assert csv.data.decode("utf-8-sig").splitlines()[-1].split(",")[5] == str(want["total"])


def test_a_manager_on_central_lands_on_the_dashboard(app_factory):
    central = app_factory("postgresql", POS_ROLE="central")
    resp = manager(central).get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/reports")

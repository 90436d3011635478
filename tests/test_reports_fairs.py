"""The fair summaries and 만원의 행복 in the reports, from real events: a fair opened, sold at
and closed on its own branch; mushroom packs sold at a café and a donation handed over."""

from __future__ import annotations

import uuid

from fairs_api import URL, sale
from reports_kit import manager, today
from shift_helpers import sell
from support import ApiClient


def _rows(api, name: str, day: str | None = None) -> list[dict]:
    day = day or today()
    resp = api.get(f"/api/reports/{name}", query_string={"from": day, "to": day})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["rows"]


def test_a_closed_fair_is_summarised(app_factory):
    fair = app_factory("sqlite", POS_SITE="GN-FAIR")
    org = ApiClient(fair, "organiser", pin="1357")
    assert org.post(f"{URL}/open", json={}).status_code == 200
    resp = org.post("/api/sales", json=sale(fair, [("GNF-MS3", 3)]))
    assert resp.status_code == 201, resp.get_json()
    gross = resp.get_json()["total"]
    assert org.post(f"{URL}/close", json={}).status_code == 200
    info = org.get(URL).get_json()

    (row,) = _rows(manager(fair), "fairs", info["date"])
    assert row["code"] == "GN-FAIR" and row["name"] == info["name"]
    assert row["state"] == "closed" and row["state_label"] == "마감"
    assert row["sales"] == 1 and row["gross"] == gross
    assert row["vendors"] >= 1
    html = (
        manager(fair)
        .get("/admin/reports", query_string={"from": info["date"], "to": info["date"]})
        .get_data(True)
    )
    assert info["name"] in html


def test_donations_sold_beside_given(sqlite_app):
    till = ApiClient(sqlite_app, "cashier3", pin="1234")
    sell(till, (("생표고버섯 500g", 3, []),), "cash")
    boss = manager(sqlite_app)
    campaign = next(c for c in boss.get("/api/campaigns").get_json()["campaigns"])
    body = {"id": str(uuid.uuid4()), "day": today(), "qty": 2}
    resp = boss.post(f"/api/campaigns/{campaign['id']}/donations", json=body)
    assert resp.status_code == 201, resp.get_json()

    (row,) = _rows(boss, "donations")
    assert (row["campaign"], row["site"]) == ("만원의 행복", "CAFE03")
    assert (row["sold"], row["donated"], row["owed"]) == (3, 2, 1)

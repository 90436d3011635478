"""A branch offline across midnight (issue 8): the sales of the evening before and of the new
morning wait in the outbox together and reach central in one push, yet central books each on
the business day the branch gave it, and order and receipt numbers start again at 1 on the new
day exactly as the branch printed them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from central_push_kit import dispose, issue_token, make_branch, outbox, push, renumber, sell
from reports_kit import manager, revenue
from sqlalchemy import select

from pos.db import clock_set_back, db
from pos.sales.models import Sale

pytestmark = pytest.mark.postgres

SEOUL = ZoneInfo("Asia/Seoul")


def _back_to(local: datetime) -> timedelta:
    """How far to set the clock back so that it reads LOCAL (Seoul) now."""
    return datetime.now(UTC) - local.astimezone(UTC)


def test_evening_and_morning_pushed_together_land_on_their_own_days(tmp_path_factory, app_factory):
    midnight = datetime.combine(datetime.now(SEOUL).date(), time(0), SEOUL)
    evening, morning = midnight - timedelta(minutes=10), midnight + timedelta(minutes=10)
    branch = make_branch(tmp_path_factory)
    try:
        with clock_set_back(_back_to(evening)):
            late = sell(branch, 2)
        with clock_set_back(_back_to(morning)):
            early = sell(branch, 3)
        with branch.app_context():
            sales = {s.id: s for s in db.session.scalars(select(Sale))}
            days = {sid: sales[sid].business_day for sid in late + early}
            numbers = [sales[sid].number for sid in late + early]
            totals = {sid: sales[sid].total for sid in late + early}
        yesterday, today = (midnight - timedelta(days=1)).date(), midnight.date()
        assert [days[s] for s in late] == [yesterday] * 2
        assert [days[s] for s in early] == [today] * 3
        assert numbers == [1, 2, 1, 2, 3]  # the new day numbers its orders from 1 again

        central = app_factory("postgresql", POS_ROLE="central")
        events = renumber(outbox(branch))  # the demo made other sites' events too
        assert [e["payload"]["id"] for e in events if e["type"] == "sale.completed"] == late + early
        resp = push(central, issue_token(central), events)
        assert resp.status_code == 200, resp.get_json()
        assert len(resp.get_json()["acked"]) == len(events) and not resp.get_json()["rejected"]

        rows = revenue(manager(central), **{"from": yesterday.isoformat(), "to": today.isoformat()})
        by_day = {r["period"]: r for r in rows if r["site"] == "CAFE03"}
        assert by_day[yesterday.isoformat()]["sales"] == 2
        assert by_day[yesterday.isoformat()]["total"] == sum(totals[s] for s in late)
        assert by_day[today.isoformat()]["sales"] == 3
        assert by_day[today.isoformat()]["total"] == sum(totals[s] for s in early)

        # the same push again (the acknowledgement was lost): still one of each
        assert push(central, issue_token(central), events).status_code == 200
        again = revenue(
            manager(central), **{"from": yesterday.isoformat(), "to": today.isoformat()}
        )
        assert {r["period"]: r["sales"] for r in again if r["site"] == "CAFE03"} == {
            yesterday.isoformat(): 2,
            today.isoformat(): 3,
        }
    finally:
        dispose(branch)

"""Helpers of the central ingest tests (tests/test_central_ingest_*.py): a day of trade on a
real branch app, its outbox as wire events, and applying them on a central app through
``ingest.prepare`` / ``ingest.write`` the way the push endpoint does."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict

from sqlalchemy import func, select
from support import ApiClient, new_sale_body

from pos.central import ingest
from pos.central.errors import Rejected
from pos.central.schemas import EventIn
from pos.db import db
from pos.outbox import OutboxEvent
from pos.sites import Site

MANAGER = {"username": "manager", "pin": "2580"}
#: 아메리카노 HOT (과세 4,500, 꿈이든 센터) + 생표고버섯 500g (면세 10,000, 송이 자활, 만원의 행복)
MIXED = [("아메리카노", 1, [("온도", "HOT")]), ("생표고버섯 500g", 1, [])]


def post(api: ApiClient, url: str, body: dict, status: int = 201) -> dict:
    resp = api.post(url, json=body)
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()


def sell(api: ApiClient, items, payments, **extra) -> dict:
    return post(api, "/api/sales", new_sale_body(api, items, payments, **extra))


def trade_day(branch) -> dict:
    """A cashier's day at CAFE03: shift, a 과세+면세 sale, a split tender with a discount,
    a refund of one line, cash paid in, a donation, the close. Returns what the API said."""
    cashier = ApiClient(branch, "cashier3", pin="1234")
    shift = post(cashier, "/api/shifts", {"id": str(uuid.uuid4()), "opening_float": 50000})
    mixed = sell(cashier, MIXED, [{"method": "cash", "amount": 14500, "tendered": 20000}])
    split = sell(
        cashier,
        [("카페라떼", 2, [("온도", "ICE")]), ("수제 마들렌", 2, [])],
        [
            {"method": "card", "amount": 9000, "approval_no": "30012345"},
            {"method": "cash", "amount": 5000, "tendered": 5000},
        ],
        discount=1000,
        discount_reason="단골 쿠폰",
    )
    assert split["total"] == 14000
    mushrooms = sell(
        cashier, [("생표고버섯 500g", 3, [])], [{"method": "transfer", "amount": 30000}]
    )
    refund = post(
        cashier,
        f"/api/sales/{mixed['id']}/refund",
        {
            "id": str(uuid.uuid4()),
            "reason": "손님 변심",
            "lines": [{"line": 2, "qty": 1}],
            "payments": [{"method": "cash", "amount": 10000}],
            "approver": MANAGER,
        },
    )
    post(
        cashier,
        "/api/cash-movements",
        {"id": str(uuid.uuid4()), "kind": "pay_in", "amount": 20000, "reason": "거스름돈 보충"},
    )
    with branch.app_context():
        from inventory.campaigns.models import Campaign
        from pos.sales.models import Sale

        campaign_id = db.session.execute(select(Campaign.id)).scalar_one()
        day = db.session.get(Sale, mushrooms["id"]).business_day.isoformat()
    donation = post(
        cashier,
        f"/api/campaigns/{campaign_id}/donations",
        {"id": str(uuid.uuid4()), "day": day, "qty": 2},
    )
    closed = post(cashier, f"/api/shifts/{shift['id']}/close", {"counted_cash": 69500}, status=200)
    return {
        "shift": shift,
        "sales": [mixed, split, mushrooms],
        "refund": refund,
        "donation": donation,
        "closed": closed,
    }


def outbox_events(app) -> dict[str, list[EventIn]]:
    """The branch's outbox as the push sends it, per site code, in seq order."""
    with app.app_context():
        rows = db.session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
        out: dict[str, list[EventIn]] = defaultdict(list)
        for row in rows:
            out[row.site_code].append(
                EventIn.model_validate(
                    {
                        "id": row.id,
                        "seq": row.seq,
                        "schema": 1,
                        "type": row.type,
                        "occurred_at": row.occurred_at.isoformat() + "Z",
                        "payload": json.loads(row.payload),
                    }
                )
            )
        return dict(out)


def site_of(code: str) -> Site:
    return db.session.execute(select(Site).where(Site.code == code)).scalar_one()


def apply(central, events_by_site: dict[str, list[EventIn]]) -> list[tuple[str, str]]:
    """prepare + write per site and commit; returns the (event id, code) of the rejected."""
    rejected = []
    with central.app_context():
        for code, events in events_by_site.items():
            site = site_of(code)
            prepared = []
            for ev in events:
                try:
                    prepared.append(ingest.prepare(site, ev))
                except Rejected as exc:
                    rejected.append((ev.id, exc.code))
            ingest.write(site, prepared)
        db.session.commit()
    return rejected


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()

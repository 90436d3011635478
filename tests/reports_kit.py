"""Helpers of the report tests: real sales and refunds on a branch, their outbox events taken
into a central's rollups with ingest (prepare, then write, as the push does), what the branch's
own answers add up to, and managers of every scope."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from central_push_kit import outbox  # noqa: F401  (the report tests take it from here)
from shift_helpers import sell
from sqlalchemy import select
from support import ApiClient

from pos.auth.models import User
from pos.db import db
from pos.sites import Site

KST = ZoneInfo("Asia/Seoul")
AMERICANO_HOT = ("아메리카노", 2, [("온도", "HOT")])
MUSHROOM = ("건표고버섯 100g", 1, [])
LATTE_ICE = ("카페라떼", 1, [("온도", "ICE")])
SUMS = ("total", "taxable", "vat", "exempt")


def today() -> str:
    return datetime.now(KST).date().isoformat()


def manager(app) -> ApiClient:
    """The demo's regional manager (no site: sees every site)."""
    return ApiClient(app, "manager", password="manager1234")


def site_manager(app, code: str) -> ApiClient:
    """A branch manager bound to one site."""
    username = f"rmgr-{code.lower()}"
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            site_id = db.session.scalar(select(Site.id).where(Site.code == code))
            user = User(username=username, display_name=f"{code} 점장", role="manager")
            user.site_id = site_id
            user.set_password("manager1234")
            db.session.add(user)
            db.session.commit()
    return ApiClient(app, username, password="manager1234")


def refund(api: ApiClient, sale_id: str, lines=None, method: str = "cash", amount=None) -> dict:
    """A refund by a manager (no approval needed); the whole sale when ``lines`` is None."""
    body = {
        "id": str(uuid.uuid4()),
        "reason": "손님 변심",
        "payments": [{"method": method, "amount": amount}],
    }
    if lines is not None:
        body["lines"] = [{"line": line, "qty": qty} for line, qty in lines]
    resp = api.post(f"/api/sales/{sale_id}/refund", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def day_of_sales(branch, cashier: str = "cashier3", pin: str = "1234") -> dict:
    """A small real day at a branch: three sales (taxable and exempt goods, cash and card, a
    discount) and a partial refund. Returns the branch's own answers."""
    till = ApiClient(branch, cashier, pin=pin)
    boss = manager(branch)
    a = sell(till, (AMERICANO_HOT, MUSHROOM), "cash")
    b = sell(till, (LATTE_ICE,), "card")
    c = sell(till, (AMERICANO_HOT,), "card", discount=500)
    r = refund(boss, a["id"], lines=[(1, 1)], amount=4500)
    return {"sales": [a, b, c], "refunds": [r]}


def expected_revenue(day: dict) -> dict:
    """sales minus refunds, as the branch answered them (DESIGN: refunds are positive)."""
    out = {"sales": len(day["sales"]), "refunds": len(day["refunds"])}
    for key in SUMS:
        out[key] = sum(s[key] for s in day["sales"]) - sum(r[key] for r in day["refunds"])
    return out


def expected_vat(day: dict) -> dict[str, dict]:
    """Per vendor brn: the receipts' figures, sales less refunds."""
    out: dict[str, dict] = defaultdict(lambda: dict.fromkeys(SUMS, 0))
    for sign, docs in ((1, day["sales"]), (-1, day["refunds"])):
        for doc in docs:
            for receipt in doc["receipts"]:
                row = out[receipt["vendor"]["brn"]]
                for key in SUMS:
                    row[key] += sign * receipt[key]
    return dict(out)


def ingest_into(central, code: str, events: list[dict]) -> None:
    """Central takes the events in as the push does: prepare each, write the batch, commit."""
    from pos.central import ingest
    from pos.central.schemas import EventIn

    with central.app_context():
        site = db.session.scalars(select(Site).where(Site.code == code)).one()
        prepared = [ingest.prepare(site, EventIn.model_validate(ev)) for ev in events]
        ingest.write(site, prepared)
        db.session.commit()


def revenue(api: ApiClient, **query) -> list[dict]:
    query.setdefault("from", today())
    query.setdefault("to", today())
    resp = api.get("/api/reports/revenue", query_string=query)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["rows"]

"""Helpers of the central push tests: a central on PostgreSQL and a real branch on SQLite in
its own folder, the branch's sales read back from its outbox as the wire sends them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC

from apps import make_app
from sqlalchemy import select
from support import ApiClient, new_sale_body

from pos.db import db
from pos.outbox import SCHEMA_VERSION, OutboxEvent


def make_branch(tmp_path_factory, **config):
    """A branch app (SQLite, CAFE03) in a folder of its own, loaded with ``pos demo``."""
    folder = tmp_path_factory.mktemp("branch")
    return make_app(folder, "sqlite", None, **config)


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def sell(branch, count: int = 1, items=None) -> list[str]:
    """Sales through the tablet's API at the branch; returns their ids."""
    api = ApiClient(branch, "cashier3", pin="1234")
    ids = []
    for _ in range(count):
        body = new_sale_body(api, items or [("아메리카노", 1, [("온도", "HOT")])])
        body["payments"] = [{"method": "card", "amount": _total(api, body), "approval_no": "1"}]
        resp = api.post("/api/sales", json=body)
        assert resp.status_code == 201, resp.get_json()
        ids.append(resp.get_json()["id"])
    return ids


def _total(api, body) -> int:
    """The price of the lines from the catalog (no options in these tests)."""
    prices = {p["id"]: p["price"] for p in api.get("/api/catalog").get_json()["products"]}
    return sum(prices[line["product_id"]] * line["qty"] for line in body["lines"])


def outbox(branch, site: str = "CAFE03") -> list[dict]:
    """The branch's outbox events of one site, as the wire carries them, in seq order."""
    with branch.app_context():
        rows = db.session.scalars(
            select(OutboxEvent).where(OutboxEvent.site_code == site).order_by(OutboxEvent.seq)
        ).all()
        return [
            {
                "id": row.id,
                "seq": row.seq,
                "schema": SCHEMA_VERSION,
                "type": row.type,
                "occurred_at": row.occurred_at.replace(tzinfo=UTC).isoformat(),
                "payload": json.loads(row.payload),
            }
            for row in rows
        ]


def renumber(events: list[dict], start: int = 1) -> list[dict]:
    """The events with dense seqs from ``start`` (a branch's outbox holds only its site's)."""
    return [{**ev, "seq": start + i} for i, ev in enumerate(events)]


def issue_token(central, code: str = "CAFE03") -> str:
    from pos.central import tokens
    from pos.sites import Site

    with central.app_context():
        site = db.session.scalars(select(Site).where(Site.code == code)).one()
        token = tokens.issue(site, created_by="test").token
        db.session.commit()
        return token


def push(central, token, events, site: str = "CAFE03", **extra):
    client = central.test_client()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"site": site, "events": events, **extra}
    return client.post("/api/sync/push", json=body, headers=headers)


def central_sales(central, code: str = "CAFE03") -> dict:
    """What central's rollups and facts say of a site: sales counted, won total, facts."""
    from sqlalchemy import func

    from pos.central.facts import CSale
    from pos.central.rollups import RSiteDay
    from pos.sites import Site

    with central.app_context():
        site = db.session.scalars(select(Site).where(Site.code == code)).one()
        sales, total = db.session.execute(
            select(
                func.coalesce(func.sum(RSiteDay.sales), 0),
                func.coalesce(func.sum(RSiteDay.total), 0),
            ).where(RSiteDay.site_id == site.id)
        ).one()
        facts = db.session.scalar(
            select(func.count()).select_from(CSale).where(CSale.site_id == site.id)
        )
        return {"sales": int(sales), "total": int(total), "facts": int(facts)}


def new_event(seq: int, type_: str = "sale.completed", payload=None, **over) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "seq": seq,
        "schema": SCHEMA_VERSION,
        "type": type_,
        "occurred_at": "2026-12-02T03:00:00Z",
        "payload": payload if payload is not None else {},
        **over,
    }

"""GET /api/sync/status on central: each site's last push and pull, events, pending, lag,
and a site silent while open; a manager with a site sees only it. And the branch's own
catch-up: its outbox applied locally through the same ledger, once, in short transactions."""

from __future__ import annotations

import uuid

import pytest
from central_push_kit import issue_token, outbox, push, renumber, sell
from sqlalchemy import func, select
from support import ApiClient

from pos.db import db

pytestmark = pytest.mark.postgres


def _status(client) -> dict:
    resp = client.get("/api/sync/status")
    assert resp.status_code == 200, resp.get_json()
    return {s["site"]: s for s in resp.get_json()["sites"]}


def _open_shift(branch) -> list[dict]:
    cashier = ApiClient(branch, "cashier3b", pin="5678")
    resp = cashier.post("/api/shifts", json={"id": str(uuid.uuid4()), "opening_float": 0})
    assert resp.status_code in (200, 201), resp.get_json()
    return [ev for ev in outbox(branch) if ev["type"] == "shift.opened"][-1:]


def test_status_shows_each_active_site_with_its_ledger(app_factory, branch):
    central = app_factory("postgresql", POS_ROLE="central")
    ids = set(sell(branch, 2))
    events = renumber([ev for ev in outbox(branch) if ev["payload"].get("id") in ids])
    token = issue_token(central)
    assert push(central, token, events, pending=7).status_code == 200

    manager = ApiClient(central, "manager", password="manager1234")
    sites = _status(manager)
    with central.app_context():
        from pos.sites import Site

        active = db.session.scalar(
            select(func.count()).select_from(Site).where(Site.active.is_(True))
        )
    assert len(sites) == active
    cafe = sites["CAFE03"]
    assert cafe["events"] == 2
    assert cafe["high_water"] == 2
    assert cafe["pending"] == 7
    assert cafe["rejected"] == 0
    assert cafe["last_push_at"].endswith("Z")
    assert cafe["last_pull_at"] is None
    assert cafe["name"] and cafe["kind"] == "cafe"
    assert isinstance(cafe["lag_seconds"], int) and cafe["lag_seconds"] >= 0
    assert cafe["open"] is False and cafe["silent"] is False
    quiet = sites["CAFE07"]
    assert (quiet["events"], quiet["last_push_at"], quiet["lag_seconds"]) == (0, None, None)

    # the catalog feed records pulls through touch_pull
    from pos.central.ledger import touch_pull
    from pos.central.tokens import SyncToken

    issue_token(central, "CAFE07")
    with central.app_context():
        touch_pull(db.session.scalars(select(Site.id).where(Site.code == "CAFE07")).one())
        db.session.commit()
        used = db.session.scalars(select(SyncToken.last_used_at)).all()
        assert all(when is not None for when in used)  # pushed (CAFE03), pulled (CAFE07)
    assert _status(manager)["CAFE07"]["last_pull_at"] is not None


def test_a_site_open_and_silent_is_flagged(app_factory, branch):
    central = app_factory("postgresql", POS_ROLE="central", SYNC_SILENT_MINUTES=0)
    opened = _open_shift(branch)
    token = issue_token(central)
    assert push(central, token, renumber(opened)).status_code == 200
    admin = ApiClient(central, "admin", password="admin1234")
    sites = _status(admin)
    assert sites["CAFE03"]["open"] is True
    assert sites["CAFE03"]["silent"] is True  # no contact "for over 0 minutes"
    assert sites["CAFE07"]["silent"] is False  # closed: silent by design

    central = app_factory("postgresql", POS_ROLE="central")
    token = issue_token(central)
    assert push(central, token, renumber(opened)).status_code == 200
    sites = _status(ApiClient(central, "admin", password="admin1234"))
    assert sites["CAFE03"]["open"] is True and sites["CAFE03"]["silent"] is False


def test_a_manager_with_a_site_sees_only_it_and_cashiers_none(app_factory):
    central = app_factory("postgresql", POS_ROLE="central")
    from pos.auth.models import User
    from pos.sites import Site

    with central.app_context():
        site = db.session.scalars(select(Site).where(Site.code == "CAFE07")).one()
        user = User(username="manager7", display_name="7호 매니저", role="manager", site_id=site.id)
        user.set_password("manager71234")
        db.session.add(user)
        db.session.commit()
    sites = _status(ApiClient(central, "manager7", password="manager71234"))
    assert list(sites) == ["CAFE07"]
    resp = ApiClient(central, "cashier3", pin="1234").get("/api/sync/status")
    assert resp.status_code == 403
    assert central.test_client().get("/api/sync/status").status_code == 401


def test_the_branch_catches_up_its_own_outbox_once(branch):
    """catch_up applies every site's events of the branch's outbox (here CAFE03's sales and a
    transfer into CAFE07) into the local rollups, once, even from a GET request."""
    from pos.central.facts import CStockMove
    from pos.central.ledger import SyncSite
    from pos.central.local import catch_up
    from pos.central.rollups import RSiteDay
    from pos.sites import Site

    sell(branch, 2)
    manager = ApiClient(branch, "manager", password="manager1234")
    product = next(
        p for p in manager.get("/api/catalog").get_json()["products"] if p["name"] == "수제 마들렌"
    )
    resp = manager.post(
        "/api/stock/moves",
        json={"product_id": product["id"], "qty": 1, "kind": "transfer", "to_site": "CAFE07"},
    )
    assert resp.status_code in (200, 201), resp.get_json()
    sell(branch, 1)

    from pos.outbox import OutboxEvent

    with branch.app_context():
        waiting = db.session.scalar(select(func.count()).select_from(OutboxEvent))
    with branch.test_request_context("/admin/reports", method="GET"):
        from pos.db import sqlite_writes

        mode = sqlite_writes.set(False)  # what a GET request has
        db.session.execute(select(1))  # and a read transaction already open
        taken = catch_up()
        assert taken == waiting
        assert catch_up() == 0
        cafe3, cafe7 = (
            db.session.scalars(select(Site.id).where(Site.code == code)).one()
            for code in ("CAFE03", "CAFE07")
        )
        sales = db.session.scalar(select(func.sum(RSiteDay.sales)).where(RSiteDay.site_id == cafe3))
        sold = sum(1 for ev in outbox(branch) if ev["type"] == "sale.completed")
        assert sales == sold
        moved_in = db.session.scalar(
            select(func.count())
            .select_from(CStockMove)
            .where(CStockMove.site_id == cafe7, CStockMove.reason == "transfer_in")
        )
        assert moved_in == 1
        assert db.session.scalar(select(func.sum(SyncSite.rejected))) == 0
        db.session.rollback()
        sqlite_writes.reset(mode)  # this thread runs the later tests: leave it as it was

    sell(branch, 1)
    with branch.app_context():
        assert catch_up() == 1


def test_catch_up_goes_in_short_transactions_and_stops_once_caught_up(branch, monkeypatch):
    """Each write transaction applies a few events (sales wait for none of them long), a
    round reads no more than its limit, and a round that has caught up ends instead of
    chasing every new sale with a transaction of its own."""
    from sqlalchemy import event

    from pos.central import local
    from pos.outbox import OutboxEvent

    with branch.app_context():
        local.catch_up(limit=100_000)  # what earlier tests left
        before = db.session.scalar(select(func.count()).select_from(OutboxEvent))
        db.session.rollback()
    monkeypatch.setattr(local, "CHUNK", 2)
    monkeypatch.setattr(local, "PAUSE", 0)
    sell(branch, 4)
    with branch.app_context():
        waiting = db.session.scalar(select(func.count()).select_from(OutboxEvent)) - before
        db.session.rollback()
        writes: list[int] = []

        def count(_conn) -> None:
            writes.append(1)

        event.listen(db.engine, "commit", count)
        try:
            assert local.catch_up(limit=3) == 3  # a chunk of 2, then one of 1
            assert len(writes) == 2
            writes.clear()
            assert local.catch_up() == waiting - 3
            assert len(writes) == (waiting - 3) // 2 + 1  # the last chunk finds it caught up
        finally:
            event.remove(db.engine, "commit", count)

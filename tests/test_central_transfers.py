"""A transfer out of a branch reaches central with its arrival: the branch sends one event per
product, its own, naming the receiving site (a store room has no server to send the arrival),
and central books both sides once. A receiving site that central does not know, or a receiving
site on a move that is not a transfer, is refused with a reason and the rest still applies."""

from __future__ import annotations

import uuid

import pytest
from central_push_kit import issue_token, outbox, push, renumber, sell
from sqlalchemy import func, select
from support import ApiClient

from pos.db import db

pytestmark = pytest.mark.postgres


def _transfer(branch, qty: int, to: str = "CAFE07") -> dict:
    manager = ApiClient(branch, "manager", password="manager1234")
    product = next(
        p for p in manager.get("/api/catalog").get_json()["products"] if p["name"] == "수제 마들렌"
    )
    body = {"product_id": product["id"], "qty": qty, "kind": "transfer", "to_site": to}
    resp = manager.post("/api/stock/moves", json=body)
    assert resp.status_code in (200, 201), resp.get_json()
    return product


def _central_moves(central, code: str) -> dict:
    from pos.central.facts import CStockLevel, CStockMove
    from pos.sites import Site

    with central.app_context():
        site = db.session.scalars(select(Site.id).where(Site.code == code)).one()
        moves = db.session.execute(
            select(CStockMove.id, CStockMove.qty, CStockMove.reason).where(
                CStockMove.site_id == site
            )
        ).all()
        level = db.session.scalar(
            select(func.coalesce(func.sum(CStockLevel.on_hand), 0)).where(
                CStockLevel.site_id == site
            )
        )
        return {"moves": {m.id: (m.qty, m.reason) for m in moves}, "on_hand": int(level)}


def _events_of(branch, code: str) -> int:
    from pos.outbox import OutboxEvent

    with branch.app_context():
        return db.session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.site_code == code)
        )


def test_a_transfer_lands_on_both_sites_once(central, branch):
    others = _events_of(branch, "CAFE07")
    _transfer(branch, 3)
    assert _events_of(branch, "CAFE07") == others, "the arrival travels in the sender's event"
    moves = [ev for ev in outbox(branch) if ev["type"] == "stock.move"]
    sent = [ev for ev in moves if ev["payload"]["reason"] == "transfer_out"]
    assert len(sent) == 1, "one product, one event"
    payload = sent[0]["payload"]
    assert payload["reason"] == "transfer_out" and payload["qty"] == -3
    assert payload["to_site"] == "CAFE07" and payload["arrival_id"]

    token = issue_token(central)
    before = _central_moves(central, "CAFE07")
    for _ in range(2):  # the acknowledgement lost: the same batch again
        resp = push(central, token, renumber(sent), pending=0)
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["rejected"] == []
    after = _central_moves(central, "CAFE07")
    assert after["moves"][payload["arrival_id"]] == (3, "transfer_in")
    assert after["on_hand"] - before["on_hand"] == 3
    assert len(after["moves"]) - len(before["moves"]) == 1
    sender = _central_moves(central, "CAFE03")
    assert sender["moves"][payload["id"]] == (-3, "transfer_out")


def test_a_bad_receiving_site_is_refused_and_the_rest_applies(central, branch):
    _transfer(branch, 1)
    good = [ev for ev in outbox(branch) if ev["type"] == "stock.move"][-1]
    assert good["payload"]["to_site"] == "CAFE07"
    unknown = {
        **good,
        "id": str(uuid.uuid4()),
        "payload": {**good["payload"], "id": str(uuid.uuid4()), "to_site": "NOWHERE"},
    }
    not_a_transfer = {
        **good,
        "id": str(uuid.uuid4()),
        "payload": {
            **good["payload"],
            "id": str(uuid.uuid4()),
            "reason": "receive",
            "qty": 5,
        },
    }
    sold = set(sell(branch, 1))
    sale = [ev for ev in outbox(branch) if ev["payload"].get("id") in sold]
    token = issue_token(central)
    before = _central_moves(central, "CAFE07")
    resp = push(central, token, renumber([unknown, not_a_transfer, good, *sale]), pending=0)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    reasons = {r["id"]: r["error"] for r in body["rejected"]}
    assert set(reasons) == {unknown["id"], not_a_transfer["id"]}
    assert reasons[unknown["id"]]["code"] == "unknown_site"
    assert "받는 매장" in reasons[unknown["id"]]["message"]
    assert "받는 매장" in reasons[not_a_transfer["id"]]["message"]
    assert set(body["acked"]) == {good["id"], sale[0]["id"]}
    after = _central_moves(central, "CAFE07")
    assert after["on_hand"] - before["on_hand"] == 1

"""Central refuses what it cannot apply, one event at a time: a malformed event, an unknown
product and a future schema version are rejected with a Korean reason, recorded for the
admins, count toward the high-water mark, and the batch's later events still apply. Tokens:
none 401, another site's or a revoked one 403."""

from __future__ import annotations

import copy
import uuid

import pytest
from central_push_kit import (
    central_sales,
    issue_token,
    outbox,
    push,
    renumber,
    sell,
)
from sqlalchemy import select

from pos.db import db

pytestmark = pytest.mark.postgres


def _sales(branch, count):
    ids = set(sell(branch, count))
    return [ev for ev in outbox(branch) if ev["payload"].get("id") in ids]


def _rejections(central):
    from pos.central.ledger import SyncRejection

    with central.app_context():
        rows = db.session.scalars(select(SyncRejection).order_by(SyncRejection.seq)).all()
        return [(r.seq, r.code, r.message, r.payload) for r in rows]


def test_bad_events_are_rejected_with_reasons_and_the_rest_applies(central, branch):
    good = _sales(branch, 4)
    unknown = copy.deepcopy(good[1])
    unknown["payload"]["lines"][0]["product_uid"] = str(uuid.uuid4())
    malformed = {**good[2], "payload": {"lines": "마들렌 하나"}}
    future = {**good[3], "schema": 99, "payload": {"새 형식": True}}
    batch = renumber([good[0], unknown, malformed, future])
    later = _sales(branch, 1)
    batch += renumber(later, start=5)
    token = issue_token(central)
    before = central_sales(central)

    resp = push(central, token, batch)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["acked"] == [good[0]["id"], later[0]["id"]]
    reasons = {r["id"]: r["error"] for r in body["rejected"]}
    assert reasons[unknown["id"]]["code"] == "unknown_product"
    assert reasons[malformed["id"]]["code"] == "malformed"
    assert reasons[future["id"]]["code"] == "schema_unsupported"
    assert "99" in reasons[future["id"]]["message"]
    for error in reasons.values():
        assert any("가" <= ch <= "힣" for ch in error["message"]), error
    assert body["high_water"] == 5  # rejected events count toward the mark
    after = central_sales(central)
    assert after["sales"] - before["sales"] == 2

    rows = _rejections(central)
    assert [(seq, code) for seq, code, _, _ in rows] == [
        (2, "unknown_product"),
        (3, "malformed"),
        (4, "schema_unsupported"),
    ]
    assert "마들렌 하나" in rows[1][3]  # what was sent is kept for the admins

    again = push(central, token, batch)
    assert again.get_json()["acked"] == body["acked"]
    assert sorted(r["id"] for r in again.get_json()["rejected"]) == sorted(reasons)
    assert central_sales(central) == after
    assert len(_rejections(central)) == 3


def test_a_nul_character_rejects_its_event_not_the_batch(central, branch):
    """PostgreSQL stores no NUL character: one in a line's name or in the event's type used
    to fail the whole batch (503, sent again for ever); now only that event is refused."""
    good = _sales(branch, 2)
    in_name = copy.deepcopy(good[0])
    in_name["payload"]["lines"][0]["name"] = "아메리\x00카노"
    in_type = {**copy.deepcopy(good[1]), "id": str(uuid.uuid4()), "type": "sale.\x00completed"}
    token = issue_token(central)
    before = central_sales(central)

    resp = push(central, token, renumber([in_name, in_type, good[1]]))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["acked"] == [good[1]["id"]]
    assert {r["id"]: r["error"]["code"] for r in body["rejected"]} == {
        in_name["id"]: "malformed",
        in_type["id"]: "malformed",
    }
    assert body["high_water"] == 3
    assert central_sales(central)["sales"] - before["sales"] == 1
    rows = _rejections(central)
    assert [(seq, code) for seq, code, _, _ in rows] == [(1, "malformed"), (2, "malformed")]
    assert all("\x00" not in payload for _, _, _, payload in rows)


def test_an_event_without_its_parts_is_malformed_not_a_failed_batch(central, branch):
    good = _sales(branch, 1)
    token = issue_token(central)
    broken = {"id": str(uuid.uuid4()), "seq": 1, "schema": 1, "type": "sale.completed"}
    resp = push(central, token, [broken, {**good[0], "seq": 2}])
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["acked"] == [good[0]["id"]]
    assert resp.get_json()["rejected"][0]["error"]["code"] == "malformed"
    assert resp.get_json()["high_water"] == 2


def test_an_unreadable_batch_is_refused_whole_in_korean(central):
    token = issue_token(central)
    for body, status in (
        ({"site": "CAFE03", "events": []}, 422),
        ({"site": "CAFE03", "events": [{"seq": 1}]}, 422),
        ({"events": [{"id": "x", "seq": 1}]}, 422),
    ):
        resp = central.test_client().post(
            "/api/sync/push", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert resp.status_code == status, resp.get_json()
        assert any("가" <= ch <= "힣" for ch in resp.get_json()["error"]["message"])
    resp = central.test_client().post(
        "/api/sync/push",
        data="{not json",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "bad_json"


def test_tokens_none_is_401_another_sites_or_revoked_is_403(central, branch):
    from pos.central import tokens
    from pos.sites import Site

    events = renumber(_sales(branch, 1))
    other = issue_token(central, "CAFE07")
    mine = issue_token(central, "CAFE03")
    before = central_sales(central)

    resp = push(central, None, events)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "sync_token_required"
    resp = push(central, "pos_not-a-real-token", events)
    assert resp.status_code == 403
    resp = push(central, other, events)  # CAFE07's token naming CAFE03
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "sync_site_mismatch"
    assert "다른 매장" in resp.get_json()["error"]["message"]

    with central.app_context():
        site = db.session.scalars(select(Site).where(Site.code == "CAFE03")).one()
        tokens.revoke(site)
        db.session.commit()
    resp = push(central, mine, events)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "sync_token_refused"
    assert central_sales(central) == before

    fresh = issue_token(central, "CAFE03")
    assert push(central, fresh, events).status_code == 200
    assert central_sales(central)["sales"] == before["sales"] + 1


def test_push_is_not_served_by_a_branch(branch):
    resp = branch.test_client().post("/api/sync/push", json={"site": "CAFE03", "events": []})
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_push_and_status_are_in_the_openapi_document(central):
    doc = central.test_client().get("/api/openapi.json").get_json()
    push_op = doc["paths"]["/api/sync/push"]["post"]
    assert push_op["security"] == [{"bearer": []}]
    assert {"200", "401", "403", "409", "422"} <= set(push_op["responses"])
    assert "get" in doc["paths"]["/api/sync/status"]
    assert "PushIn" in doc["components"]["schemas"]

"""The branch's sync status: ``GET /api/sync/state`` in each state, and the back office's
동기화 상태 page in Korean with the rejected events and 지금 동기화."""

from __future__ import annotations

from support import ApiClient
from sync_push_helpers import (  # noqa: F401  (fixtures central, branch_factory)
    SITE,
    branch_factory_fixture,
    central_fixture,
    sell,
)

from pos.db import db
from pos.outbox import record_event
from pos.sync import state
from pos.sync.worker import Worker


def _get_state(api: ApiClient) -> dict:
    resp = api.get("/api/sync/state")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _one_cycle(app) -> None:
    with app.app_context():
        Worker(app).cycle()


def test_state_needs_a_login(branch_factory):
    branch = branch_factory(None)
    resp = branch.test_client().get("/api/sync/state")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["message"] == "로그인이 필요합니다"


def test_state_is_off_without_central(branch_factory):
    branch = branch_factory(None)
    got = _get_state(ApiClient(branch, "cashier3", pin="1234"))
    assert got["enabled"] is False and got["state"] == "off" and got["central"] is None


def test_state_waiting_ok_and_error(central, branch_factory):
    branch = branch_factory(central)
    cashier = ApiClient(branch, "cashier3", pin="1234")
    sell(cashier, 2)
    got = _get_state(cashier)
    assert got["enabled"] is True
    assert got["state"] == "waiting" and got["waiting"] >= 2
    assert got["central"] == f"127.0.0.1:{central.port}"
    assert got["last_push_at"] is None
    _one_cycle(branch)
    # the first pull brought central's users (their PINs' hashes): a new log-in
    cashier = ApiClient(branch, "cashier3", pin="1234")
    got = _get_state(cashier)
    assert got["state"] == "ok" and got["waiting"] == 0
    assert got["last_push_at"] and got["last_pull_at"] and got["catalog_version"] > 0
    central.stop()
    sell(cashier, 1)
    _one_cycle(branch)
    got = _get_state(cashier)
    assert got["state"] == "error" and got["waiting"] == 1
    assert got["last_error"] == "중앙 서버에 연결할 수 없습니다"
    assert got["next_try_at"]


def test_central_shows_host_only(branch_factory):
    branch = branch_factory(
        None, CENTRAL_URL="https://sync:secret@central.example.kr:8443/pos", SYNC_TOKEN="x"
    )
    got = _get_state(ApiClient(branch, "cashier3", pin="1234"))
    assert got["central"] == "central.example.kr:8443"


def test_page_in_korean_with_rejected_events_and_sync_now(central, branch_factory):
    branch = branch_factory(central, SYNC_INTERVAL=600.0)
    cashier = ApiClient(branch, "cashier3", pin="1234")
    sell(cashier, 1)
    with branch.app_context():
        record_event("sale.completed", SITE, {"garbage": True})
        db.session.commit()
    _one_cycle(branch)
    manager = ApiClient(branch, "manager", password="manager1234")
    cashier = ApiClient(branch, "cashier3", pin="1234")
    page = manager.get("/admin/sync")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in (
        "동기화 상태",
        "중앙 저장소",
        "마지막 전송",
        "보낼 이벤트",
        "거부된 이벤트",
        "지금 동기화",
    ):
        assert text in html
    assert f"127.0.0.1:{central.port}" in html
    assert "동기화됨" in html
    # the rejected event with central's Korean reason
    with branch.app_context():
        from pos.outbox import OutboxEvent

        bad = db.session.query(OutboxEvent).filter(OutboxEvent.rejected_at.is_not(None)).one()
        reason = bad.last_error
    assert reason and reason in html
    assert "판매" in html
    # 지금 동기화 wakes the worker
    resp = manager.post("/admin/sync", data={"csrf_token": manager.csrf})
    assert resp.status_code == 302
    with branch.app_context():
        assert state.peek().wake_requested is True
    # a cashier may not see it
    assert cashier.get("/admin/sync").status_code in (302, 403)


def test_sync_now_without_csrf_is_refused(central, branch_factory):
    branch = branch_factory(central)
    manager = ApiClient(branch, "manager", password="manager1234")
    resp = manager.client.post("/admin/sync")
    assert resp.status_code == 400
    with branch.app_context():
        row = state.peek()
        assert row is None or not row.wake_requested

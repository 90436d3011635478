"""Shifts and the cash drawer over the API on SQLite and PostgreSQL (DESIGN §5 "Café
operations"): open with a float, the same id again, a second open, a negative float, close
with the count (과부족), closing twice, who may see and close, cash in and out with a reason,
REQUIRE_SHIFT, and a refund counting in the shift of the user who makes it."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from shift_helpers import AMERICANO, MUSHROOM, move, open_till, price_of, refund, sell
from support import ApiClient, new_sale_body

from pos.db import db
from pos.receipts.models import PrintJob
from pos.shifts.models import Shift


@pytest.fixture
def other(app):
    return ApiClient(app, "cashier3b", pin="5678")


@pytest.fixture
def manager(app):
    return ApiClient(app, "manager", password="manager1234")


def test_open_returns_the_shift_and_the_same_id_again_the_same(app, cashier):
    sid = str(uuid.uuid4())
    first = cashier.post("/api/shifts", json={"id": sid, "opening_float": 50_000})
    assert first.status_code == 201
    body = first.get_json()
    assert body["id"] == sid and body["opening_float"] == 50_000 and body["opened_at"]
    again = cashier.post("/api/shifts", json={"id": sid, "opening_float": 50_000})
    assert again.status_code == 200 and again.get_json() == body
    other_float = cashier.post("/api/shifts", json={"id": sid, "opening_float": 10_000})
    assert other_float.status_code == 409
    assert other_float.get_json()["error"]["code"] == "id_conflict"
    with app.app_context():
        assert db.session.query(Shift).count() == 1


def test_second_open_is_409_and_a_negative_float_422(app, cashier, other):
    open_till(cashier)
    second = cashier.post("/api/shifts", json={"id": str(uuid.uuid4()), "opening_float": 0})
    assert second.status_code == 409
    err = second.get_json()["error"]
    assert err["code"] == "shift_open" and "영업" in err["message"]
    # another cashier has a till of their own at the same site
    open_till(other, 30_000)
    bad = other.post("/api/shifts", json={"id": str(uuid.uuid4()), "opening_float": -1})
    assert bad.status_code == 422
    err = bad.get_json()["error"]
    assert err["field"] == "opening_float" and "값이 너무 작습니다" in err["message"]
    text = cashier.post("/api/shifts", json={"id": str(uuid.uuid4()), "opening_float": "5000"})
    assert text.status_code == 422
    with app.app_context():
        assert db.session.query(Shift).count() == 2


def test_current_asks_for_a_float_until_a_shift_is_open(app, cashier):
    now = cashier.get("/api/shifts/current").get_json()
    assert now == {
        "shift": None,
        "needs_float": True,
        "required": False,
        "suggested_float": None,
        "stale": False,
    }
    sid = open_till(cashier, 40_000)
    now = cashier.get("/api/shifts/current").get_json()
    assert now["needs_float"] is False and now["shift"]["id"] == sid
    assert now["shift"]["expected_cash"] == 40_000 and now["shift"]["closed"] is False
    cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": 40_000})
    now = cashier.get("/api/shifts/current").get_json()
    assert now["shift"] is None and now["needs_float"] is True
    assert now["suggested_float"] == 40_000  # what was left in the drawer


def test_close_gives_expected_cash_over_short_methods_and_totals(app, cashier):
    sid = open_till(cashier, 50_000)
    cash_sale = sell(cashier, [AMERICANO, MUSHROOM], "cash")
    card_sale = sell(cashier, [MUSHROOM], "card")
    assert move(cashier, "pay_in", 10_000, "잔돈 보충").status_code == 201
    assert move(cashier, "pay_out", 3_000, "우유 구입").status_code == 201
    assert move(cashier, "no_sale", 0, "잔돈 교환").status_code == 201
    refund(app, cash_sale["id"], "cashier3", 4_500, "cash")
    live = cashier.get(f"/api/shifts/{sid}").get_json()
    expected = 50_000 + cash_sale["total"] - 4_500 + 10_000 - 3_000
    assert live["expected_cash"] == expected and live["closed"] is False
    resp = cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": expected - 700})
    assert resp.status_code == 200
    f = resp.get_json()
    assert f["id"] == sid and f["opening_float"] == 50_000
    assert f["cash_sales"] == cash_sale["total"] and f["cash_refunds"] == 4_500
    assert f["paid_in"] == 10_000 and f["paid_out"] == 3_000
    assert f["expected_cash"] == expected
    assert f["counted_cash"] == expected - 700 and f["over_short"] == -700
    assert f["by_method"] == {"cash": cash_sale["total"] - 4_500, "card": card_sale["total"]}
    assert f["sales"] == cash_sale["total"] + card_sale["total"] and f["count"] == 2
    assert f["refunds"] == 4_500 and f["refund_count"] == 1 and f["discounts"] == 0
    assert [m["kind"] for m in f["movements"]] == ["pay_in", "pay_out", "no_sale"]
    assert f["closed"] is True and f["closed_at"]
    # the figures stay as closed; GET reads them again
    assert cashier.get(f"/api/shifts/{sid}").get_json() == f


def test_closing_twice_is_409_and_changes_nothing(app, cashier):
    sid = open_till(cashier, 10_000)
    first = cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": 10_500})
    assert first.status_code == 200
    again = cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": 0})
    assert again.status_code == 409
    err = again.get_json()["error"]
    assert err["code"] == "shift_closed" and err["message"] == "이미 마감한 영업입니다"
    shown = cashier.get(f"/api/shifts/{sid}").get_json()
    assert shown["counted_cash"] == 10_500 and shown["over_short"] == 500
    bad = cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": -5})
    assert bad.status_code == 422


def test_a_discount_counts_in_the_shift(app, cashier):
    sid = open_till(cashier)
    sale = sell(cashier, [MUSHROOM], "cash", discount=1_000, discount_reason="단골 쿠폰")
    f = cashier.get(f"/api/shifts/{sid}").get_json()
    assert f["discounts"] == 1_000 and f["sales"] == sale["total"] == 11_000
    assert f["cash_sales"] == 11_000


def test_who_may_see_and_close_a_shift(app, cashier, other, manager):
    sid = open_till(cashier)
    refused = other.get(f"/api/shifts/{sid}")
    assert refused.status_code == 403 and "매니저" in refused.get_json()["error"]["message"]
    assert other.post(f"/api/shifts/{sid}/close", json={"counted_cash": 0}).status_code == 403
    assert cashier.get("/api/shifts/nope").status_code == 404
    assert cashier.get(f"/api/shifts/{'x' * 80}").status_code == 404
    assert manager.get(f"/api/shifts/{sid}").status_code == 200
    closed = manager.post(f"/api/shifts/{sid}/close", json={"counted_cash": 50_000})
    assert closed.status_code == 200 and closed.get_json()["over_short"] == 0
    assert app.test_client().get(f"/api/shifts/{sid}").status_code == 401


def test_cash_movements_need_a_reason_and_a_shift_and_are_idempotent(app, cashier):
    no_shift = move(cashier, "pay_out", 1_000)
    assert no_shift.status_code == 409 and no_shift.get_json()["error"]["code"] == "no_shift"
    # the drawer may be opened without a shift (a no-sale), with a reason
    assert move(cashier, "no_sale", 0, "잔돈 교환").get_json()["shift_id"] is None
    sid = open_till(cashier, 20_000)
    mid = str(uuid.uuid4())
    body = {"id": mid, "kind": "pay_out", "amount": 4_000, "reason": "  우유   구입 "}
    first = cashier.post("/api/cash-movements", json=body)
    assert first.status_code == 201
    made = first.get_json()
    assert made["shift_id"] == sid and made["reason"] == "우유 구입" and made["label"] == "출금"
    again = cashier.post("/api/cash-movements", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == mid
    changed = cashier.post("/api/cash-movements", json={**body, "amount": 5_000})
    assert changed.status_code == 409 and changed.get_json()["error"]["code"] == "id_conflict"
    for bad, field in (
        ({"kind": "pay_in", "amount": 1_000, "reason": "   "}, "reason"),
        ({"kind": "pay_in", "amount": 1_000}, "reason"),
        ({"kind": "pay_in", "amount": 0, "reason": "잔돈"}, None),
        ({"kind": "no_sale", "amount": 500, "reason": "잔돈"}, None),
        ({"kind": "pay_out", "amount": -1, "reason": "잔돈"}, "amount"),
        ({"kind": "steal", "amount": 1, "reason": "잔돈"}, "kind"),
    ):
        resp = cashier.post("/api/cash-movements", json={"id": str(uuid.uuid4()), **bad})
        assert resp.status_code == 422, bad
        err = resp.get_json()["error"]
        assert err["code"] == "invalid" and (field is None or err["field"] == field)
        assert re.search("[가-힣]", err["message"]), err  # Korean
    too_much = move(cashier, "pay_out", 16_001)
    assert too_much.status_code == 409
    assert too_much.get_json()["error"]["code"] == "not_enough_cash"
    assert "16,000원" in too_much.get_json()["error"]["message"]
    assert cashier.get(f"/api/shifts/{sid}").get_json()["expected_cash"] == 16_000


def test_drawer_opens_on_cash_movements_when_there_is_a_printer(app_factory, backend):
    app = app_factory(backend, PRINTER_URL="tcp://127.0.0.1:9")
    api = ApiClient(app, "cashier3", pin="1234")
    open_till(api)
    made = move(api, "no_sale", 0, "잔돈 교환").get_json()
    assert made["print"]["status"] == "pending"
    move(api, "pay_in", 5_000, "잔돈 보충")
    with app.app_context():
        jobs = db.session.query(PrintJob).filter(PrintJob.kind == "drawer").all()
        assert len(jobs) == 2 and all(j.sale_id is None and j.site_id for j in jobs)
        assert jobs[0].ref == made["id"]


def test_close_queues_the_closing_slip_when_there_is_a_printer(app_factory, backend):
    app = app_factory(backend, PRINTER_URL="tcp://127.0.0.1:9")
    api = ApiClient(app, "cashier3", pin="1234")
    sid = open_till(api)
    api.post(f"/api/shifts/{sid}/close", json={"counted_cash": 50_000})
    with app.app_context():
        jobs = db.session.query(PrintJob).filter(PrintJob.kind == "shift").all()
        assert [(j.ref, j.target) for j in jobs] == [(sid, "receipt")]


def test_refund_counts_in_the_refunders_shift(app, cashier, other):
    first = open_till(cashier, 50_000)
    sale = sell(cashier, [MUSHROOM], "cash")
    second = open_till(other, 30_000)
    refund(app, sale["id"], "cashier3b", sale["total"], "cash")
    mine = cashier.get(f"/api/shifts/{first}").get_json()
    theirs = other.get(f"/api/shifts/{second}").get_json()
    assert mine["cash_sales"] == sale["total"] and mine["cash_refunds"] == 0
    assert mine["expected_cash"] == 50_000 + sale["total"]
    assert theirs["cash_sales"] == 0 and theirs["cash_refunds"] == sale["total"]
    assert theirs["expected_cash"] == 30_000 - sale["total"]
    assert theirs["refunds"] == sale["total"] and theirs["by_method"] == {"cash": -sale["total"]}


def test_sales_are_refused_without_a_shift_only_when_required(app_factory, backend):
    app = app_factory(backend, REQUIRE_SHIFT=True)
    api = ApiClient(app, "cashier3", pin="1234")
    assert api.get("/api/shifts/current").get_json()["required"] is True
    total = price_of(api, [MUSHROOM])
    body = new_sale_body(api, [MUSHROOM], [{"method": "cash", "amount": total}])
    refused = api.post("/api/sales", json=body)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_shift"
    sid = open_till(api)
    assert api.post("/api/sales", json=body).status_code == 201
    assert api.get(f"/api/shifts/{sid}").get_json()["cash_sales"] == total


def test_responses_match_their_documented_bodies(app_factory):
    from pos.shifts.schemas import (
        CurrentShiftOut,
        MovementCreatedOut,
        PrintQueuedOut,
        ShiftOpenedOut,
        ShiftOut,
        ZReportOut,
    )

    app = app_factory("sqlite", PRINTER_URL="file:///dev/null")
    api = ApiClient(app, "cashier3", pin="1234")
    CurrentShiftOut.model_validate(api.get("/api/shifts/current").get_json())
    body = {"id": str(uuid.uuid4()), "opening_float": 10_000}
    ShiftOpenedOut.model_validate(api.post("/api/shifts", json=body).get_json())
    sell(api, [MUSHROOM], "cash")
    MovementCreatedOut.model_validate(move(api, "pay_in", 1_000, "잔돈").get_json())
    CurrentShiftOut.model_validate(api.get("/api/shifts/current").get_json())
    ShiftOut.model_validate(api.get(f"/api/shifts/{body['id']}").get_json())
    closed = api.post(f"/api/shifts/{body['id']}/close", json={"counted_cash": 0})
    ShiftOut.model_validate(closed.get_json())
    manager = ApiClient(app, "manager", password="manager1234")
    ZReportOut.model_validate(manager.get("/api/reports/z").get_json())
    PrintQueuedOut.model_validate(manager.post("/api/reports/z/print", json={}).get_json())
    doc = app.test_client().get("/api/openapi.json").get_json()
    for path in ("/api/shifts", "/api/shifts/{shift_id}/close", "/api/cash-movements"):
        assert "post" in doc["paths"][path], path
    assert "get" in doc["paths"]["/api/reports/z"]


def test_opens_closes_and_cash_moves_go_to_the_outbox_once(app, cashier):
    from pos.outbox import OutboxEvent

    sid = open_till(cashier, 10_000)
    cashier.post("/api/shifts", json={"id": sid, "opening_float": 10_000})  # a retry
    moved = move(cashier, "pay_in", 2_000, "잔돈 보충").get_json()
    cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": 12_000})
    with app.app_context():
        events = {
            e.type: json.loads(e.payload)
            for e in db.session.query(OutboxEvent).filter(
                OutboxEvent.type.in_(("shift.opened", "shift.closed", "cash.moved"))
            )
        }
        count = db.session.query(OutboxEvent).filter(OutboxEvent.type.like("shift.%")).count()
    assert count == 2
    assert events["shift.opened"]["id"] == sid and events["shift.opened"]["opening_float"] == 10_000
    assert events["cash.moved"]["id"] == moved["id"] and events["cash.moved"]["amount"] == 2_000
    closed = events["shift.closed"]
    assert closed["expected_cash"] == 12_000 and closed["over_short"] == 0
    assert closed["site"] == "CAFE03" and closed["username"] == "cashier3"


def test_a_shifts_slip_prints_again(app_factory, backend):
    app = app_factory(backend, PRINTER_URL="tcp://127.0.0.1:9")
    api = ApiClient(app, "cashier3", pin="1234")
    sid = open_till(api)
    resp = api.post(f"/api/shifts/{sid}/print")
    assert resp.status_code == 202 and resp.get_json()["status"] == "pending"
    other = ApiClient(app, "cashier3b", pin="5678")
    assert other.post(f"/api/shifts/{sid}/print").status_code == 403
    with app.app_context():
        assert [j.ref for j in db.session.query(PrintJob).filter_by(kind="shift")] == [sid]


def test_a_shifts_slip_needs_a_printer(app, cashier):
    sid = open_till(cashier)
    resp = cashier.post(f"/api/shifts/{sid}/print")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "no_printer"


def test_a_shift_left_open_overnight_is_stale(app, cashier):
    from datetime import timedelta

    sid = open_till(cashier)
    assert cashier.get("/api/shifts/current").get_json()["stale"] is False
    with app.app_context():
        shift = db.session.get(Shift, sid)
        shift.opened_at -= timedelta(days=1)
        db.session.commit()
    now = cashier.get("/api/shifts/current").get_json()
    assert now["stale"] is True and now["shift"]["id"] == sid and now["needs_float"] is False

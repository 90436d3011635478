"""Tablets racing on one till, on SQLite and PostgreSQL, each its own session at the same
moment: opens with different ids leave one open shift (the others 409 shift_open), retries of
one open all answer that shift, and closes of one shift close it once (the others 409)."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select
from support import ApiClient

from pos.db import db
from pos.shifts.models import Shift

TABLETS = 6


def race(tablets: list[ApiClient], call) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(tablets))
    out: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def run(api: ApiClient, n: int) -> None:
        barrier.wait()
        resp = call(api, n)
        with lock:
            out.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=run, args=(t, n)) for n, t in enumerate(tablets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return out


def tablets(app) -> list[ApiClient]:
    return [ApiClient(app, "cashier3", pin="1234") for _ in range(TABLETS)]


def open_shifts(app) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count(Shift.id)).where(Shift.closed_at.is_(None))
        ).scalar()


def test_racing_opens_leave_one_shift(app):
    ids = [str(uuid.uuid4()) for _ in range(TABLETS)]
    results = race(
        tablets(app),
        lambda api, n: api.post("/api/shifts", json={"id": ids[n], "opening_float": 1_000 * n}),
    )
    codes = sorted(code for code, _ in results)
    assert codes == [201] + [409] * (TABLETS - 1), results
    assert {b["error"]["code"] for code, b in results if code == 409} == {"shift_open"}
    assert open_shifts(app) == 1


def test_racing_retries_of_one_open_answer_the_same_shift(app):
    sid = str(uuid.uuid4())
    results = race(
        tablets(app),
        lambda api, n: api.post("/api/shifts", json={"id": sid, "opening_float": 30_000}),
    )
    assert sorted(code for code, _ in results) == [200] * (TABLETS - 1) + [201], [
        b for c, b in results if c == 409
    ]
    assert {b["id"] for _, b in results} == {sid}
    assert open_shifts(app) == 1


def test_racing_closes_close_once(app):
    api = ApiClient(app, "cashier3", pin="1234")
    sid = str(uuid.uuid4())
    api.post("/api/shifts", json={"id": sid, "opening_float": 10_000})
    results = race(
        tablets(app),
        lambda api, n: api.post(f"/api/shifts/{sid}/close", json={"counted_cash": 10_000 + n}),
    )
    done = [b for code, b in results if code == 200]
    assert len(done) == 1, results
    assert all(b["error"]["code"] == "shift_closed" for code, b in results if code != 200)
    with app.app_context():
        shift = db.session.get(Shift, sid)
        assert shift.counted_cash == done[0]["counted_cash"]
        assert shift.over_short == done[0]["over_short"] == shift.counted_cash - 10_000


def test_racing_payouts_never_take_more_than_the_drawer_holds(app):
    api = ApiClient(app, "cashier3", pin="1234")
    sid = str(uuid.uuid4())
    api.post("/api/shifts", json={"id": sid, "opening_float": 10_000})

    def pay_out(api: ApiClient, n: int):
        body = {"id": str(uuid.uuid4()), "kind": "pay_out", "amount": 4_000, "reason": "우유"}
        return api.post("/api/cash-movements", json=body)

    results = race(tablets(app), pay_out)
    assert sorted(code for code, _ in results) == [201, 201] + [409] * (TABLETS - 2), results
    assert api.get(f"/api/shifts/{sid}").get_json()["expected_cash"] == 2_000

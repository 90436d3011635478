"""The branch pushes its outbox to a real central (PostgreSQL, real socket): in seq order and
in batches, marks what central acknowledged or rejected, and corrects its marks both ways when
central answers 409 sync_gap."""

from __future__ import annotations

import json

from sqlalchemy import update
from support import ApiClient
from sync_push_helpers import (  # noqa: F401  (fixtures central, branch_factory)
    SITE,
    branch_factory_fixture,
    central_fixture,
    outbox,
    sell,
    waiting,
)

from pos.db import db
from pos.outbox import OutboxEvent, record_event
from pos.sync import state
from pos.sync.client import Client
from pos.sync.worker import push_all


def _push(app) -> dict:
    with app.app_context():
        client = Client.from_config()
        try:
            return push_all(client)
        finally:
            client.close()


def test_batches_go_in_seq_order_and_are_acked(central, branch_factory):
    branch = branch_factory(central, SYNC_BATCH=3)
    sold = sell(ApiClient(branch, "cashier3", pin="1234"), 7)
    before = waiting(branch)
    assert before >= 7
    totals = _push(branch)
    assert totals["acked"] == before and totals["left"] == 0
    rows = outbox(branch)
    assert all(r.acked_at is not None and r.rejected_at is None for r in rows)
    # central holds every event once, in the branch's seq order, sales among them
    assert central.applied_ids() == [r.id for r in rows]
    assert set(sold) <= set(central.applied_ids())
    # 3 per request
    assert central.pushes == -(-before // 3)
    with branch.app_context():
        row = state.peek()
        assert row.high_water == rows[-1].seq
        assert row.last_push_at is not None


def test_a_rejected_event_is_kept_with_its_reason_and_later_ones_still_go(central, branch_factory):
    branch = branch_factory(central)
    api = ApiClient(branch, "cashier3", pin="1234")
    sell(api, 1)
    with branch.app_context():
        bad = record_event("sale.completed", SITE, {"garbage": True})
        db.session.commit()
    later = sell(api, 2)
    totals = _push(branch)
    assert totals["rejected"] == 1 and totals["left"] == 0
    rows = {r.id: r for r in outbox(branch)}
    assert rows[bad].rejected_at is not None and rows[bad].acked_at is None
    assert rows[bad].reject_code and rows[bad].last_error  # central's Korean reason
    assert all(rows[i].acked_at is not None for i in later)
    # never sent again
    pushes = central.pushes
    assert _push(branch)["sent"] == 0
    assert central.pushes == pushes
    with branch.app_context():
        got = state.status()
    assert got["rejected"] == 1 and got["waiting"] == 0 and got["state"] == "ok"


def test_lost_ack_409_marks_what_central_has(central, branch_factory):
    """Central applied events whose acknowledgement never came back: the branch's next batch
    starts past them after they were marked sent by someone else's push … here, simulated by
    the branch forgetting acks of a prefix and the next batch being past central's mark."""
    branch = branch_factory(central, SYNC_BATCH=2)
    sell(ApiClient(branch, "cashier3", pin="1234"), 4)
    _push(branch)
    rows = outbox(branch)
    high = rows[-1].seq
    assert central.high_water() == high
    # the acks of everything were lost; the branch also has new events past them
    with branch.app_context():
        db.session.execute(update(OutboxEvent).values(acked_at=None))
        db.session.commit()
    sell(ApiClient(branch, "cashier3", pin="1234"), 2)
    totals = _push(branch)
    assert totals["left"] == 0
    assert all(r.acked_at is not None for r in outbox(branch))
    ids = central.applied_ids()
    assert len(ids) == len(set(ids)) == len(outbox(branch))


def test_central_behind_gets_the_events_again(central, branch_factory):
    """Central restored from an older backup (its mark is behind what the branch took for
    acknowledged): the 409 sync_gap makes the branch send the lost events again."""
    branch = branch_factory(central)
    api = ApiClient(branch, "cashier3", pin="1234")
    sell(api, 3)
    first = outbox(branch)
    # the branch believes these were acknowledged, but central never saw them
    with branch.app_context():
        db.session.execute(update(OutboxEvent).values(acked_at=db.func.current_timestamp()))
        db.session.commit()
    assert central.high_water() == 0
    sell(api, 2)
    totals = _push(branch)
    assert totals["left"] == 0
    rows = outbox(branch)
    assert central.applied_ids() == [r.id for r in rows]
    assert central.high_water() == rows[-1].seq
    assert [r.id for r in rows[: len(first)]] == [r.id for r in first]


def test_the_wire_body(central, branch_factory):
    """What goes out is the wire contract: schema, ISO UTC time, the payload as JSON."""
    branch = branch_factory(central)
    sell(ApiClient(branch, "cashier3", pin="1234"), 1)
    seen = []
    app = central.app

    def spy(environ, start_response):
        if environ["PATH_INFO"] == "/api/sync/push":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(size)
            seen.append(json.loads(raw))
            import io

            environ["wsgi.input"] = io.BytesIO(raw)
        return app(environ, start_response)

    central.app = spy
    try:
        _push(branch)
    finally:
        central.app = app
    body = seen[0]
    assert body["site"] == SITE and body["pending"] == 0
    ev = body["events"][-1]
    assert ev["schema"] == 1 and ev["type"] == "sale.completed"
    assert ev["occurred_at"].endswith("+00:00")
    assert isinstance(ev["payload"], dict) and ev["payload"]["lines"]
    seqs = [e["seq"] for e in body["events"]]
    assert seqs == sorted(seqs)

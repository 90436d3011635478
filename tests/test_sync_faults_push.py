"""Raw HTTP to central's `POST /api/sync/push` with a real branch's real outbox rows: the same
batch twice, batches out of order, another site's token, a revoked token, and events central
must reject (malformed, unknown product, a future schema) without losing the others.

The branch sells through its own API while its central is unreachable, so its outbox holds the
events exactly as its worker would send them; the tests then play the worker's part."""

from __future__ import annotations

import copy
import uuid

import pytest
from sync_live import (
    applied_log,
    central_sale_ids,
    central_totals,
    high_water,
    pg_reachable,
    push_raw,
    running_branch,
    running_central,
    wire_events,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not pg_reachable(), reason="PostgreSQL on 127.0.0.1:5432 is unreachable"),
]

SITE = "CAFE03"
OTHER = "CAFE07"
#: every outbox event of the site, as last read (for ``after``)
ALL_EVENTS: list[dict] = []
NOWHERE = "http://127.0.0.1:9"  # nothing listens: the branch's own worker never gets through


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    with running_central(tmp_path_factory.mktemp("central")) as c:
        c.tokens = {SITE: c.token(SITE), OTHER: c.token(OTHER)}
        yield c


@pytest.fixture(scope="module")
def branch(tmp_path_factory, central):
    with running_branch(tmp_path_factory.mktemp("branch"), SITE, NOWHERE, "pos_unused") as b:
        b.sales = b.till().sell_many(60)
        b.till().refund(b.sales[0])
        yield b


def next_rows(central, branch, count: int) -> list[dict]:
    """The branch's next ``count`` outbox events after central's high-water mark."""
    hw = high_water(central, SITE)
    ALL_EVENTS[:] = wire_events(branch.outbox())
    rows = [r for r in branch.outbox() if r[0] > hw][:count]
    assert len(rows) == count, "the branch has too few events left for this test"
    return wire_events(rows)


def body(events: list[dict], site: str = SITE, pending: int = 0) -> dict:
    """A push body as the branch's client sends it. The branch's outbox also holds the demo's
    events of other sites, so this site's seqs are not dense: ``after`` names the site's seq
    just before the batch (0 for none), as the client does."""
    before = [e["seq"] for e in ALL_EVENTS if e["seq"] < events[0]["seq"]]
    after = max(before, default=0)
    return {"site": site, "pending": pending, "after": after, "events": events}


def sale_ids(events: list[dict]) -> set[str]:
    return {e["payload"]["id"] for e in events if e["type"] == "sale.completed"}


def test_same_batch_twice_changes_nothing_the_second_time(central, branch):
    events = next_rows(central, branch, 10)
    first = push_raw(central.base, central.tokens[SITE], body(events))
    assert first.status_code == 200, first.text
    assert sorted(first.json()["acked"]) == sorted(e["id"] for e in events)
    assert first.json()["high_water"] == events[-1]["seq"]
    after_first = central_totals(central, SITE)
    ids_first = sorted(central_sale_ids(central, SITE))

    again = push_raw(central.base, central.tokens[SITE], body(events))
    assert again.status_code == 200, again.text
    assert sorted(again.json()["acked"]) == sorted(e["id"] for e in events)
    assert again.json()["rejected"] == []
    assert central_totals(central, SITE) == after_first
    assert sorted(central_sale_ids(central, SITE)) == ids_first
    assert sale_ids(events) <= set(ids_first)


def test_batches_out_of_order_gap_refused_then_both_apply(central, branch):
    events = next_rows(central, branch, 20)
    first, second = events[:10], events[10:]
    hw = high_water(central, SITE)
    before = central_totals(central, SITE)

    early = push_raw(central.base, central.tokens[SITE], body(second))
    assert early.status_code == 409, early.text
    assert early.json()["error"]["code"] == "sync_gap"
    assert early.json()["high_water"] == hw
    assert central_totals(central, SITE) == before, "a batch past a gap must change nothing"

    ok = push_raw(central.base, central.tokens[SITE], body(first))
    assert ok.status_code == 200 and ok.json()["high_water"] == first[-1]["seq"], ok.text
    ok = push_raw(central.base, central.tokens[SITE], body(second))
    assert ok.status_code == 200 and ok.json()["high_water"] == second[-1]["seq"], ok.text
    assert sale_ids(events) <= set(central_sale_ids(central, SITE))
    seqs = [s for s, _, _ in applied_log(central, SITE)]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))

    # the earlier batch arriving late (a retry after its answer was lost) is acked, no more
    late = push_raw(central.base, central.tokens[SITE], body(first))
    assert late.status_code == 200, late.text
    assert sorted(late.json()["acked"]) == sorted(e["id"] for e in first)
    ids = central_sale_ids(central, SITE)
    assert len(ids) == len(set(ids))


def test_token_of_another_site_and_revoked_token_are_refused(central, branch):
    events = next_rows(central, branch, 3)
    before = central_totals(central, SITE)

    other = push_raw(central.base, central.tokens[OTHER], body(events, site=SITE))
    assert other.status_code == 403, other.text
    assert other.json()["error"]["code"] == "sync_site_mismatch"
    assert other.json()["error"]["message"]  # a reason, in Korean

    none = push_raw(central.base, None, body(events))
    assert none.status_code == 401, none.text

    central.revoke(OTHER)
    revoked = push_raw(central.base, central.tokens[OTHER], body(events, site=OTHER))
    assert revoked.status_code == 403, revoked.text
    assert central_totals(central, SITE) == before
    assert central_totals(central, OTHER)["sales"] == 0


def test_bad_events_rejected_with_reasons_and_nothing_else_lost(central, branch):
    events = next_rows(central, branch, 8)
    sales = [i for i, e in enumerate(events) if e["type"] == "sale.completed"]
    assert len(sales) >= 4
    bad = copy.deepcopy(events)
    malformed, unknown, future = sales[0], sales[1], sales[2]
    bad[malformed]["payload"].pop("lines")
    for line in bad[unknown]["payload"]["lines"]:
        line["product_uid"] = str(uuid.uuid4())
    bad[future]["schema"] = 99
    before_ids = set(central_sale_ids(central, SITE))

    r = push_raw(central.base, central.tokens[SITE], body(bad))
    assert r.status_code == 200, r.text
    out = r.json()
    codes = {x["id"]: x["error"]["code"] for x in out["rejected"]}
    assert codes == {
        bad[malformed]["id"]: "malformed",
        bad[unknown]["id"]: "unknown_product",
        bad[future]["id"]: "schema_unsupported",
    }
    assert all(x["error"]["message"] for x in out["rejected"])
    good = [e for i, e in enumerate(events) if i not in (malformed, unknown, future)]
    assert sorted(out["acked"]) == sorted(e["id"] for e in good)
    assert out["high_water"] == events[-1]["seq"], "rejected events count toward the mark"

    now = set(central_sale_ids(central, SITE))
    assert now - before_ids == sale_ids(good)
    reasons = central.query(
        "SELECT event_id, code FROM sync_rejections WHERE site_id = %s", central.site_id(SITE)
    )
    assert codes.items() <= {str(e): c for e, c in reasons}.items()

    # the next events of the site still apply after the rejected ones
    later = next_rows(central, branch, 3)
    r = push_raw(central.base, central.tokens[SITE], body(later))
    assert r.status_code == 200 and not r.json()["rejected"], r.text
    assert sale_ids(later) <= set(central_sale_ids(central, SITE))

"""POST /api/sync/push on central (PostgreSQL): each event of a real branch's outbox applies
once, whatever order and however often its batches arrive (issue 8 "Faults that must be
tested": the same batch twice, batches out of order, the dedup-off control run)."""

from __future__ import annotations

import pytest
from central_push_kit import (
    central_sales,
    issue_token,
    outbox,
    push,
    renumber,
    sell,
)

pytestmark = pytest.mark.postgres


def _sales(branch, count):
    ids = set(sell(branch, count))
    events = [ev for ev in outbox(branch) if ev["payload"].get("id") in ids]
    assert len(events) == count
    return renumber(events)


def test_each_sale_lands_once_and_the_same_batch_again_changes_nothing(central, branch):
    events = _sales(branch, 3)
    token = issue_token(central)
    before = central_sales(central)

    first = push(central, token, events, pending=0)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["acked"] == [ev["id"] for ev in events]
    assert body["rejected"] == []
    assert body["high_water"] == 3
    after_one = central_sales(central)
    assert after_one["sales"] - before["sales"] == 3
    assert after_one["facts"] - before["facts"] == 3
    price = events[0]["payload"]["total"]
    assert after_one["total"] - before["total"] == 3 * price

    again = push(central, token, events, pending=0)
    assert again.status_code == 200
    assert again.get_json() == body  # acked again, nothing rejected, same mark
    assert central_sales(central) == after_one


def test_batches_out_of_order_wait_for_the_missing_one(central, branch):
    events = _sales(branch, 6)
    token = issue_token(central)
    before = central_sales(central)
    early, middle, late = events[:2], events[2:4], events[4:]

    assert push(central, token, early).get_json()["high_water"] == 2
    gap = push(central, token, late)
    assert gap.status_code == 409
    answer = gap.get_json()
    assert answer["error"]["code"] == "sync_gap"
    assert answer["high_water"] == 2
    assert "2번까지" in answer["error"]["message"]
    assert central_sales(central)["sales"] - before["sales"] == 2  # nothing of the late batch

    filled = push(central, token, middle)
    assert filled.status_code == 200
    assert filled.get_json()["high_water"] == 4
    rest = push(central, token, late)
    assert rest.get_json()["acked"] == [ev["id"] for ev in late]
    assert rest.get_json()["high_water"] == 6
    assert central_sales(central)["sales"] - before["sales"] == 6


def test_a_batch_reaching_past_a_gap_applies_its_contiguous_start(central, branch):
    events = _sales(branch, 4)
    token = issue_token(central)
    resp = push(central, token, [events[0], events[1], events[3]])
    assert resp.status_code == 200
    assert resp.get_json()["acked"] == [events[0]["id"], events[1]["id"]]
    assert resp.get_json()["high_water"] == 2
    resp = push(central, token, events[2:])
    assert resp.get_json()["high_water"] == 4


def test_a_batch_in_any_order_inside_applies_in_seq_order(central, branch):
    events = _sales(branch, 3)
    token = issue_token(central)
    resp = push(central, token, list(reversed(events)))
    assert resp.status_code == 200
    assert sorted(resp.get_json()["acked"]) == sorted(ev["id"] for ev in events)
    assert resp.get_json()["high_water"] == 3


def test_control_run_without_dedup_counts_the_same_batch_twice(app_factory, branch):
    """With SYNC_DEDUP off (test-only) a re-sent batch applies again: the duplicates show, so
    the exactly-once tests above are known to bite."""
    central = app_factory("postgresql", POS_ROLE="central", SYNC_DEDUP=False)
    events = _sales(branch, 2)
    token = issue_token(central)
    before = central_sales(central)
    assert push(central, token, events).status_code == 200
    resp = push(central, token, events)
    assert resp.status_code == 200, resp.get_json()
    after = central_sales(central)
    assert after["sales"] - before["sales"] == 4  # doubled in the rollups


def test_the_same_batch_from_two_connections_at_once_lands_once(central, branch):
    """Two deliveries of one batch racing (a retry while the first is still in flight): the
    site's ledger row is locked, so the second waits and finds every event applied."""
    import threading

    events = _sales(branch, 41)
    token = issue_token(central)
    before = central_sales(central)
    assert push(central, token, events[:1]).status_code == 200  # the site's row exists
    events = events[1:]
    answers = []
    start = threading.Barrier(2)

    def deliver():
        start.wait()
        answers.append(push(central, token, events))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [a.status_code for a in answers] == [200, 200]
    for answer in answers:
        assert sorted(answer.get_json()["acked"]) == sorted(ev["id"] for ev in events)
        assert answer.get_json()["high_water"] == 41
    assert central_sales(central)["sales"] - before["sales"] == 41


def test_a_branch_holding_other_sites_events_names_the_seq_before(central, branch):
    """When a branch's outbox interleaves other sites' events (a transfer into a store room),
    its site's seqs have holes: ``after`` names the site's previous seq, so holes are no gap
    while a batch whose ``after`` central has not reached still is."""
    events = _sales(branch, 5)
    sparse = [{**ev, "seq": seq} for ev, seq in zip(events, (1, 3, 5, 8, 9), strict=True)]
    token = issue_token(central)
    first = push(central, token, sparse[:3], after=0)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["high_water"] == 5
    ahead = push(central, token, sparse[4:], after=8)
    assert ahead.status_code == 409
    assert ahead.get_json()["high_water"] == 5
    rest = push(central, token, sparse[3:], after=5)
    assert rest.get_json()["acked"] == [ev["id"] for ev in sparse[3:]]
    assert rest.get_json()["high_water"] == 9

"""A real branch `pos serve` pushing to a real central `pos serve` on PostgreSQL through a TCP
proxy that cuts the line, loses acknowledgements, and watches central get killed mid-batch.

After every fault, central's figures for the branch must equal the branch's own: each sale
arrives exactly once, in the branch's outbox order."""

from __future__ import annotations

import threading
import time

import pytest
from sync_live import (
    Proxy,
    applied_log,
    central_sale_ids,
    central_totals,
    high_water,
    pg_reachable,
    running_branch,
    running_central,
    wait_until,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not pg_reachable(), reason="PostgreSQL on 127.0.0.1:5432 is unreachable"),
]

SITE = "CAFE03"


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    with running_central(tmp_path_factory.mktemp("central")) as c:
        yield c


@pytest.fixture(scope="module")
def proxy(central):
    p = Proxy(central.port)
    yield p
    p.close()


@pytest.fixture(scope="module")
def branch(tmp_path_factory, central, proxy):
    token = central.token(SITE)
    with running_branch(tmp_path_factory.mktemp("branch"), SITE, proxy.url, token) as b:
        b.wait_synced(60)  # whatever `pos demo` left in the outbox goes first
        yield b


def assert_same(central, branch) -> None:
    """Central's rollups equal the branch's own tables, and each sale is there once."""
    own = branch.own_totals()
    there = central_totals(central, SITE)
    assert there == {k: own[k] for k in there}, (there, own)
    ids = central_sale_ids(central, SITE)
    assert len(ids) == len(set(ids)) == own["sales"]


def assert_in_order(central, branch) -> None:
    """Central applied exactly the branch's outbox seqs, never a later one before an earlier."""
    log = applied_log(central, SITE)
    seqs = [row[0] for row in branch.outbox()]
    assert [s for s, _, _ in log] == seqs
    assert [e for _, e, _ in log] == [row[1] for row in branch.outbox()]
    received = [at for _, _, at in log]
    assert received == sorted(received), "a later event was applied before an earlier one"
    assert high_water(central, SITE) == seqs[-1]


def test_offline_day_catches_up_by_itself_in_order(central, proxy, branch):
    proxy.set("refuse")
    before = central_totals(central, SITE)
    till = branch.till()
    sales = till.sell_many(300)
    for sale in sales[:6]:
        till.refund(sale)
    time.sleep(1.5)  # the worker has tried and backed off meanwhile
    assert branch.pending() >= 306
    assert central_totals(central, SITE) == before, "nothing can arrive while the line is down"

    proxy.set("pass")
    branch.wait_synced(90)
    assert_same(central, branch)
    assert_in_order(central, branch)


def test_lost_acknowledgement_retry_duplicates_nothing(central, proxy, branch):
    proxy.set("drop_response", drops=2)
    branch.till().sell_many(25)
    wait_until(lambda: proxy.dropped >= 2, 30, message="the proxy never dropped an answer")
    branch.wait_synced(60)
    assert proxy.dropped == 2
    assert_same(central, branch)
    assert_in_order(central, branch)


def test_central_killed_mid_batch_then_totals_match(central, proxy, branch):
    """SIGKILL while central's transaction for a 200-event batch has written rows."""
    killed = threading.Event()
    gate = threading.Lock()
    mid_transaction: list[bool] = []

    def kill_when_writing() -> None:
        if not gate.acquire(blocking=False):
            return  # one kill only
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if central.open_write_transactions():
                mid_transaction.append(True)
                break
            time.sleep(0.002)
        killed.set()
        central.kill()

    proxy.set("refuse")
    branch.till().sell_many(260)
    proxy.on_push = kill_when_writing
    proxy.set("pass")
    try:
        wait_until(killed.is_set, 30, message="the branch never pushed")
    finally:
        proxy.on_push = None
    assert mid_transaction, "central finished the batch before it could be killed mid-way"
    time.sleep(1)
    assert branch.pending() > 0
    central.start()
    branch.wait_synced(90)
    assert_same(central, branch)
    assert_in_order(central, branch)

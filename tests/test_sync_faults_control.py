"""The control run: the same lost acknowledgement as in test_sync_faults_live, against a central
with its de-duplication switched off (``SYNC_DEDUP = False`` in its instance config.py, a
test-only setting the environment cannot set). The retry must
then count the batch twice, so the fault tests are known to bite."""

from __future__ import annotations

import pytest
from sync_live import (
    Proxy,
    central_totals,
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


def test_without_dedup_a_lost_ack_counts_sales_twice(tmp_path):
    with running_central(tmp_path / "central", {"SYNC_DEDUP": False}) as central:
        proxy = Proxy(central.port)
        try:
            token = central.token(SITE)
            with running_branch(tmp_path / "branch", SITE, proxy.url, token) as branch:
                branch.wait_synced(60)
                baseline = central_totals(central, SITE)
                proxy.set("drop_response", drops=1)
                branch.till().sell_many(12)
                wait_until(lambda: proxy.dropped >= 1, 30, message="no answer was dropped")
                branch.wait_synced(60)
                own = branch.own_totals()
                there = central_totals(central, SITE)
        finally:
            proxy.close()
    assert own["sales"] == 12 + baseline["sales"]
    # the dropped batch was applied, then applied again by the retry
    assert there["sales"] > own["sales"], (there, own)
    assert there["total"] > own["total"], (there, own)

"""Two real branches sell (and refund) while syncing to a real central; the manager's report
figures on central (`GET /api/reports/revenue` and `/api/reports/vat`) must equal the sum of
each branch's own sales, refunds and VAT for the same days."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from sync_live import (
    BRANCHES,
    Proxy,
    manager_session,
    pg_reachable,
    running_branch,
    running_central,
    vendor_totals,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not pg_reachable(), reason="PostgreSQL on 127.0.0.1:5432 is unreachable"),
]

FIELDS = ("sales", "refunds", "total", "taxable", "vat", "exempt")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Central plus CAFE03 and CAFE07, each through its own proxy, after some trade."""
    with ExitStack() as stack:
        central = stack.enter_context(running_central(tmp_path_factory.mktemp("central")))
        branches = []
        for site in BRANCHES:
            proxy = Proxy(central.port)
            stack.callback(proxy.close)
            branch = stack.enter_context(
                running_branch(tmp_path_factory.mktemp(site), site, proxy.url, central.token(site))
            )
            branches.append(branch)
        for n, branch in enumerate(branches):
            till = branch.till()
            sales = till.sell_many(30 + 10 * n)
            for sale in sales[1 : 4 + n]:
                till.refund(sale)
        for branch in branches:
            branch.wait_synced(90)
        yield central, branches


def days_of(branches) -> tuple[str, str]:
    days = set()
    for b in branches:
        days |= {r[0] for r in b.sql("SELECT DISTINCT business_day FROM sales")}
        days |= {r[0] for r in b.sql("SELECT DISTINCT business_day FROM refunds")}
    return min(days), max(days)


def test_revenue_per_site_equals_each_branch_own_figures(store):
    central, branches = store
    first, last = days_of(branches)
    manager = manager_session(central.base)
    r = manager.get(
        central.base + "/api/reports/revenue", params={"from": first, "to": last}, timeout=30
    )
    assert r.status_code == 200, r.text
    per_site: dict[str, dict[str, int]] = {}
    for row in r.json()["rows"]:
        acc = per_site.setdefault(row["site"], dict.fromkeys(FIELDS, 0))
        for k in FIELDS:
            acc[k] += row[k]
    for branch in branches:
        own = branch.own_totals()
        assert own["refunds"] > 0
        assert per_site.get(branch.site) == {k: own[k] for k in FIELDS}, branch.site
        # taxable + vat + exempt = total, here as everywhere
        got = per_site[branch.site]
        assert got["taxable"] + got["vat"] + got["exempt"] == got["total"]


def test_vat_per_vendor_equals_the_branches_receipts(store):
    central, branches = store
    first, last = days_of(branches)
    manager = manager_session(central.base)
    expected: dict[str, dict[str, int]] = {}
    for branch in branches:
        for brn, v in vendor_totals(branch).items():
            acc = expected.setdefault(brn, dict.fromkeys(v, 0))
            for k in v:
                acc[k] += v[k]
    got: dict[str, dict[str, int]] = {}
    for month in sorted({first[:7], last[:7]}):
        r = manager.get(central.base + "/api/reports/vat", params={"month": month}, timeout=30)
        assert r.status_code == 200, r.text
        for row in r.json()["rows"]:
            acc = got.setdefault(
                row["brn"], dict.fromkeys(("total", "taxable", "vat", "exempt"), 0)
            )
            for k in acc:
                acc[k] += row[k]
    got = {brn: v for brn, v in got.items() if any(v.values())}
    assert got == expected

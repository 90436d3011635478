"""The ingest and reports benchmarks run end to end (``--quick``) and print their figures.
No timing is asserted: the figures are for the closing note and docs/scaling.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sync_live import pg_reachable

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not pg_reachable(), reason="PostgreSQL on 127.0.0.1:5432 is unreachable"),
]


def run_bench(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), "--quick", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{name}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def test_ingest_bench_quick_prints_push_and_copy_rates():
    out = run_bench("ingest.py")
    assert "POST /api/sync/push, batches of 200" in out
    assert "raw COPY into c_sales/_lines/_payments" in out
    assert "push / COPY:" in out and "push sales/s:" in out
    assert "FAILED batches" not in out


def test_reports_bench_quick_prints_every_dashboard_query():
    out = run_bench("reports.py")
    for query in ("revenue", "summary", "heatmap", "products", "payments", "vendors", "vat"):
        assert f"\n{query}" in out, query
    assert "slowest dashboard p99:" in out

"""`pos serve` runs the sync worker beside the print worker on a branch and neither on central
(real `pos serve` processes; their children are read from /proc); `pos sync run` refuses to
run on central."""

from __future__ import annotations

import time
from pathlib import Path

from live import LiveServer


def _children(pid: int) -> list[str]:
    """Command lines of a process's children."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            raw = Path(f"/proc/{child}/cmdline").read_bytes()
            out.append(" ".join(part.decode() for part in raw.split(b"\0") if part))
    return out


def test_a_branch_server_runs_the_print_and_sync_workers(tmp_path):
    live = LiveServer(tmp_path, "CAFE03")
    live.start()
    try:
        # the sync worker starts a few seconds after the web workers (the tablets come first)
        deadline = time.monotonic() + 45
        while True:
            children = _children(live.proc.pid)
            if any(c.endswith("sync run") for c in children) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        live.stop()
    assert any(c.endswith("print-worker") for c in children), children
    assert any(c.endswith("sync run") for c in children), children


def test_a_central_server_runs_neither(tmp_path, pg_url):
    live = LiveServer(tmp_path, "CAFE03", DATABASE_URL=pg_url, POS_ROLE="central")
    live.start()
    try:
        children = _children(live.proc.pid)
    finally:
        live.stop()
    assert not any(c.endswith("print-worker") or c.endswith("sync run") for c in children)


def test_sync_run_refuses_on_central(app_factory):
    app = app_factory("postgresql", POS_ROLE="central")
    result = app.test_cli_runner().invoke(args=["sync", "run"])
    assert result.exit_code == 1
    assert "매장 서버에서만" in result.output

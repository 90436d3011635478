"""``pos backup``: an online copy during an 8-tablet checkout storm holds every sale
acknowledged before it began and fails none; bad folders are refused; old copies rotate."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid

import requests
from live import LiveServer
from test_serve import login, sale_body

from pos.ops.backup import list_backups


class Tablet(threading.Thread):
    """Sells until told to stop; notes (sale id, status, when the answer came)."""

    def __init__(self, base: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.stop = base, stop
        self.http = login(base)
        self.body = sale_body(self.http, base)
        self.answers: list[tuple[str, int | None, float]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            body = {**self.body, "id": str(uuid.uuid4())}
            try:
                status = self.http.post(f"{self.base}/api/sales", json=body, timeout=30).status_code
            except requests.RequestException:
                status = None
            self.answers.append((body["id"], status, time.monotonic()))


def test_backup_during_checkout_storm(tmp_path):
    server = LiveServer(tmp_path / "instance")
    server.start()
    stop = threading.Event()
    tablets = [Tablet(server.base, stop) for _ in range(8)]
    try:
        for t in tablets:
            t.start()
        while sum(len(t.answers) for t in tablets) < 40:
            time.sleep(0.05)
        started = time.monotonic()
        done = server.pos("backup")
        finished = time.monotonic()
        while sum(1 for t in tablets for a in t.answers if a[2] > finished) < 16:
            time.sleep(0.05)  # the storm goes on after the copy, too
    finally:
        stop.set()
        for t in tablets:
            t.join(timeout=40)
        server.stop()
    assert done.returncode == 0, done.stderr
    copy = done.stdout.strip().splitlines()[-1]
    assert os.path.dirname(copy) == str(tmp_path / "instance" / "backups")
    name = os.path.basename(copy)
    assert name.startswith("pos-") and name.endswith(".sqlite3") and len(name) == 27
    answers = [a for t in tablets for a in t.answers]
    assert {status for _, status, _ in answers} == {201}, "a sale failed during the backup"
    during = [a for a in answers if started < a[2] < finished]
    before = {sid for sid, _, when in answers if when < started}
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        in_copy = {r[0] for r in conn.execute("SELECT id FROM sales")}
    assert before <= in_copy
    assert len(before) >= 40 and during is not None
    with sqlite3.connect(tmp_path / "instance" / "pos.sqlite3") as conn:
        in_db = {r[0] for r in conn.execute("SELECT id FROM sales")}
    assert {sid for sid, _, _ in answers} <= in_db and in_copy <= in_db


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_missing_and_read_only_folders_are_refused(sqlite_app, tmp_path):
    missing = tmp_path / "nowhere"
    result = run(sqlite_app, "backup", "--to", str(missing))
    assert (
        result.exit_code == 1 and "오류: 백업 폴더" in result.output and "없습니다" in result.output
    )
    assert not missing.exists()
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run(sqlite_app, "backup", "--to", str(locked))
        assert result.exit_code == 1 and "읽기 전용" in result.output
        assert os.listdir(locked) == []
    finally:
        locked.chmod(0o755)


def test_copies_rotate_to_backup_keep(app_factory, tmp_path):
    app = app_factory("sqlite", BACKUP_KEEP=2, BACKUP_DIR=str(tmp_path / "copies"))
    made = []
    for _ in range(3):
        result = run(app, "backup")
        assert result.exit_code == 0, result.output
        made.append(result.output.strip().splitlines()[-1])
    assert list_backups(str(tmp_path / "copies")) == made[1:]
    assert not os.path.exists(made[0])
    with sqlite3.connect(made[-1]) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] > 0


def test_daily_backup_time():
    from datetime import datetime

    from pos.ops.daily import next_run

    now = datetime(2026, 12, 2, 13, 5)
    assert next_run("03:00", now) == datetime(2026, 12, 3, 3, 0)
    assert next_run("14:30", now) == datetime(2026, 12, 2, 14, 30)
    assert next_run("13:05", now) == datetime(2026, 12, 3, 13, 5)
    assert next_run("off", now) is None and next_run("OFF", now) is None


def test_backup_gives_way_to_the_till_once():
    """``pos backup`` lowers its priority as it starts (before the app's imports) and again in
    the command: it ends at nice 10, never at the bottom nice 19 or with an error."""
    import subprocess
    import sys

    code = (
        "import os\n"
        "from pos.ops.backup import yield_to_sales\n"
        "start = os.getpriority(os.PRIO_PROCESS, 0)\n"
        "yield_to_sales(); yield_to_sales()\n"
        "print(start, os.getpriority(os.PRIO_PROCESS, 0))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    start, after = map(int, done.stdout.split())
    assert after == max(start, 10)

"""The backup nobody has to remember: ``pos serve`` copies the database at ``BACKUP_AT`` and
makes up a missed night soon after start; a copy of a database far larger than one backup step
finishes while another connection keeps writing (a stepped backup restarted on every write and
never finished on a busy till)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import datetime, timedelta

from live import LiveServer

from pos.ops.backup import copy_database, list_backups
from pos.ops.daily import checkpoint_in_background


def _wait_for_copies(folder, count: int, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list_backups(str(folder)) if folder.is_dir() else []
        if len(found) >= count:
            return found
        time.sleep(0.2)
    return list_backups(str(folder)) if folder.is_dir() else []


def _intact(path: str) -> bool:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_serve_backs_up_at_backup_at(tmp_path):
    """A copy from last night exists, so the worker waits for BACKUP_AT and copies then."""
    instance = tmp_path / "instance"
    server = LiveServer(instance)
    assert server.pos("backup").returncode == 0
    folder = instance / "backups"
    assert len(list_backups(str(folder))) == 1
    # far enough ahead that the server is up before it, even on a busy machine
    due = datetime.now().replace(microsecond=0) + timedelta(seconds=25)
    server.env["BACKUP_AT"] = due.strftime("%H:%M:%S")
    server.start()
    try:
        copies = _wait_for_copies(folder, 2, 90)
    finally:
        server.stop()
    assert len(copies) == 2, server.log_path.read_text()
    made = datetime.fromtimestamp(os.path.getmtime(copies[-1]))
    assert made >= due - timedelta(seconds=1), "the copy came before BACKUP_AT"
    assert _intact(copies[-1])
    assert "일일 백업" in server.log_path.read_text()


def test_serve_makes_up_a_missed_night(tmp_path):
    """No copy yet and BACKUP_AT hours away (the PC was off at 03:00): one comes soon."""
    instance = tmp_path / "instance"
    server = LiveServer(instance)
    server.env["BACKUP_AT"] = (datetime.now() - timedelta(hours=1)).strftime("%H:%M")
    server.start()
    try:
        copies = _wait_for_copies(instance / "backups", 1, 90)
    finally:
        server.stop()
    assert len(copies) == 1, server.log_path.read_text()
    assert _intact(copies[0])
    with sqlite3.connect(copies[0]) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] > 0


def test_copy_of_a_large_database_finishes_while_writes_go_on(tmp_path):
    source = str(tmp_path / "busy.sqlite3")
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO t (body) VALUES (?)", [("x" * 400,) for _ in range(60_000)])
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        conn = sqlite3.connect(source, timeout=15)
        while not stop.is_set():
            conn.execute("INSERT INTO t (body) VALUES ('y')")
            conn.commit()
            written.append(1)
            time.sleep(0.002)
        conn.close()

    target = str(tmp_path / "copy.sqlite3")
    done = threading.Event()
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        before = len(written)
        # 64 pages a step over a ~6,000-page file: about a hundred steps, writes between each
        copier = threading.Thread(
            target=lambda: (copy_database(source, target, pages=64, pause=0.002), done.set()),
            daemon=True,
        )
        copier.start()
        copier.join(timeout=120)
        after = len(written)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert done.is_set(), "the copy never finished while the writer went on"
    assert after > before, "nothing was written during the copy"
    assert _intact(target)
    with sqlite3.connect(target) as conn:
        rows = conn.execute("SELECT count(*) FROM t").fetchone()[0]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    # one snapshot: every row written before the copy began, none of the later ones torn
    assert 60_000 + before <= rows <= 60_000 + after
    assert mode == "delete" and not os.path.exists(target + "-wal")


def _wal_database(path) -> sqlite3.Connection:
    """A till's connection as ``pos serve``'s web workers make it: checkpoints left to others."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)")
    return conn


def test_the_daily_worker_copies_the_wal_into_the_database(tmp_path):
    """Sales commit into the WAL only; the worker's checkpoint carries them into the file."""
    path = tmp_path / "pos.sqlite3"
    till = _wal_database(path)
    till.executemany("INSERT INTO t (body) VALUES (randomblob(1000))", [()] * 3000)
    before = os.path.getsize(path)
    assert os.path.getsize(str(path) + "-wal") > 3_000_000, "the rows should wait in the WAL"
    stop = threading.Event()
    worker = threading.Thread(target=checkpoint_in_background, args=(str(path), stop, 0.05))
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while os.path.getsize(path) < before + 3_000_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        till.executemany("INSERT INTO t (body) VALUES (x'00')", [()] * 10)  # selling goes on
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()
    assert os.path.getsize(path) >= before + 3_000_000, "the WAL never reached the database"
    assert till.execute("SELECT count(*) FROM t").fetchone() == (3010,)
    till.close()
    assert _intact(str(path))


def test_the_checkpointer_never_makes_an_empty_database(tmp_path, capsys):
    """The database gone (a restore half-done by hand): no empty file appears in its place,
    the checkpointer says so once and keeps trying, and carries on once the file is back."""
    path = tmp_path / "gone.sqlite3"
    stop = threading.Event()
    worker = threading.Thread(target=checkpoint_in_background, args=(str(path), stop, 0.02))
    worker.start()
    try:
        time.sleep(0.3)  # several turns
        assert not path.exists()
        till = _wal_database(path)
        before = os.path.getsize(path)
        till.executemany("INSERT INTO t (body) VALUES (randomblob(1000))", [()] * 2000)
        deadline = time.monotonic() + 20
        while os.path.getsize(path) < before + 2_000_000 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()
    assert os.path.getsize(path) >= before + 2_000_000, "no checkpoint once the file was back"
    till.close()
    said = capsys.readouterr().err
    assert said.count("로그 파일을 데이터베이스에 옮기지 못했습니다") == 1, said

"""`pos restore` while a real `pos serve` uses the database is refused in Korean and changes
nothing (the server's daily-backup worker holds the serving lock); once the server has stopped,
the same restore goes through."""

from __future__ import annotations

import hashlib

from live import LiveServer


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_is_refused_while_pos_serve_runs(tmp_path):
    live = LiveServer(tmp_path / "inst")
    live.start()
    try:
        made = live.pos("backup")
        assert made.returncode == 0, made.stderr
        copy = made.stdout.strip().splitlines()[-1]
        database = live.instance / "pos.sqlite3"
        before = _digest(database)
        refused = live.pos("restore", copy)
        assert refused.returncode == 1
        assert "오류:" in refused.stderr and "서버(pos serve)" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert _digest(database) == before
    finally:
        live.stop()
    done = live.pos("restore", copy)
    assert done.returncode == 0, done.stdout + done.stderr

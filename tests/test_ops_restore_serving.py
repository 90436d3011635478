"""`pos restore` while a real `pos serve` uses the database is refused in Korean and changes
nothing (the server's daily-backup worker holds the serving lock); once the server has stopped,
the same restore goes through."""

from __future__ import annotations

import hashlib
import os
import sqlite3

from live import LiveServer


def _digest(path) -> tuple[int, str]:
    """The file (its inode: a restore puts another file in its place) and its sales, read
    through the WAL. Not the file's bytes, nor every table: the running server checkpoints the
    WAL into the file once a second and brings its report rollups up to date meanwhile."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT * FROM sales ORDER BY id").fetchall()
        lines = conn.execute("SELECT * FROM sale_lines ORDER BY id").fetchall()
    dump = repr((rows, lines)).encode()
    return os.stat(path).st_ino, hashlib.sha256(dump).hexdigest()


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
        # a restore keeps a copy of the database it replaces: none was made
        assert not list((live.instance / "backups").glob("*-before-restore*"))
    finally:
        live.stop()
    done = live.pos("restore", copy)
    assert done.returncode == 0, done.stdout + done.stderr

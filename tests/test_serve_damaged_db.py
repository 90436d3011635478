"""`pos serve` on a database with corrupted pages stops at once with exit 1 and a Korean message
naming `pos restore`, never a traceback and never a server that half works."""

from __future__ import annotations

import os
import subprocess

from live import ROOT, free_port, pos_command


def test_serve_refuses_a_damaged_database_in_korean(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POS_ROLE")}
    env.update(POS_INSTANCE=str(tmp_path), POS_SITE="CAFE03")
    run = dict(env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert subprocess.run(pos_command() + ["init"], **run).returncode == 0
    assert subprocess.run(pos_command() + ["demo"], **run).returncode == 0
    database = tmp_path / "pos.sqlite3"
    for extra in ("-wal", "-shm"):
        (tmp_path / f"pos.sqlite3{extra}").unlink(missing_ok=True)
    data = bytearray(database.read_bytes())
    page = 4096
    for n in range(2, min(12, len(data) // page)):  # garble the b-tree pages after the schema
        data[n * page : n * page + 200] = b"\xa5" * 200
    database.write_bytes(bytes(data))
    args = ["serve", "--host", "127.0.0.1", "--port", str(free_port())]
    done = subprocess.run(pos_command() + args, **run)
    assert done.returncode == 1
    assert "pos restore" in done.stderr and "오류:" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout

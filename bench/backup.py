"""Backup benchmark (issue 10): sale p50/p99 while ``pos backup`` copies a database of 200,000
sales, beside the same sales with no backup running, taking turns in the same run; and the
seconds a backup and a restore of that database take.

The demo instance sells a few real sales through ``pos serve``; they are then cloned in SQL
(new ids, numbers, receipt numbers and days, their lines and payments) up to ``--sales``. Each
turn runs the same number of sales from 2 clients, once quiet and once with backups running back
to back; a turn is long enough to span a whole backup (start, copy, check). Goal: p50 and p99
with a backup within 1.5x of without.

    .venv/bin/python bench/backup.py                  # 200,000 sales, a few minutes
    .venv/bin/python bench/backup.py --sales 20000    # quick

It never asserts on wall-clock time; it only reports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import threading
import time

from common import build_basket, fmt_table, login, percentile, run_clients, sale_call
from server import ROOT, Server, pos_command

TEMPLATES = 20


def _columns(conn, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def grow(db_path, sales: int) -> int:
    """Clone the real sales (with their lines and payments) until there are SALES of them."""
    conn = sqlite3.connect(db_path)
    have = conn.execute("SELECT count(*) FROM sales").fetchone()[0]
    want = max(0, sales - have)
    new_id = "printf('bench-%030d', seq.n)"
    made = {
        "id": new_id,
        "number": "100000 + seq.n",
        "business_day": "date(t.business_day, printf('-%d days', 1 + seq.n / 300))",
        "receipt_no": "printf('BENCH-%010d', seq.n)",
        "receipt_token": "printf('bench%027d', seq.n)",
    }
    # every piece of SQL below is made of this file's constants and numbers, never input
    seq = f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {want})"  # noqa: S608
    templates = (
        f"(SELECT *, (row_number() OVER (ORDER BY id)) % {TEMPLATES} AS k FROM sales "  # noqa: S608
        f"WHERE id NOT LIKE 'bench-%' LIMIT {TEMPLATES})"
    )
    cols = _columns(conn, "sales")
    picked = ", ".join(made.get(c, f"t.{c}") for c in cols)
    conn.execute(
        f"{seq} INSERT INTO sales ({', '.join(cols)}) SELECT {picked} "  # noqa: S608
        f"FROM seq JOIN {templates} t ON t.k = seq.n % {TEMPLATES}"
    )
    for table in ("sale_lines", "payments"):
        cols = [c for c in _columns(conn, table) if c != "id"]
        picked = ", ".join(new_id if c == "sale_id" else f"l.{c}" for c in cols)
        conn.execute(
            f"{seq} INSERT INTO {table} ({', '.join(cols)}) SELECT {picked} "  # noqa: S608
            f"FROM seq JOIN {templates} t ON t.k = seq.n % {TEMPLATES} "
            f"JOIN {table} l ON l.sale_id = t.id"
        )
    conn.commit()
    total = conn.execute("SELECT count(*) FROM sales").fetchone()[0]
    conn.close()
    return total


def pos(server: Server, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [pos_command(), *args], env=server.env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"pos {' '.join(args)}:\n{done.stdout}\n{done.stderr}")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=200_000, help="sales in the database")
    parser.add_argument(
        "--per-turn", type=int, default=600, help="sales timed per turn (a whole backup or more)"
    )
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()

    server = Server(threads=2, keep=True)
    server.prepare()
    db_path = server.instance / "pos.sqlite3"
    try:
        server.start()
        sessions = [login(server.base) for _ in range(2)]
        lines, total = build_basket(sessions[0], server.base)
        call = sale_call(server.base, lines, total)
        run_clients("seed", 2, TEMPLATES, sessions, call)
        server.stop()
        count = grow(db_path, args.sales)
        os.sync()  # the grown file on disk now, not written back in the middle of a turn
        size_mb = db_path.stat().st_size / 1e6
        print(f"database: {count:,} sales, {size_mb:.0f} MB", flush=True)

        server.start()
        sessions = [login(server.base) for _ in range(2)]
        run_clients("warm", 2, 20, sessions, call)
        quiet: list[float] = []
        busy: list[float] = []
        backups: list[float] = []
        results = []
        for _ in range(args.turns):
            results.append(run_clients("sale", 2, args.per_turn, sessions, call, samples=quiet))
            stop = threading.Event()

            def back_up(stop: threading.Event = stop) -> None:
                while not stop.is_set():
                    t0 = time.perf_counter()
                    pos(server, "backup")
                    backups.append(time.perf_counter() - t0)

            worker = threading.Thread(target=back_up, daemon=True)
            worker.start()
            time.sleep(0.3)  # the copy is under way before the first timed sale
            results.append(
                run_clients("sale during backup", 2, args.per_turn, sessions, call, samples=busy)
            )
            stop.set()
            worker.join()
        server.stop()
        copies = sorted((server.instance / "backups").glob("pos-*.sqlite3"))
        t0 = time.perf_counter()
        pos(server, "restore", str(copies[-1]))
        restore_s = time.perf_counter() - t0
    finally:
        server.stop()
        shutil.rmtree(server.instance, ignore_errors=True)

    print(fmt_table(results))
    quiet.sort()
    busy.sort()
    for pct in (50, 99):
        q, b = percentile(quiet, pct) * 1000, percentile(busy, pct) * 1000
        print(f"sale p{pct}: without backup {q:.1f} ms, during backup {b:.1f} ms, {b / q:.2f}x")
    print(
        f"backup of {count:,} sales ({size_mb:.0f} MB): {min(backups):.1f}-{max(backups):.1f} s"
        f" over {len(backups)} copies; restore {restore_s:.1f} s  (goal: sale within 1.5x)"
    )


if __name__ == "__main__":
    main()

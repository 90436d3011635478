"""Checkout benchmark: ``POST /api/sales`` against a running ``pos serve``.

One run measures, against a fresh demo database each time a server starts:

* ``GET /api/health`` (bare JSON endpoint of the same server) and ``POST /api/sales`` with three
  lines, each from 1 and from 8 concurrent clients (one ``requests.Session`` per client thread,
  each logged in on its own);
* one client's sales while 8 connections trickle their headers or bodies, and during a 16-thread
  anonymous log-in flood, each as a ratio to quiet one-client sales measured in turns with it
  (issue 5);
* a second server with ``SQLITE_SYNCHRONOUS=NORMAL`` beside the first (``FULL``), the two
  taking turns: the cost of surviving a power cut, as ratios of sale p50 and throughput;
* a raw SQLite insert of the same rows (1 sale, 3 lines, 1 payment, 1 outbox row per sale, one
  transaction per sale) with FULL and with NORMAL;

and prints a table with sales/s, p50/p99 latency and the ratios against those baselines.
Goals: sale p50 within 3x the bare endpoint and at least 200 sales/s from 8 clients (issue 2);
sale p50 and p99 during the log-in flood within 1.5x quiet (issue 5).

Run from the repository root::

    .venv/bin/python bench/checkout.py            # about three minutes
    .venv/bin/python bench/checkout.py --quick    # about a minute
    .venv/bin/python bench/checkout.py --json out.json

It never asserts on wall-clock time; it only reports.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from common import (
    Result,
    build_basket,
    fmt_table,
    health_call,
    login,
    run_clients,
    sale_call,
    summarise,
)
from rawsqlite import raw_sqlite
from report import print_report
from server import Server, synchronous_setting
from stress import LoginFlood, Tricklers

SALE = "POST /api/sales (3 lines)"
FLOOD = "sale, 16-thread log-in flood"
SLOW = "sale, 8 trickling clients"
NORMAL = "sale, synchronous=NORMAL"
QUIET_FLOOD = "sale, quiet (in turns with flood)"
QUIET_SLOW = "sale, quiet (in turns w. trickle)"
FULL_TURNS = "sale, FULL (in turns w. NORMAL)"


class Target:
    """A started server with its logged-in client sessions and the sale and health calls."""

    def __init__(self, server: Server, clients: int, warmup: int):
        self.server = server
        self.sessions = [login(server.base) for _ in range(clients)]
        self.lines, self.total = build_basket(self.sessions[0], server.base)
        self.health = health_call(server.base)
        self.sale = sale_call(server.base, self.lines, self.total)
        # a stalled sale under load gives up after 10 s and counts as an error
        self.stressed = sale_call(server.base, self.lines, self.total, timeout=10)
        warm_up(self.sessions, self.health, self.sale, warmup)


def measure(args, n1: int, n8: int, n_stress: int, results: list[Result]) -> dict:
    """The main server (synchronous=FULL) and, beside it, the same with NORMAL: quiet figures,
    FULL and NORMAL in turns, then slow clients and the log-in flood on the main server."""
    full = Server(threads=args.threads, port=args.port, keep=args.keep, workers=args.workers)
    full.env["SQLITE_SYNCHRONOUS"] = "FULL"
    normal = None
    if not args.no_normal:
        normal = Server(threads=args.threads, keep=args.keep, workers=args.workers)
        normal.env["SQLITE_SYNCHRONOUS"] = "NORMAL"
    notes = {}
    try:
        for server in filter(None, (full, normal)):
            print(f"preparing demo database in {server.instance} ...", flush=True)
            server.prepare()
            notes[f"synchronous_{server.env['SQLITE_SYNCHRONOUS'].lower()}"] = synchronous_setting(
                server
            )
            server.start()
        print(f"pos serve --workers {args.workers} --threads {args.threads} on {full.base}")
        main = Target(full, args.clients, args.warmup)
        notes["lines"], notes["total"] = main.lines, main.total
        for clients, n in ((1, n1), (args.clients, n8)):
            print(f"measuring {clients} client(s) ...", flush=True)
            results.append(run_clients("GET /api/health", clients, n, main.sessions, main.health))
            results.append(run_clients(SALE, clients, n, main.sessions, main.sale))
        if normal is not None:
            print("measuring synchronous=FULL and NORMAL in turns ...", flush=True)
            other = Target(normal, args.clients, args.warmup)
            for clients, n in ((1, n1), (args.clients, n8)):
                results += take_turns(
                    (FULL_TURNS, (main.sessions, main.sale)),
                    (NORMAL, (other.sessions, other.sale)),
                    clients,
                    n,
                )
        measure_loads(args, main, n_stress, results, notes)
    finally:
        for server in filter(None, (full, normal)):
            server.stop()
    return notes


def take_turns(a, b, clients: int, n: int, blocks: int = 4) -> list[Result]:
    """``n`` sales against each of two servers in ``blocks`` turns, each side pooled."""
    pooled = {a[0]: [], b[0]: []}
    took = {a[0]: 0.0, b[0]: 0.0}
    errors = {a[0]: 0, b[0]: 0}
    for _ in range(blocks):
        for name, (sessions, call) in (a, b):
            r = run_clients(name, clients, n // blocks, sessions, call, samples=pooled[name])
            took[name] += r.seconds
            errors[name] += r.errors
    return [summarise(name, clients, pooled[name], took[name], errors[name]) for name in pooled]


def measure_loads(args, main: Target, n_stress: int, results: list[Result], notes: dict) -> None:
    """Quiet and loaded sales take turns, so drift on a busy machine hits both alike; the flood
    goes last because log-ins it leaves queued take a while to drain."""
    port, base = main.server.port, main.server.base
    print(f"measuring sales while 8 clients trickle (<= {args.stress_seconds} s) ...")
    quiet, slow, loads = alternate(
        (QUIET_SLOW, SLOW),
        lambda: Tricklers("127.0.0.1", port, headers=4, bodies=4),
        n_stress,
        main.sessions,
        main.stressed,
        args.stress_seconds,
    )
    results += [quiet, slow]
    notes["slow"] = (
        f"8 trickling connections, {sum(t.sent for t in loads)} chunks sent, "
        f"{sum(t.reconnects for t in loads)} reopened after the server closed them"
    )
    print(f"measuring sales during a 16-thread log-in flood (<= {args.stress_seconds} s) ...")
    quiet, flood, loads = alternate(
        (QUIET_FLOOD, FLOOD),
        lambda: LoginFlood(base, 16, max_seconds=args.stress_seconds),
        n_stress,
        main.sessions,
        main.stressed,
        args.stress_seconds,
    )
    results += [quiet, flood]
    statuses = sum((f.statuses for f in loads), collections.Counter())
    notes["flood"] = f"{sum(statuses.values())} flood log-ins ({dict(sorted(statuses.items()))})"


def alternate(names, load, n: int, sessions, call, max_seconds: float, blocks: int = 4):
    """``n`` quiet sales and ``n`` under ``load()`` in ``blocks`` turns (quiet, loaded, quiet,
    …), each side pooled into one result; also the loads, for their summaries."""
    quiet, loaded, loads = [], [], []
    took = [0.0, 0.0]
    errors = [0, 0]
    for _ in range(blocks):
        r = run_clients(names[0], 1, n // blocks, sessions, call, samples=quiet)
        took[0] += r.seconds
        errors[0] += r.errors
        with load() as running:
            r = run_clients(
                names[1], 1, n // blocks, sessions, call, max_seconds / blocks, samples=loaded
            )
        took[1] += r.seconds
        errors[1] += r.errors
        loads.append(running)
    return (
        summarise(names[0], 1, quiet, took[0], errors[0]),
        summarise(names[1], 1, loaded, took[1], errors[1]),
        loads,
    )


def warm_up(sessions, health, sale, count: int) -> None:
    """Connections, SQLAlchemy caches, SQLite pages, every session once."""
    many = len(sessions)
    run_clients("warm-up health", many, max(count, many), sessions, health)
    run_clients("warm-up sale", many, max(count, many), sessions, sale)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer sales: 100 + 200, 50 stressed")
    ap.add_argument("--sales-1", type=int, help="sales from 1 client (default 400, quick 100)")
    ap.add_argument("--sales-8", type=int, help="sales from 8 clients (default 800, quick 200)")
    ap.add_argument("--sales-stressed", type=int, help="sales under each load (200, quick 50)")
    ap.add_argument("--stress-seconds", type=int, default=45, help="bound on each load (45)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    ap.add_argument("--threads", type=int, default=2, help="pos serve --threads (default 2)")
    ap.add_argument("--workers", type=int, default=2, help="pos serve --workers (default 2)")
    ap.add_argument("--port", type=int, help="port for pos serve (default: a free one)")
    ap.add_argument("--warmup", type=int, default=50, help="warm-up sales and pings (default 50)")
    ap.add_argument("--no-normal", action="store_true", help="skip the synchronous=NORMAL run")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary instance folders")
    args = ap.parse_args(argv)

    n1 = args.sales_1 or (100 if args.quick else 400)
    n8 = args.sales_8 or (200 if args.quick else 800)
    n_stress = args.sales_stressed or (50 if args.quick else 200)
    started = time.perf_counter()
    results: list[Result] = []
    notes = measure(args, n1, n8, n_stress, results)

    raw_dir = Path(tempfile.mkdtemp(prefix="pos-bench-raw-"))
    try:
        for mode in ("FULL", "NORMAL"):
            results.append(raw_sqlite(n1 + n8, notes["lines"], notes["total"], raw_dir, mode))
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)

    print()
    print(
        f"꿈이든 POS checkout benchmark  ({os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"pos serve (hypercorn) workers={args.workers} threads={args.threads}, "
        f"{time.perf_counter() - started:.0f} s)"
    )
    print(fmt_table(results))
    summary = print_report(results, notes, args.clients)

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version,
                    "server_workers": args.workers,
                    "server_threads": args.threads,
                    "results": [asdict(r) for r in results],
                    **summary,
                    "notes": {k: v for k, v in notes.items() if k not in ("lines", "total")},
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

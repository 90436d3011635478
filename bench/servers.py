"""Which production server for ``pos serve``? The same app and demo data behind each candidate,
measured quiet and while slow clients trickle their requests (DESIGN §2, issue 5 item 4).

The candidates other than the chosen one are not dependencies of the project; install them
into the virtualenv first::

    .venv/bin/pip install waitress uvicorn a2wsgi gevent
    .venv/bin/python bench/servers.py [--quick] [--only hypercorn,waitress]

Every candidate gets two processes where it can have them (one per core) and four request
threads in all. It never asserts on wall-clock time; it only reports.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import build_basket, fmt_table, health_call, login, run_clients, sale_call
from server import Server
from stress import LoginFlood, Tricklers

BIN = Path(sys.executable).parent
APP = "pos:create_app()"

#: name -> (command, can it serve TLS itself, note)
CANDIDATES: dict[str, tuple[list[str] | None, bool, str]] = {
    "pos serve (hypercorn)": (None, True, "2 processes x 2 threads, asyncio HTTP parsing"),
    "gunicorn gthread": (
        [str(BIN / "gunicorn"), "-k", "gthread", "-w", "2", "--threads", "2"]
        + ["-b", "127.0.0.1:{port}", APP],
        True,
        "the old pos serve: 2 processes x 2 threads",
    ),
    "gunicorn gevent": (
        [str(BIN / "gunicorn"), "-k", "gevent", "-w", "2", "-b", "127.0.0.1:{port}", APP],
        True,
        "2 processes, monkeypatched greenlets",
    ),
    "waitress": (
        [str(BIN / "waitress-serve"), "--threads=4", "--listen=127.0.0.1:{port}"]
        + ["--call", "pos:create_app"],
        False,
        "1 process x 4 threads (waitress has no worker processes)",
    ),
    "uvicorn + a2wsgi": (
        [str(BIN / "uvicorn"), "--factory", "--workers", "2", "--port", "{port}"]
        + ["--no-access-log", "--app-dir", str(Path(__file__).parent), "servers_asgi:a2wsgi_app"],
        True,
        "2 processes x 2 threads",
    ),
}


def measure(name: str, command, n1: int, n8: int, n_slow: int, slow: tuple[int, int]) -> list:
    server = Server(threads=2, workers=2, command=command)
    results = []
    try:
        server.prepare()
        server.start()
        sessions = [login(server.base) for _ in range(8)]
        lines, total = build_basket(sessions[0], server.base)
        health, sale = health_call(server.base), sale_call(server.base, lines, total)
        run_clients("warm-up", 8, 48, sessions, health)
        run_clients("warm-up", 8, 48, sessions, sale)
        for clients, n in ((1, n1), (8, n8)):
            results.append(run_clients(f"{name}: health", clients, n, sessions, health))
            results.append(run_clients(f"{name}: sale", clients, n, sessions, sale))
        with Tricklers("127.0.0.1", server.port, headers=slow[0], bodies=slow[1]) as trick:
            slow_sale = sale_call(server.base, lines, total, timeout=10)
            res = run_clients(f"{name}: sale, slow clients", 1, n_slow, sessions, slow_sale, 60)
        results.append(res)
        print(f"  {name}: {trick.summary()}", flush=True)
        with LoginFlood(server.base, 16, max_seconds=60) as flood:
            res = run_clients(f"{name}: sale, log-in flood", 1, n_slow, sessions, slow_sale, 30)
        results.append(res)
        print(f"  {name}: {flood.summary()}", flush=True)
    except Exception as exc:  # a candidate that cannot start is a finding, not a crash
        print(f"  {name}: FAILED {exc!r}"[:400], flush=True)
    finally:
        server.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", help="comma-separated names (substring match)")
    ap.add_argument("--slow-headers", type=int, default=4)
    ap.add_argument("--slow-bodies", type=int, default=4)
    args = ap.parse_args(argv)
    n1, n8, n_slow = (100, 200, 30) if args.quick else (300, 600, 60)
    started = time.perf_counter()
    table = []
    for name, (command, _tls, note) in CANDIDATES.items():
        if args.only and not any(w in name for w in args.only.split(",")):
            continue
        print(f"{name} ({note}) ...", flush=True)
        table += measure(name, command, n1, n8, n_slow, (args.slow_headers, args.slow_bodies))
    print(f"\nserver comparison ({time.perf_counter() - started:.0f} s)")
    print(fmt_table(table))
    tls = ", ".join(f"{n}: {'yes' if c[1] else 'no'}" for n, c in CANDIDATES.items())
    print(f"\nserves TLS itself: {tls}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
import statistics
import sys
import time
from pathlib import Path

from common import Result, build_basket, fmt_table, health_call, login, run_clients, sale_call
from server import Server
from stress import LoginFlood, Tricklers

BIN = Path(sys.executable).parent
APP = "pos:create_app()"

#: name -> (command, can it serve TLS itself, note)
CANDIDATES: dict[str, tuple[list[str] | None, bool, str]] = {
    "pos serve (hypercorn)": (None, True, "2 processes x 2 threads, HTTP parsed in uvloop"),
    "pos serve (hypercorn, asyncio loop)": (
        ["env", "POS_SERVE_LOOP=asyncio", str(BIN / "pos"), "serve", "--host", "127.0.0.1"]
        + ["--port", "{port}"],
        True,
        "the same without uvloop",
    ),
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


def measure(name: str, command, sizes: tuple[int, int, int], args) -> list[Result]:
    n1, n8, n_slow = sizes
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
        slow_sale = sale_call(server.base, lines, total, timeout=10)
        trickle = Tricklers("127.0.0.1", server.port, args.slow_headers, args.slow_bodies)
        with trickle:
            res = run_clients(f"{name}: sale, slow clients", 1, n_slow, sessions, slow_sale, 60)
        results.append(res)
        print(f"  {name}: {trickle.summary()}", flush=True)
        if args.flood:
            with LoginFlood(server.base, 16, max_seconds=60) as flood:
                res = run_clients(f"{name}: sale, log-in flood", 1, n_slow, sessions, slow_sale, 30)
            results.append(res)
            print(f"  {name}: {flood.summary()}", flush=True)
    except Exception as exc:  # a candidate that cannot start is a finding, not a crash
        print(f"  {name}: FAILED {exc!r}"[:400], flush=True)
    finally:
        server.stop()
    return results


def medians(rounds: list[list[Result]]) -> list[Result]:
    """Per measurement, the median of the rounds' figures (errors and counts summed)."""
    groups: dict[tuple[str, int], list[Result]] = {}
    for r in (r for rnd in rounds for r in rnd):
        groups.setdefault((r.name, r.clients), []).append(r)
    out = []
    for (name, clients), rs in groups.items():

        def med(field: str, rs=rs) -> float:
            return statistics.median(getattr(r, field) for r in rs)

        out.append(
            Result(
                name=name,
                clients=clients,
                requests=sum(r.requests for r in rs),
                seconds=sum(r.seconds for r in rs),
                per_second=med("per_second"),
                p50_ms=med("p50_ms"),
                p99_ms=med("p99_ms"),
                mean_ms=med("mean_ms"),
                errors=sum(r.errors for r in rs),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", help="comma-separated names (substring match)")
    ap.add_argument("--rounds", type=int, default=1, help="candidates take turns; medians")
    ap.add_argument("--flood", action="store_true", help="also sales during a log-in flood")
    ap.add_argument("--slow-headers", type=int, default=4)
    ap.add_argument("--slow-bodies", type=int, default=4)
    args = ap.parse_args(argv)
    sizes = (100, 200, 30) if args.quick else (300, 600, 60)
    started = time.perf_counter()
    chosen = {
        name: c
        for name, c in CANDIDATES.items()
        if not args.only or any(w in name for w in args.only.split(","))
    }
    rounds: list[list[Result]] = []
    for i in range(args.rounds):
        results = []
        names = list(chosen)
        for name in names[i % len(names) :] + names[: i % len(names)]:  # each goes first once
            command, _tls, note = chosen[name]
            print(f"round {i + 1}: {name} ({note}) ...", flush=True)
            results += measure(name, command, sizes, args)
        rounds.append(results)
        if args.rounds > 1:
            print(fmt_table(results), flush=True)
    took = time.perf_counter() - started
    print(f"\nserver comparison, median of {args.rounds} round(s) ({took:.0f} s)")
    print(fmt_table(medians(rounds)))
    tls = ", ".join(f"{n}: {'yes' if c[1] else 'no'}" for n, c in chosen.items())
    print(f"\nserves TLS itself: {tls}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fair board benchmark: ``GET /api/fairs/CODE/board`` with 30 vendors × 50 products and 20,000
sales, beside the bare endpoint (``GET /api/health``) of the same server in the same run.

A throw-away demo instance gets a fair BENCH (30 vendors, 1,500 stock-tracked products, all
checked in) and 20,000 sales of 1–3 lines spread over the fair day (``fair_board_setup.py``,
Core bulk inserts, setup only; the server under test is the ordinary ``pos serve``). Then, with one
client, in alternating blocks:

* ``GET /api/health`` — the bare endpoint;
* ``GET board`` — the organiser's poll while nothing changes (the answer is reused until a
  sale, a stock move or the catalog changes; the fingerprint is still read every time);
* ``GET board after a sale`` — a sale is placed before each poll, so every poll rebuilds the
  board from the 20,000 sales (the figure that grows with the fair).

It prints p50/p99 and the ratios to the bare endpoint (issue 6 goal: board p50 ≤ 3× bare).
Never asserts on time. Run from the repository root::

    .venv/bin/python bench/fair_board.py            # about a minute
    .venv/bin/python bench/fair_board.py --quick
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from common import print_against_bare, summarise
from fair_board_setup import CODE
from server import ROOT, Server


def timed(session: requests.Session, method: str, url: str, **kw) -> tuple[float, bool, str]:
    t0 = time.perf_counter()
    r = session.request(method, url, timeout=60, **kw)
    return time.perf_counter() - t0, r.ok, f"{r.status_code} {r.text[:120]}"


def measure(args) -> None:
    server = Server(threads=args.threads, workers=args.workers, env={"POS_SITE": CODE})
    try:
        print(f"preparing demo database in {server.instance} ...", flush=True)
        server.prepare()
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("fair_board_setup.py"))],
            env=server.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        print(done.stdout.strip(), f"(setup {time.perf_counter() - t0:.1f} s)")
        server.start()
        s = requests.Session()
        r = s.post(
            server.base + "/api/login",
            json={"username": "admin", "password": "admin1234"},
            timeout=10,
        )
        r.raise_for_status()
        s.headers["X-CSRFToken"] = r.json()["csrf_token"]
        health, board = server.base + "/api/health", f"{server.base}/api/fairs/{CODE}/board"
        first = s.get(board, timeout=60)
        size = len(first.content)
        body = first.json()
        products = sum(len(v["products"]) for v in body["vendors"])
        print(
            f"board: {len(body['vendors'])} vendors, {products} products, "
            f"{body['sales']} sales, {size / 1024:.0f} KiB"
        )
        item = body["vendors"][0]["products"][0]
        price = 0
        for p in s.get(server.base + "/api/catalog", timeout=60).json()["products"]:
            if p["id"] == item["product_id"]:
                price = p["price"]
        sale_url = server.base + "/api/sales"
        for _ in range(args.warmup):
            s.get(health)
            s.get(board)
        lat: dict[str, list[float]] = {
            "GET /api/health": [],
            "GET board": [],
            "GET board after a sale": [],
        }
        errors = dict.fromkeys(lat, 0)
        took = dict.fromkeys(lat, 0.0)
        blocks = 5
        miss = "GET board after a sale"
        for _ in range(blocks):
            for name in lat:
                t_block = time.perf_counter()
                # after a sale only the poll is timed (the sale itself is not)
                for _ in range((args.n_miss if name == miss else args.n) // blocks):
                    if name == miss:
                        sale = {
                            "id": str(uuid.uuid4()),
                            "lines": [{"product_id": item["product_id"], "qty": 1, "options": []}],
                            "payments": [{"method": "cash", "amount": price}],
                        }
                        rs = s.post(sale_url, json=sale, timeout=60)
                        if rs.status_code != 201:
                            errors[name] += 1
                        dt, ok, _detail = timed(s, "GET", board)
                    else:
                        url = health if name == "GET /api/health" else board
                        dt, ok, _detail = timed(s, "GET", url)
                    lat[name].append(dt)
                    errors[name] += not ok
                took[name] += time.perf_counter() - t_block
        print_against_bare([summarise(n, 1, lat[n], took[n], errors[n]) for n in lat])
        print("goal (issue 6): board p50 <= 3x the bare endpoint")
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    args.n, args.n_miss, args.warmup = (200, 50, 20) if args.quick else (1000, 200, 50)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    measure(args)


if __name__ == "__main__":
    main()

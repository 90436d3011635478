"""Checkout benchmark: ``POST /api/sales`` against a running ``pos serve``.

One run measures, against a fresh demo database:

* ``GET /api/health`` (bare JSON endpoint of the same server) and ``POST /api/sales`` with three
  lines, each from 1 and from 8 concurrent clients (one ``requests.Session`` per client thread,
  each logged in on its own);
* a raw SQLite insert of the same rows (1 sale, 3 lines, 1 payment, 1 outbox row per sale, one
  transaction per sale, WAL + synchronous=NORMAL like the app);

and prints a table with sales/s, p50/p99 latency and the ratios against those baselines.
Goal (issue 2): sale p50 within 3x the bare endpoint, and at least 200 sales/s from 8 clients.

Run from the repository root::

    .venv/bin/python bench/checkout.py            # 400 + 800 sales, about a minute
    .venv/bin/python bench/checkout.py --quick    # 100 + 200 sales
    .venv/bin/python bench/checkout.py --json out.json

It never asserts on wall-clock time; it only reports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SITE = "CAFE03"
USERNAME = "cashier3"
PIN = "1234"

#: Three made-to-order lines (no stock tracking, so the benchmark never sells out):
#: (product name, option names to choose, qty)
BASKET = [
    ("아메리카노", ["HOT"], 1),
    ("카페라떼", ["ICE"], 1),
    ("레몬에이드", [], 1),
]


# --------------------------------------------------------------------------------------------
# measurement helpers


@dataclass
class Result:
    name: str
    clients: int
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    errors: int


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def summarise(
    name: str, clients: int, latencies: list[float], seconds: float, errors: int
) -> Result:
    lat = sorted(latencies)
    n = len(lat)
    return Result(
        name=name,
        clients=clients,
        requests=n,
        seconds=seconds,
        per_second=n / seconds if seconds > 0 else float("nan"),
        p50_ms=percentile(lat, 50) * 1000,
        p99_ms=percentile(lat, 99) * 1000,
        mean_ms=(sum(lat) / n * 1000) if n else float("nan"),
        errors=errors,
    )


# --------------------------------------------------------------------------------------------
# the server under test


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pos_command() -> str:
    """The ``pos`` console script of the interpreter running this benchmark."""
    candidate = Path(sys.executable).parent / "pos"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("pos")
    if found:
        return found
    sys.exit(f"pos console script not found next to {sys.executable}; pip install -e . first")


class Server:
    """``pos init`` + ``pos demo`` into a temporary instance, then ``pos serve`` in a subprocess."""

    def __init__(self, threads: int, port: int | None, keep: bool, workers: int = 2):
        self.threads = threads
        self.workers = workers
        self.port = port or free_port()
        self.keep = keep
        self.instance = Path(tempfile.mkdtemp(prefix="pos-bench-"))
        self.env = {
            **os.environ,
            "POS_INSTANCE": str(self.instance),
            "POS_SITE": SITE,
            "PYTHONUNBUFFERED": "1",
        }
        # no printer, no central store: the benchmark measures checkout only
        for key in ("DATABASE_URL", "PRINTER_URL", "CENTRAL_URL", "RECEIPT_BASE_URL", "POS_ROLE"):
            self.env.pop(key, None)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.instance / "serve.log"
        self._log = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self) -> None:
        pos = pos_command()
        for args in (["init"], ["demo"]):
            done = subprocess.run(
                [pos, *args], env=self.env, cwd=ROOT, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"pos {args[0]} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [
                pos_command(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--threads",
                str(self.threads),
                "--workers",
                str(self.workers),
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pos serve exited early:\n{self.log_path.read_text()}")
            try:
                if requests.get(self.base + "/api/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"pos serve did not answer within 30 s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()
        if not self.keep:
            shutil.rmtree(self.instance, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# clients


def login(base: str) -> requests.Session:
    s = requests.Session()
    r = s.post(base + "/api/login", json={"username": USERNAME, "pin": PIN}, timeout=10)
    r.raise_for_status()
    s.headers["X-CSRFToken"] = r.json()["csrf_token"]
    return s


def build_basket(session: requests.Session, base: str) -> tuple[list[dict], int]:
    """Sale lines and the total, priced from the catalog (price + option deltas)."""
    r = session.get(base + "/api/catalog", timeout=10)
    r.raise_for_status()
    products = {p["name"]: p for p in r.json()["products"]}
    lines, total = [], 0
    for name, option_names, qty in BASKET:
        p = products.get(name)
        if p is None:
            raise RuntimeError(f"demo product {name!r} not in catalog")
        if p.get("track_stock"):
            raise RuntimeError(f"{name} tracks stock; the benchmark needs made-to-order items")
        options = {o["name"]: o for g in p["option_groups"] for o in g["options"]}
        chosen = [options[o] for o in option_names]
        lines.append({"product_id": p["id"], "qty": qty, "options": [o["id"] for o in chosen]})
        total += (p["price"] + sum(o["price_delta"] for o in chosen)) * qty
    return lines, total


def run_clients(
    name: str,
    clients: int,
    total_requests: int,
    sessions: list[requests.Session],
    call,
) -> Result:
    """Split ``total_requests`` over ``clients`` threads; each thread owns one session."""
    per_client = [total_requests // clients] * clients
    for i in range(total_requests % clients):
        per_client[i] += 1
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    first_error: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def worker(i: int) -> None:
        s = sessions[i]
        out = latencies[i]
        barrier.wait()
        for _ in range(per_client[i]):
            t0 = time.perf_counter()
            try:
                ok, detail = call(s)
            except requests.RequestException as exc:
                ok, detail = False, repr(exc)
            out.append(time.perf_counter() - t0)
            if not ok:
                errors[i] += 1
                if not first_error:
                    first_error.append(detail)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if first_error:
        print(f"  ! {name} x{clients}: {sum(errors)} errors, first: {first_error[0]}")
    return summarise(name, clients, [x for xs in latencies for x in xs], elapsed, sum(errors))


def health_call(base: str):
    url = base + "/api/health"

    def call(s: requests.Session):
        r = s.get(url, timeout=30)
        return r.status_code == 200 and r.json().get("ok") is True, r.text[:200]

    return call


def sale_call(base: str, lines: list[dict], total: int):
    url = base + "/api/sales"

    def call(s: requests.Session):
        body = {
            "id": str(uuid.uuid4()),
            "lines": lines,
            "payments": [{"method": "cash", "amount": total}],
        }
        r = s.post(url, json=body, timeout=30)
        return r.status_code == 201, f"{r.status_code} {r.text[:200]}"

    return call


# --------------------------------------------------------------------------------------------
# raw SQLite baseline

RAW_SCHEMA = """
CREATE TABLE sales (
    id VARCHAR(36) PRIMARY KEY, site_id INTEGER NOT NULL, user_id INTEGER, number INTEGER,
    business_day DATE, receipt_no VARCHAR(40) UNIQUE, status VARCHAR(16), subtotal BIGINT,
    discount BIGINT, total BIGINT, taxable_total BIGINT, taxable_supply BIGINT, vat BIGINT,
    exempt BIGINT, change_due BIGINT, request_hash VARCHAR(64), receipt_token VARCHAR(64),
    receipt_url VARCHAR(300), created_at DATETIME
);
CREATE INDEX ix_sales_site_id ON sales (site_id);
CREATE INDEX ix_sales_business_day ON sales (business_day);
CREATE INDEX ix_sales_created_at ON sales (created_at);
CREATE TABLE sale_lines (
    id INTEGER PRIMARY KEY, sale_id VARCHAR(36) NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
    position INTEGER, receipt_position INTEGER, product_id INTEGER, sku VARCHAR(40),
    name VARCHAR(120), options_json TEXT, unit_price BIGINT, qty INTEGER, amount BIGINT,
    discount_share BIGINT, tax VARCHAR(10), vendor_id INTEGER, track_stock BOOLEAN
);
CREATE INDEX ix_sale_lines_sale_id ON sale_lines (sale_id);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY, sale_id VARCHAR(36) NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
    position INTEGER, method VARCHAR(20), amount BIGINT, tendered BIGINT, change BIGINT,
    approval_no VARCHAR(30), issuer VARCHAR(30), masked_card VARCHAR(25), installment INTEGER
);
CREATE INDEX ix_payments_sale_id ON payments (sale_id);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id VARCHAR(36) UNIQUE, type VARCHAR(40),
    site_code VARCHAR(32), occurred_at DATETIME, payload TEXT, acked_at DATETIME,
    attempts INTEGER, last_error VARCHAR(300)
);
CREATE INDEX ix_outbox_acked_at ON outbox (acked_at);
"""


def raw_sqlite(sales: int, lines: list[dict], total: int, workdir: Path) -> Result:
    """Insert ``sales`` sales (6 rows each), one transaction per sale, single connection."""
    path = workdir / "raw.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA synchronous=NORMAL")
        con.executescript(RAW_SCHEMA)
        options_json = json.dumps(
            [
                {"id": o, "group": "온도", "name": "HOT", "price_delta": 0}
                for o in lines[0]["options"]
            ],
            ensure_ascii=False,
        )
        latencies: list[float] = []
        day = time.strftime("%Y-%m-%d")
        t_start = time.perf_counter()
        for n in range(1, sales + 1):
            t0 = time.perf_counter()
            sale_id = str(uuid.uuid4())
            now = time.strftime("%Y-%m-%d %H:%M:%S.000000")
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "INSERT INTO sales VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    sale_id, 3, 3, n, day, f"{SITE}-{n:06d}", "completed", total, 0, total,
                    total, total * 10 // 11, total - total * 10 // 11, 0, 0, "0" * 64,
                    "t" * 24, f"http://127.0.0.1/r/{sale_id}?t=xxxxxxxxxxxxxxxxxxxxxxxx", now,
                ),
            )  # fmt: skip
            for pos, line in enumerate(lines):
                con.execute(
                    "INSERT INTO sale_lines (sale_id, position, receipt_position, product_id,"
                    " sku, name, options_json, unit_price, qty, amount, discount_share, tax,"
                    " vendor_id, track_stock) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        sale_id, pos, 0, line["product_id"], f"SKU-{line['product_id']}",
                        "아메리카노", options_json, 4500, line["qty"], 4500, 0, "taxable", 3, 0,
                    ),
                )  # fmt: skip
            con.execute(
                "INSERT INTO payments (sale_id, position, method, amount, tendered, change)"
                " VALUES (?,?,?,?,?,?)",
                (sale_id, 0, "cash", total, total, 0),
            )
            con.execute(
                "INSERT INTO outbox (id, type, site_code, occurred_at, payload, attempts)"
                " VALUES (?,?,?,?,?,?)",
                (sale_id, "sale.completed", SITE, now, json.dumps({"id": sale_id}), 0),
            )
            con.execute("COMMIT")
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - t_start
    finally:
        con.close()
    return summarise("raw SQLite insert", 1, latencies, elapsed, 0)


# --------------------------------------------------------------------------------------------
# report


def fmt_table(results: list[Result]) -> str:
    head = f"{'measurement':<27}{'clients':>8}{'n':>7}{'per s':>10}"
    head += f"{'p50 ms':>9}{'p99 ms':>9}{'err':>5}"
    rows = [head, "-" * len(head)]
    for r in results:
        rows.append(
            f"{r.name:<27}{r.clients:>8}{r.requests:>7}{r.per_second:>10.1f}"
            f"{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.errors:>5}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 + 200 sales instead of 400 + 800")
    ap.add_argument("--sales-1", type=int, help="sales from 1 client (default 400, quick 100)")
    ap.add_argument("--sales-8", type=int, help="sales from 8 clients (default 800, quick 200)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    ap.add_argument("--threads", type=int, default=2, help="pos serve --threads (default 2)")
    ap.add_argument("--workers", type=int, default=2, help="pos serve --workers (default 2)")
    ap.add_argument("--port", type=int, help="port for pos serve (default: a free one)")
    ap.add_argument("--warmup", type=int, default=50, help="warm-up sales and pings (default 50)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    args = ap.parse_args(argv)

    n1 = args.sales_1 or (100 if args.quick else 400)
    n8 = args.sales_8 or (200 if args.quick else 800)
    many = args.clients

    server = Server(threads=args.threads, port=args.port, keep=args.keep, workers=args.workers)
    results: list[Result] = []
    started = time.perf_counter()
    try:
        print(f"preparing demo database in {server.instance} ...", flush=True)
        server.prepare()
        server.start()
        print(f"pos serve --threads {args.threads} on {server.base}", flush=True)

        sessions = [login(server.base) for _ in range(many)]
        lines, total = build_basket(sessions[0], server.base)
        health = health_call(server.base)
        sale = sale_call(server.base, lines, total)

        # warm up: connections, SQLAlchemy caches, SQLite pages, every session once
        run_clients("warm-up health", many, max(args.warmup, many), sessions, health)
        run_clients("warm-up sale", many, max(args.warmup, many), sessions, sale)

        for clients, n in ((1, n1), (many, n8)):
            print(f"measuring {clients} client(s) ...", flush=True)
            results.append(run_clients("GET /api/health", clients, n, sessions, health))
            results.append(run_clients("POST /api/sales (3 lines)", clients, n, sessions, sale))
    finally:
        server.stop()

    raw_dir = Path(tempfile.mkdtemp(prefix="pos-bench-raw-"))
    try:
        raw = raw_sqlite(n1 + n8, lines, total, raw_dir)
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
    results.append(raw)

    by = {(r.name, r.clients): r for r in results}
    ratios = []
    verdicts = []
    for clients in (1, many):
        bare = by[("GET /api/health", clients)]
        sale_r = by[("POST /api/sales (3 lines)", clients)]
        p50_ratio = sale_r.p50_ms / bare.p50_ms
        p99_ratio = sale_r.p99_ms / bare.p99_ms
        raw_ratio = sale_r.per_second / raw.per_second
        ratios.append(
            {
                "clients": clients,
                "p50_sale_over_bare": p50_ratio,
                "p99_sale_over_bare": p99_ratio,
                "sales_per_s": sale_r.per_second,
                "sales_per_s_over_raw_sales_per_s": raw_ratio,
                "sales_per_s_over_raw_rows_per_s": sale_r.per_second / (raw.per_second * 6),
            }
        )
        verdicts.append(
            f"p50 goal ({clients} client{'s' if clients > 1 else ''}): "
            f"{p50_ratio:.1f}x bare {'<=' if p50_ratio <= 3 else '>'} 3x  "
            f"-> {'met' if p50_ratio <= 3 else 'MISSED'}"
        )
    s8 = by[("POST /api/sales (3 lines)", many)].per_second
    verdicts.append(
        f"throughput goal ({many} clients): {s8:.0f} sales/s "
        f"{'>=' if s8 >= 200 else '<'} 200  -> {'met' if s8 >= 200 else 'MISSED'}"
    )

    print()
    print(
        f"꿈이든 POS checkout benchmark  ({os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"gunicorn workers={args.workers} threads={args.threads}, "
        f"{time.perf_counter() - started:.0f} s)"
    )
    print(fmt_table(results))
    print()
    print(
        f"raw SQLite insert: {raw.per_second:.0f} sales/s = {raw.per_second * 6:.0f} rows/s "
        "(1 sale + 3 lines + 1 payment + 1 outbox row per transaction)"
    )
    head = f"{'ratios':<10}{'p50 sale/bare':>15}{'p99 sale/bare':>15}{'sales/s':>10}"
    head += f"{'vs raw sales/s':>16}{'vs raw rows/s':>15}"
    print(head)
    print("-" * len(head))
    for r in ratios:
        print(
            f"{str(r['clients']) + ' client' + ('s' if r['clients'] > 1 else ''):<10}"
            f"{r['p50_sale_over_bare']:>14.2f}x{r['p99_sale_over_bare']:>14.2f}x"
            f"{r['sales_per_s']:>10.1f}{r['sales_per_s_over_raw_sales_per_s']:>15.3f}x"
            f"{r['sales_per_s_over_raw_rows_per_s']:>14.4f}x"
        )
    print()
    for v in verdicts:
        print(v)

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version,
                    "server_threads": args.threads,
                    "results": [asdict(r) for r in results],
                    "ratios": ratios,
                    "goals": {
                        "p50_sale_over_bare_max": 3.0,
                        "sales_per_s_min": 200,
                        "met": all(v.endswith("met") for v in verdicts),
                    },
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

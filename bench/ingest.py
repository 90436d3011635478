"""Ingest benchmark: sales per second through a real central's ``POST /api/sync/push``.

One run, on a fresh PostgreSQL database:

* a real central (``POS_ROLE=central``, ``pos init`` + ``pos demo``, ``pos serve``) with a sync
  token for each of several café sites;
* realistic ``sale.completed`` events: a throw-away in-process branch app (SQLite, demo data)
  sells a few dozen baskets of 2–3 lines through its own ``POST /api/sales`` (every third split
  between card and cash), and its outbox payloads are cloned with fresh ids, numbers and days;
* one client thread per site pushing batches of 200 in seq order, as branch workers do (each
  body is encoded before the clock starts: that is the branch's work, not central's);
* beside it, in the same run, a raw ``COPY`` of the same sales (same payloads mapped to rows)
  into the same fact tables (``c_sales``, ``c_sale_lines``, ``c_sale_payments``) with fresh ids;

and prints sales/s of both and their ratio. Goals (issue 8): push ≥ 20 % of COPY and ≥ 2,000
sales/s. It never asserts on time; it only reports.

    .venv/bin/python bench/ingest.py            # 8 sites × 2,000 sales
    .venv/bin/python bench/ingest.py --quick    # 4 sites × 200 sales, a smoke run
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
SEOUL = ZoneInfo("Asia/Seoul")
SITES = ("CAFE01", "CAFE02", "CAFE03", "CAFE04", "CAFE05", "CAFE06", "CAFE07", "CAFE08")
BATCH = 200


def pos_command() -> list[str]:
    script = Path(sys.executable).with_name("pos")
    return [str(script)] if script.exists() else [sys.executable, "-m", "flask", "--app", "pos"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the sales: real branch payloads, cloned -------------------------------------------------


def template_sales(count: int = 24) -> list[dict]:
    """``sale.completed`` payloads from a real (in-process) branch: the demo menu at CAFE03."""
    tmp = Path(tempfile.mkdtemp(prefix="pos-bench-ingest-"))
    try:
        from flask_migrate import upgrade

        from pos import create_app
        from pos.db import db
        from pos.demo import load_demo

        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{tmp / 'pos.sqlite3'}",
                "POS_SITE": "CAFE03",
                "INSTANCE_PATH": str(tmp / "instance"),
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        with app.app_context():
            upgrade()
            load_demo()
            db.session.commit()
        client = app.test_client()
        r = client.post("/api/login", json={"username": "cashier3", "pin": "1234"})
        csrf = {"X-CSRFToken": r.get_json()["csrf_token"]}
        products = client.get("/api/catalog").get_json()["products"]
        menu = [p for p in products if not p["track_stock"] and p["price"] > 0]
        rng = random.Random(8)
        for n in range(count):
            lines, total = [], 0
            for p in rng.sample(menu, 2 + n % 2):
                qty = rng.choice((1, 1, 2))
                opts = [g["options"][0] for g in p["option_groups"] if g["required"]]
                lines.append(
                    {"product_id": p["id"], "qty": qty, "options": [o["id"] for o in opts]}
                )
                total += (p["price"] + sum(o["price_delta"] for o in opts)) * qty
            if n % 3 == 0:
                pays = [
                    {"method": "card", "amount": total // 2, "approval_no": f"{n:08d}"},
                    {"method": "cash", "amount": total - total // 2},
                ]
            else:
                pays = [{"method": rng.choice(("cash", "card", "local_currency")), "amount": total}]
                if pays[0]["method"] == "card":
                    pays[0]["approval_no"] = f"{n:08d}"
            body = {"id": str(uuid.uuid4()), "lines": lines, "payments": pays}
            r = client.post("/api/sales", json=body, headers=csrf)
            assert r.status_code == 201, r.get_json()
        with app.app_context():
            from pos.outbox import OutboxEvent

            rows = db.session.scalars(
                db.select(OutboxEvent).where(OutboxEvent.type == "sale.completed")
            ).all()
            payloads = [json.loads(row.payload) for row in rows]
            db.engine.dispose()
        return payloads
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def clone(template: dict, site: str, n: int, day: date) -> dict:
    """A new sale of the same shape: fresh id, number, receipt and time on ``day``."""
    p = copy.deepcopy(template)
    sale_id = str(uuid.uuid4())
    local = datetime(day.year, day.month, day.day, 9, tzinfo=SEOUL) + timedelta(seconds=37 * n)
    created = local.astimezone(UTC).replace(tzinfo=None)
    p.update(
        id=sale_id,
        site=site,
        number=n + 1,
        business_day=day.isoformat(),
        created_at=created.isoformat(),
        receipt_no=f"{site}-{day:%Y%m%d}-{n + 1:05d}",
        receipt_token=uuid.uuid4().hex,
    )
    for k, r in enumerate(p.get("receipts") or []):
        if isinstance(r, dict) and "receipt_no" in r:
            r["receipt_no"] = f"{p['receipt_no']}-{k + 1}"
    return p


def make_sales(templates: list[dict], sites, per_site: int) -> dict[str, list[dict]]:
    start = date.today() - timedelta(days=6)
    out = {}
    for s, site in enumerate(sites):
        out[site] = [
            clone(templates[(n + s) % len(templates)], site, n, start + timedelta(days=n % 7))
            for n in range(per_site)
        ]
    return out


def events_of(sales: list[dict], first_seq: int = 1) -> list[dict]:
    return [
        {
            "id": sale["id"],
            "seq": first_seq + i,
            "schema": 1,
            "type": "sale.completed",
            "occurred_at": sale["created_at"] + "Z",
            "payload": sale,
        }
        for i, sale in enumerate(sales)
    ]


# -- the central ------------------------------------------------------------------------------


class Central:
    def __init__(self, url: str, workers: int):
        self.url = url
        self.instance = Path(tempfile.mkdtemp(prefix="pos-bench-central-"))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SYNC_")}
        self.env.update(
            POS_INSTANCE=str(self.instance),
            POS_ROLE="central",
            DATABASE_URL=url,
            PYTHONUNBUFFERED="1",
        )
        self.env.pop("CENTRAL_URL", None)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.proc = None

    def pos(self, *args: str) -> str:
        done = subprocess.run(
            pos_command() + list(args), env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode:
            sys.exit(f"pos {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> None:
        self.log = open(self.instance / "serve.log", "ab")  # noqa: SIM115
        cmd = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--workers", str(self.workers), "--threads", "2"]
        self.proc = subprocess.Popen(
            pos_command() + cmd, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/api/health", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        sys.exit("central pos serve did not start:\n" + self.tail())

    def tail(self) -> str:
        return (self.instance / "serve.log").read_text("utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.instance, ignore_errors=True)


def push_all(
    central: Central, tokens: dict[str, str], sales: dict[str, list[dict]], first_seq: int = 1
) -> dict:
    """One thread per site pushing its events in batches; returns figures and failures."""
    failures: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def site_worker(site: str) -> None:
        # the branch's JSON encoding is the branch's work, done before the clock starts: on
        # this one machine it would take the central's CPU
        bodies: list[tuple[str, int, list, bytes]] = []
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {tokens[site]}"
        s.headers["Content-Type"] = "application/json"
        events = events_of(sales[site], first_seq)
        for i in range(0, len(events), BATCH):
            batch = events[i : i + BATCH]
            body = {"site": site, "pending": len(events) - i - len(batch), "events": batch}
            bodies.append((site, i, batch, json.dumps(body, ensure_ascii=False).encode()))
        ready.wait()  # every site's bodies made, the clock started
        for _site, i, batch, data in bodies:
            t0 = time.perf_counter()
            r = s.post(central.base + "/api/sync/push", data=data, timeout=120)
            took = time.perf_counter() - t0
            ok = r.status_code == 200 and len(r.json().get("acked", [])) == len(batch)
            with lock:
                latencies.append(took)
                if not ok:
                    failures.append(f"{site} batch {i // BATCH}: {r.status_code} {r.text[:300]}")
            if not ok:
                return

    ready = threading.Barrier(len(sales) + 1, timeout=300)
    threads = [threading.Thread(target=site_worker, args=(site,)) for site in sales]
    for t in threads:
        t.start()
    ready.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    n = sum(len(v) for v in sales.values())
    latencies.sort()
    return {
        "sales": n,
        "seconds": seconds,
        "per_second": n / seconds,
        "batch_p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else 0,
        "batch_max_ms": latencies[-1] * 1000 if latencies else 0,
        "failures": failures,
    }


# -- the baseline: COPY of the same rows ------------------------------------------------------


def copy_rows(url: str, sales: dict[str, list[dict]]) -> dict:
    """The same sales, mapped to the fact tables' rows in Python and COPYed in one transaction
    (fresh ids, so they sit beside the pushed ones). Mapping is inside the timing, as ingest's
    validation and resolution are inside the push's."""
    with psycopg.connect(url) as conn:
        site_ids = dict(conn.execute("SELECT code, id FROM sites").fetchall())
        products = dict(conn.execute("SELECT uid, id FROM products").fetchall())
        by_sku = dict(conn.execute("SELECT sku, id FROM products").fetchall())
        vendors = dict(conn.execute("SELECT brn, id FROM vendors").fetchall())
        columns = {
            t: [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_name = %s ORDER BY ordinal_position",
                    (t,),
                ).fetchall()
            ]
            for t in ("c_sales", "c_sale_lines", "c_sale_payments")
        }
        t0 = time.perf_counter()
        rows: dict[str, list[tuple]] = {t: [] for t in columns}
        for site, items in sales.items():
            sid = site_ids[site]
            for sale in items:
                fresh = str(uuid.uuid4())
                for table, row in map_sale(sale, fresh, sid, products, by_sku, vendors):
                    rows[table].append(tuple(row.get(c) for c in columns[table]))
        with conn.cursor() as cur:
            for table, cols in columns.items():
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                    for row in rows[table]:
                        cp.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - t0
    n = sum(len(v) for v in sales.values())
    return {"sales": n, "seconds": seconds, "per_second": n / seconds}


def map_sale(sale: dict, sale_id: str, site_id: int, products, by_sku, vendors):
    day = date.fromisoformat(sale["business_day"])
    created = datetime.fromisoformat(sale["created_at"])
    hour = created.replace(tzinfo=UTC).astimezone(SEOUL).hour
    key = {"site_id": site_id, "day": day}
    items = sum(ln["qty"] for ln in sale["lines"])
    yield (
        "c_sales",
        {
            **key,
            "id": sale_id,
            "number": sale["number"],
            "receipt_no": sale["receipt_no"],
            "created_at": created,
            "hour": hour,
            "username": sale.get("user"),
            "subtotal": sale["subtotal"],
            "discount": sale["discount"],
            "total": sale["total"],
            "taxable": sale["taxable_supply"],
            "vat": sale["vat"],
            "exempt": sale["exempt"],
            "items": items,
        },
    )
    for i, ln in enumerate(sale["lines"], 1):
        off = ln.get("discount", 0) + ln.get("line_discount", 0)
        product = products.get(ln.get("product_uid")) or by_sku.get(ln["sku"])
        yield (
            "c_sale_lines",
            {
                **key,
                "sale_id": sale_id,
                "line": i,
                "product_id": product,
                "vendor_id": vendors.get(ln.get("vendor_brn")),
                "sku": ln["sku"],
                "name": ln["name"],
                "tax": ln["tax"],
                "qty": ln["qty"],
                "unit_price": ln["unit_price"],
                "amount": ln["amount"],
                "discount": off,
                "net": ln["amount"] - off,
            },
        )
    for i, pay in enumerate(sale["payments"], 1):
        yield (
            "c_sale_payments",
            {
                **key,
                "sale_id": sale_id,
                "position": i,
                "method": pay["method"],
                "amount": pay["amount"],
            },
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="4 sites x 200 sales, a smoke run")
    ap.add_argument("--sites", type=int, help="café sites pushing at once (default 8, quick 4)")
    ap.add_argument("--sales", type=int, help="sales per site (default 2000, quick 200)")
    ap.add_argument("--workers", type=int, default=2, help="central pos serve --workers (2)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    sites = SITES[: args.sites or (4 if args.quick else 8)]
    per_site = args.sales or (200 if args.quick else 2000)

    started = time.perf_counter()
    print("selling template baskets on an in-process branch ...", flush=True)
    templates = template_sales()
    sales = make_sales(templates, sites, per_site)
    name = f"pos_bench_ingest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    central = Central(url, args.workers)
    try:
        print(f"central: pos init + pos demo on {name} ...", flush=True)
        central.pos("init")
        central.pos("demo")
        tokens = {
            site: central.pos("sync", "token", site).strip().splitlines()[-1] for site in sites
        }
        central.start()
        # warm-up: one small batch per site outside the timing (connections, caches)
        warm = make_sales(templates, sites, 5)
        warm_result = push_all(central, tokens, warm)
        if warm_result["failures"]:
            print("warm-up failed:", *warm_result["failures"][:3], sep="\n  ")
            print(central.tail())
            return 1
        print(
            f"pushing {len(sites)} sites x {per_site} sales in batches of {BATCH} ...", flush=True
        )
        push = push_all(central, tokens, sales, first_seq=6)
        print("COPY of the same sales into the fact tables ...", flush=True)
        raw = copy_rows(url, sales)
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM c_sales").fetchone()[0]
            rolled = conn.execute("SELECT coalesce(sum(sales), 0) FROM r_site_day").fetchone()[0]
    finally:
        central.stop()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    n = push["sales"]
    ratio = push["per_second"] / raw["per_second"]
    print()
    print(
        f"꿈이든 POS ingest benchmark  ({os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"central pos serve workers={args.workers}, {time.perf_counter() - started:.0f} s)"
    )
    print(f"{'measurement':<44}{'sales':>8}{'seconds':>10}{'sales/s':>10}")
    print("-" * 72)
    print(
        f"{'POST /api/sync/push, batches of 200':<44}{n:>8}{push['seconds']:>10.2f}"
        f"{push['per_second']:>10.0f}"
    )
    print(
        f"{'raw COPY into c_sales/_lines/_payments':<44}{raw['sales']:>8}{raw['seconds']:>10.2f}"
        f"{raw['per_second']:>10.0f}"
    )
    print()
    print(
        f"push batch latency p50 {push['batch_p50_ms']:.0f} ms, max {push['batch_max_ms']:.0f} ms"
    )
    print(f"push / COPY: {ratio:.1%}  (goal >= 20 %)")
    print(f"push sales/s: {push['per_second']:.0f}  (goal >= 2,000)")
    print(f"rows on central after the run: c_sales {stored}, r_site_day sales {rolled}")
    if push["failures"]:
        print(f"FAILED batches: {len(push['failures'])}; first: {push['failures'][0]}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"push": push, "copy": raw, "ratio": ratio}, indent=2) + "\n"
        )
    return 1 if push["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())

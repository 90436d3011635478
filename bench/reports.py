"""Reports benchmark: every dashboard query of ``pos.reports.queries`` over 2 million synthetic
sales of 250 sites over two years on PostgreSQL, p50 and p99, beside the same question asked of
the raw fact tables (``c_sales``, ``c_sale_lines``, ``c_sale_payments``).

One run, on a fresh database migrated by the app (month partitions made by
``pos.central.partitions.ensure_months``, as ingest does):

* 250 sites beside the demo's, the demo menu (its products, prices, 과세/면세 and vendors);
* per site and day a varying number of sales of 1–3 lines over the opening hours, every third
  split between two tenders, receipts per vendor with the VAT split of DESIGN §4; written with
  ``COPY`` into the fact tables and, aggregated per site and day in Python, into the rollups
  (``r_site_day``, ``r_site_hour``, ``r_product_day``, ``r_vendor_day``, ``r_method_day``);
* ``ANALYZE``, then each query run repeatedly with varied filters (one day … two years; all
  sites, ten sites, one site; by day, week, month), timed p50 and p99.

Goal (issue 8): every dashboard query under 100 ms at p50 and p99. Only reports; no asserts.

    .venv/bin/python bench/reports.py            # 2,000,000 sales: about ten minutes
    .venv/bin/python bench/reports.py --quick    # 20,000 sales of 25 sites, a smoke run
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports_data import add_sites, generate, make_app, make_partitions  # noqa: E402

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def percentile(values: list[float], pct: float) -> float:
    s = sorted(values)
    rank = max(1, min(len(s), round(pct / 100 * len(s) + 0.5)))
    return s[rank - 1]


# -- the queries ------------------------------------------------------------------------------

RANGES = (1, 7, 31, 92, 365, 730)


def filters_for(rng, first: date, last: date, sites, directory):
    """A random dashboard question: a range ending on a random day, a unit, some sites."""
    from pos.reports.filters import Filters

    days = rng.choice(RANGES)
    end = last - timedelta(days=rng.randrange(max(1, (last - first).days - days + 2)))
    start = max(first, end - timedelta(days=days - 1))
    unit = "day" if days <= 31 else rng.choice(("week", "month"))
    pick = rng.choice(("all", "ten", "one"))
    if pick == "all":
        chosen, all_sites = tuple(directory), True
    else:
        chosen = tuple(rng.sample(sites, 10 if pick == "ten" else 1))
        all_sites = False
    return Filters(start=start, end=end, unit=unit, sites=chosen, all_sites=all_sites)


def dashboard_calls():
    """Every dashboard query of pos.reports.queries: (name, call(filters))."""
    from pos.reports import queries as q

    calls = []
    for name in (
        "revenue",
        "revenue_compared",
        "chart_series",
        "summary",
        "heatmap",
        "products",
        "payments",
        "discounts",
        "vendors",
        "fairs",
        "donations",
    ):
        fn = getattr(q, name, None)
        if fn is not None:
            calls.append((name, fn))
    if hasattr(q, "vat"):
        calls.append(("vat (one month)", lambda f: q.vat(f, f.start.replace(day=1), f.end)))
    return calls


RAW = {
    "revenue": "SELECT site_id, day, count(*), sum(total), sum(taxable), sum(vat), sum(exempt)"
    " FROM c_sales WHERE {w} GROUP BY site_id, day",
    "summary": "SELECT count(*), sum(total), sum(vat) FROM c_sales WHERE {w}",
    "heatmap": "SELECT extract(isodow FROM day), hour, count(*), sum(total) FROM c_sales"
    " WHERE {w} GROUP BY 1, 2",
    "products": "SELECT product_id, sum(qty), sum(net) AS t FROM c_sale_lines WHERE {w}"
    " GROUP BY product_id ORDER BY t DESC LIMIT 20",
    "payments": "SELECT method, count(*), sum(amount) FROM c_sale_payments WHERE {w}"
    " GROUP BY method",
    "discounts": "SELECT site_id, count(*), sum(subtotal), sum(discount), sum(total)"
    " FROM c_sales WHERE {w} GROUP BY site_id",
    "vendors": "SELECT vendor_id, tax, count(DISTINCT sale_id), sum(net) FROM c_sale_lines"
    " WHERE {w} GROUP BY vendor_id, tax",
}


def raw_where(f) -> tuple[str, list]:
    w, params = "day >= %s AND day <= %s", [f.start, f.end]
    if not f.all_sites:
        w += " AND site_id = ANY(%s)"
        params.append([s.id for s in f.sites])
    return w, params


def time_queries(app, url: str, first: date, last: date, site_ids, reps: int, seed: int = 3):
    from pos.db import db
    from pos.sites import site_directory

    results = []
    with app.app_context(), app.test_request_context():
        directory = [site_directory().get(i) for i in site_ids]
        calls = dashboard_calls()
        # as pos serve's workers do after start: the app and what it loaded live as long as the
        # process, out of the cyclic collector's sight; without it a full collection (115-155
        # ms here) walked them all inside whichever query it fell in, and was that query's p99
        gc.collect()
        gc.freeze()
        for name, fn in calls:
            rng = random.Random(seed)
            samples, short = [], []
            fn(filters_for(rng, first, last, directory, directory))  # warm
            db.session.rollback()
            for _ in range(reps):
                f = filters_for(rng, first, last, directory, directory)
                t0 = time.perf_counter()
                fn(f)
                samples.append(time.perf_counter() - t0)
                short.append(f.days <= 92)
                db.session.rollback()
            results.append(
                [name, samples, None, [x for x, ok in zip(samples, short, strict=True) if ok]]
            )
    with psycopg.connect(url) as conn:
        with app.app_context():
            from pos.sites import site_directory

            directory = [site_directory().get(i) for i in site_ids]
        for row in results:
            key = row[0].split(" ")[0]
            key = {"revenue_compared": "revenue", "chart_series": "revenue", "vat": "vendors"}.get(
                key, key
            )
            sql = RAW.get(key)
            if sql is None:
                continue
            rng = random.Random(seed)
            samples = []
            filters_for(rng, first, last, directory, directory)  # the rollups' warm-up filter
            for _ in range(reps):  # the same filters, in the same order, as the rollups
                f = filters_for(rng, first, last, directory, directory)
                w, params = raw_where(f)
                t0 = time.perf_counter()
                conn.execute(sql.format(w=w), params).fetchall()
                samples.append(time.perf_counter() - t0)
            row[2] = samples
    return results


def reuse(name: str, days: int, reps: int) -> int:
    """Time the queries again on a kept database (its sites are the B### ones)."""
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    instance = Path(tempfile.mkdtemp(prefix="pos-bench-reports-"))
    try:
        app = make_app(url, instance, migrate=False)
        with psycopg.connect(url) as conn:
            site_ids = [r[0] for r in conn.execute("SELECT id FROM sites WHERE code LIKE 'B%'")]
            first, last = conn.execute("SELECT min(day), max(day) FROM r_site_day").fetchone()
        results = time_queries(app, url, first, last, sorted(site_ids), reps)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    report(results, f"reused {name}, {len(site_ids)} sites, {first} … {last}")
    return 0


def report(results, headline: str) -> float:
    """Print the table of p50/p99 per query; returns the slowest p99 (ms)."""
    print()
    print(headline)
    head = f"{'query (rollups)':<22}{'p50 ms':>9}{'p99 ms':>9}{'p99<=92d':>10}"
    head += f"{'raw p50':>10}{'raw p99':>10}{'raw/rollup':>12}"
    print(head)
    print("-" * len(head))
    worst = 0.0
    for name_, samples, raw, short in results:
        p50, p99 = percentile(samples, 50) * 1000, percentile(samples, 99) * 1000
        p99_short = percentile(short, 99) * 1000 if short else float("nan")
        worst = max(worst, p99)
        if raw:
            r50, r99 = percentile(raw, 50) * 1000, percentile(raw, 99) * 1000
            extra = f"{r50:>10.1f}{r99:>10.1f}{r50 / p50 if p50 else 0:>11.1f}x"
        else:
            extra = f"{'-':>10}{'-':>10}{'-':>12}"
        print(f"{name_:<22}{p50:>9.1f}{p99:>9.1f}{p99_short:>10.1f}{extra}")
    print()
    print(f"slowest dashboard p99: {worst:.1f} ms  (goal < 100 ms)")
    print("p99<=92d: the runs asking for at most 92 days; raw: the same filters in the same order")
    return worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20,000 sales of 25 sites, 10 runs")
    ap.add_argument("--sales", type=int, help="synthetic sales (default 2,000,000)")
    ap.add_argument("--sites", type=int, help="sites (default 250)")
    ap.add_argument("--days", type=int, default=730, help="days of trade (default 730)")
    ap.add_argument("--reps", type=int, help="timed runs per query (default 40, quick 10)")
    ap.add_argument("--keep", action="store_true", help="keep the database (prints its name)")
    ap.add_argument("--reuse", metavar="NAME", help="time a database kept by --keep again")
    args = ap.parse_args(argv)
    if args.reuse:
        return reuse(args.reuse, args.days, args.reps or 40)
    sales = args.sales or (20_000 if args.quick else 2_000_000)
    sites = args.sites or (25 if args.quick else 250)
    reps = args.reps or (10 if args.quick else 40)

    started = time.perf_counter()
    name = f"pos_bench_reports_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    instance = Path(tempfile.mkdtemp(prefix="pos-bench-reports-"))
    try:
        print(f"migrating {name} and loading the demo catalog ...", flush=True)
        app = make_app(url, instance)
        site_ids = add_sites(app, sites)
        last = date.today() - timedelta(days=1)
        first = last - timedelta(days=args.days - 1)
        make_partitions(app, first, last)
        print(f"COPY of {sales:,} sales of {sites} sites over {args.days} days ...", flush=True)
        t0 = time.perf_counter()
        made, rows = generate(url, site_ids, first, args.days, sales)
        gen_seconds = time.perf_counter() - t0
        with app.app_context():  # the month rollups, as ingest would have kept them
            from pos.central.rollups import rebuild_months
            from pos.db import db

            rebuild_months(db.session)
            db.session.commit()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
            size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = size.fetchone()[0]
        print(f"timing the dashboard queries ({reps} runs each) ...", flush=True)
        results = time_queries(app, url, first, last, site_ids, reps)
        with app.app_context():
            from pos.db import db

            db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
        if not args.keep:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    rows_line = ", ".join(f"{t} {n:,}" for t, n in rows.items())
    report(
        results,
        f"꿈이든 POS reports benchmark  ({os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" {made:,} sales, {sites} sites, {args.days} days, database {size},"
        f" {time.perf_counter() - started:.0f} s)\nrows: {rows_line}  (COPY {gen_seconds:.0f} s)",
    )
    if args.keep:
        print(f"kept database {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

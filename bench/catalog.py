"""Catalog benchmarks (issue 6), each beside a baseline measured in the same run:

(a) importing 5,000 products from an XLSX (``inventory.imports.import_file``, what ``pos import``
    and the back-office upload call): seconds and peak memory, first as 5,000 new products and
    then the same file again (5,000 updates), beside reading the same workbook with openpyxl
    alone (read-only, every cell). Each measurement runs in a fresh process on a copy of the
    same demo database; time and max RSS come from a run without tracemalloc, the Python heap
    peak from a second run with it.
(b) ``GET /api/catalog`` with the 5,000 imported products (and the demo's) at CAFE03 from
    ``pos serve`` (a fifth of them stock-tracked with stock there), beside the bare
    endpoint (``GET /api/health``) of the same server in alternating blocks; also the catalog
    right after a 품절 tap (``POST /api/catalog/availability``), which gives the site terms a new
    token, so that poll rebuilds the small terms copy and joins the answer anew (an unchanged
    catalog is the last answer, reused while its version holds).

Never asserts on time. Run from the repository root::

    .venv/bin/python bench/catalog.py            # about two minutes
    .venv/bin/python bench/catalog.py --quick
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc

import requests
from common import print_against_bare, summarise
from server import ROOT, Server

N_PRODUCTS = 5_000
HEADER = [
    "상품코드",
    "상품명",
    "분류",
    "가격",
    "과세구분",
    "공급자사업자번호",
    "바코드",
    "재고관리",
    "재고",
]
CATEGORIES = ["커피", "차·음료", "디저트", "자활생산품", "착한신발", "떡", "기름", "비누"]


def workbook_bytes(brn: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("상품")
    ws.append(HEADER)
    for i in range(N_PRODUCTS):
        tracked = i % 5 == 0
        ws.append(
            [
                f"BX{i:05d}",
                f"벤치 상품 {i:05d} 쑥떡 세트",
                CATEGORIES[i % len(CATEGORIES)],
                1000 + (i % 90) * 100,
                "면세" if i % 3 == 0 else "과세",
                brn,
                f"88099{i:08d}",
                "예" if tracked else "아니오",
                str(10 + i % 40) if tracked else "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, path: str, trace: bool) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    result: dict = {"mode": mode, "rss_start_mb": _maxrss_mb()}
    if mode == "openpyxl":
        import warnings

        from openpyxl import load_workbook

        data = open(path, "rb").read()  # noqa: SIM115
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            cells = sum(1 for row in wb.active.iter_rows() for _ in row)
            wb.close()
        result["steps"] = [{"name": "openpyxl read-only", "seconds": time.perf_counter() - t0}]
        result["cells"] = cells
        if trace:
            result["steps"][0]["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    else:
        from pos import create_app
        from pos.context import server_site
        from pos.db import db

        app = create_app()
        with app.app_context():
            from inventory.imports import import_file

            data = open(path, "rb").read()  # noqa: SIM115
            site = server_site()
            import_file("vendors", b"name,owner,brn\nx,y,1234567891\n", filename="warm.csv")
            db.session.rollback()  # warm up imports and the connection, write nothing
            result["steps"] = []
            if trace:
                tracemalloc.start()
            for name in ("import 5,000 new", "import again (updates)"):
                if trace:
                    tracemalloc.reset_peak()
                t0 = time.perf_counter()
                count = import_file("products", data, stock_site=site, filename="bench.xlsx")
                db.session.commit()
                step = {"name": name, "seconds": time.perf_counter() - t0, "count": count}
                if trace:
                    step["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
                result["steps"].append(step)
    result["rss_mb"] = _maxrss_mb()
    print(json.dumps(result))


def run_child(server: Server, db_copy, mode: str, path, trace: bool) -> dict:
    shutil.copy(db_copy, server.instance / "pos.sqlite3")
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), "--trace", str(int(trace))],
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_import(server: Server) -> None:
    from inventory.vendors import make_brn

    brn = make_brn("131820001")  # the demo's 인천광역자활센터
    path = server.instance / "bench.xlsx"
    t0 = time.perf_counter()
    path.write_bytes(workbook_bytes(brn))
    print(
        f"workbook: {N_PRODUCTS:,} rows × {len(HEADER)} columns, "
        f"{path.stat().st_size / 1024:.0f} KiB (written in {time.perf_counter() - t0:.1f} s)"
    )
    db_copy = server.instance / "demo.sqlite3"
    shutil.copy(server.instance / "pos.sqlite3", db_copy)
    rows = []
    for mode in ("openpyxl", "import"):
        timed = run_child(server, db_copy, mode, path, trace=False)
        traced = run_child(server, db_copy, mode, path, trace=True)
        for step, peak in zip(timed["steps"], traced["steps"], strict=True):
            rows.append((step["name"], step["seconds"], peak["peak_mb"], timed["rss_mb"]))
    base = rows[0][1]
    print()
    print(
        f"{'measurement':<26}{'seconds':>9}{'x openpyxl':>12}{'heap peak MB':>14}{'max RSS MB':>12}"
    )
    for name, seconds, peak, rss in rows:
        print(f"{name:<26}{seconds:>9.2f}{seconds / base:>12.2f}{peak:>14.1f}{rss:>12.0f}")
    print(
        "(max RSS is the whole process: Python, Flask, SQLAlchemy and, for the import, both runs)"
    )


def bench_catalog(server: Server, n: int, warmup: int) -> None:
    server.start()
    s = requests.Session()
    r = s.post(
        server.base + "/api/login",
        json={"username": "manager", "password": "manager1234"},
        timeout=10,
    )
    r.raise_for_status()
    s.headers["X-CSRFToken"] = r.json()["csrf_token"]
    health, catalog = server.base + "/api/health", server.base + "/api/catalog"
    first = s.get(catalog, timeout=60)
    products = first.json()["products"]
    print(
        f"\n/api/catalog at CAFE03: {len(products):,} products offered, "
        f"{len(first.content) / 2**20:.1f} MiB of JSON"
    )
    target = products[0]["id"]
    for _ in range(warmup):
        s.get(health)
        s.get(catalog)
    names = ["GET /api/health", "GET /api/catalog", "GET catalog after a 품절 tap"]
    lat: dict[str, list[float]] = {k: [] for k in names}
    errors = dict.fromkeys(names, 0)
    took = dict.fromkeys(names, 0.0)
    blocks, flip = 5, False
    for _ in range(blocks):
        for name in names:
            t_block = time.perf_counter()
            count = n // blocks if name != names[2] else max(1, n // (4 * blocks))
            for _ in range(count):
                if name == names[2]:
                    flip = not flip
                    rs = s.post(
                        server.base + "/api/catalog/availability",
                        json={"product_id": target, "sold_out": flip},
                        timeout=60,
                    )
                    errors[name] += rs.status_code != 200
                url = health if name == names[0] else catalog
                t0 = time.perf_counter()
                rr = s.get(url, timeout=60)
                lat[name].append(time.perf_counter() - t0)
                errors[name] += not rr.ok
            took[name] += time.perf_counter() - t_block
    print_against_bare([summarise(n, 1, lat[n], took[n], errors[n]) for n in names])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--trace", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], bool(args.trace))
        return
    n, warmup = (100, 10) if args.quick else (400, 30)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    server = Server(threads=args.threads, workers=args.workers)
    try:
        print(f"preparing demo database in {server.instance} ...", flush=True)
        server.prepare()
        bench_import(server)
        bench_catalog(server, n, warmup)
    finally:
        server.stop()


if __name__ == "__main__":
    main()

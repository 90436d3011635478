"""cProfile a loop of ``POST /api/sales`` checkouts through Flask's test client (no HTTP server).

    .venv/bin/python bench/profile_checkout.py [--sales 300] [--sort cumtime] [--top 40]

Builds a throw-away demo database like ``bench/checkout.py``, logs in as the demo cashier, warms
up, then profiles ``--sales`` three-line checkouts and prints the top functions. Use it to see
where a sale's server time goes; ``bench/checkout.py`` is the number to report.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BASKET, PIN, SITE, USERNAME  # noqa: E402
from server import ROOT, pos_command  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sales", type=int, default=300)
    ap.add_argument("--sort", default="cumtime")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--out", help="also dump the raw profile here (for snakeviz etc.)")
    args = ap.parse_args(argv)

    instance = Path(tempfile.mkdtemp(prefix="pos-prof-"))
    env = {**os.environ, "POS_INSTANCE": str(instance), "POS_SITE": SITE}
    for key in ("DATABASE_URL", "PRINTER_URL", "CENTRAL_URL", "RECEIPT_BASE_URL", "POS_ROLE"):
        env.pop(key, None)
    try:
        for cmd in ("init", "demo"):
            subprocess.run([pos_command(), cmd], env=env, cwd=ROOT, check=True, capture_output=True)
        os.environ.update({"POS_INSTANCE": str(instance), "POS_SITE": SITE})
        for key in ("DATABASE_URL", "PRINTER_URL", "CENTRAL_URL", "RECEIPT_BASE_URL", "POS_ROLE"):
            os.environ.pop(key, None)
        sys.path.append(str(ROOT))  # fallback; PYTHONPATH can point at another checkout
        from pos import create_app

        app = create_app()
        client = app.test_client()
        r = client.post("/api/login", json={"username": USERNAME, "pin": PIN})
        assert r.status_code == 200, r.get_data(as_text=True)
        headers = {"X-CSRFToken": r.get_json()["csrf_token"]}
        products = {p["name"]: p for p in client.get("/api/catalog").get_json()["products"]}
        lines, total = [], 0
        for name, option_names, qty in BASKET:
            p = products[name]
            opts = {o["name"]: o for g in p["option_groups"] for o in g["options"]}
            chosen = [opts[o] for o in option_names]
            lines.append({"product_id": p["id"], "qty": qty, "options": [o["id"] for o in chosen]})
            total += (p["price"] + sum(o["price_delta"] for o in chosen)) * qty

        def sell() -> None:
            body = {
                "id": str(uuid.uuid4()),
                "lines": lines,
                "payments": [{"method": "cash", "amount": total}],
            }
            resp = client.post("/api/sales", json=body, headers=headers)
            assert resp.status_code == 201, resp.get_data(as_text=True)

        def ping() -> None:
            assert client.get("/api/health").status_code == 200

        for _ in range(30):
            sell()
            ping()
        t0 = time.perf_counter()
        for _ in range(args.sales):
            ping()
        bare = (time.perf_counter() - t0) / args.sales
        t0 = time.perf_counter()
        for _ in range(args.sales):
            sell()
        plain = (time.perf_counter() - t0) / args.sales
        print(f"test client, no profiler: health {bare * 1000:.2f} ms, sale {plain * 1000:.2f} ms")

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.sales):
            sell()
        prof.disable()
        if args.out:
            prof.dump_stats(args.out)
        stats = pstats.Stats(prof)
        stats.sort_stats(args.sort).print_stats(args.top)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

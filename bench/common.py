"""What every benchmark here shares: results, percentiles, logged-in clients and the basket."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

import requests

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


def fmt_table(results: list[Result]) -> str:
    head = f"{'measurement':<34}{'clients':>8}{'n':>7}{'per s':>10}"
    head += f"{'p50 ms':>9}{'p99 ms':>9}{'err':>5}"
    rows = [head, "-" * len(head)]
    for r in results:
        rows.append(
            f"{r.name:<34}{r.clients:>8}{r.requests:>7}{r.per_second:>10.1f}"
            f"{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.errors:>5}"
        )
    return "\n".join(rows)


def print_against_bare(results: list[Result]) -> None:
    """The table, then each measurement's p50 and p99 as a ratio to the first (the bare one)."""
    print()
    print(fmt_table(results))
    bare = results[0]
    print()
    for r in results[1:]:
        print(
            f"{r.name:<30} p50 {r.p50_ms / bare.p50_ms:5.2f}x bare, "
            f"p99 {r.p99_ms / bare.p99_ms:5.2f}x bare"
        )


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
    max_seconds: float | None = None,
    samples: list[float] | None = None,
) -> Result:
    """Split ``total_requests`` over ``clients`` threads; each thread owns one session. With
    ``max_seconds``, no request starts after that much time (a stalled server ends the run).
    ``samples``, when given, receives every latency (to pool several runs)."""
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
        stop_at = time.perf_counter() + max_seconds if max_seconds else None
        for _ in range(per_client[i]):
            if stop_at and time.perf_counter() > stop_at:
                break
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
    flat = [x for xs in latencies for x in xs]
    if samples is not None:
        samples.extend(flat)
    return summarise(name, clients, flat, elapsed, sum(errors))


def health_call(base: str):
    url = base + "/api/health"

    def call(s: requests.Session):
        r = s.get(url, timeout=30)
        return r.status_code == 200 and r.json().get("ok") is True, r.text[:200]

    return call


def sale_call(base: str, lines: list[dict], total: int, timeout: float = 30):
    url = base + "/api/sales"

    def call(s: requests.Session):
        body = {
            "id": str(uuid.uuid4()),
            "lines": lines,
            "payments": [{"method": "cash", "amount": total}],
        }
        r = s.post(url, json=body, timeout=timeout)
        return r.status_code == 201, f"{r.status_code} {r.text[:200]}"

    return call

"""Issue 5 item 1: a flood of anonymous log-ins must not slow sales down.

Log-ins check their hash outside the SQLite write lock, and Flask-Limiter turns a flood from
one address into cheap 429s. Both are checked against a real `pos serve`."""

from __future__ import annotations

import random
import threading
import time
import uuid

import requests
from live import LiveServer

FLOOD_THREADS = 16


def _sale_body(catalog: dict) -> dict:
    product = next(p for p in catalog["products"] if p["name"] == "아메리카노")
    hot = next(
        o["id"]
        for g in product["option_groups"]
        if g["name"] == "온도"
        for o in g["options"]
        if o["name"] == "HOT"
    )
    return {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": product["id"], "qty": 1, "options": [hot]}],
        "payments": [{"method": "card", "amount": product["price"], "approval_no": "30012345"}],
    }


def _flood(base: str, stop: threading.Event, codes: list[int]) -> None:
    http = requests.Session()
    while not stop.is_set():
        body = {"username": f"x{random.randrange(10**6)}", "pin": f"{random.randrange(10**4):04d}"}
        if random.random() < 0.5:
            body = {"username": "manager", "password": f"guess-{random.randrange(10**6)}"}
        try:
            codes.append(http.post(f"{base}/api/login", json=body, timeout=10).status_code)
        except requests.RequestException:
            codes.append(0)


def _sell_during_flood(tmp_path, min_flood: int = 0, **env) -> tuple[list[int], list[int]]:
    server = LiveServer(tmp_path / "instance", **env)
    base = server.start()
    try:
        tablet = requests.Session()
        login = tablet.post(
            f"{base}/api/login", json={"username": "cashier3", "pin": "1234"}, timeout=10
        )
        assert login.status_code == 200
        csrf = login.json()["csrf_token"]
        catalog = tablet.get(f"{base}/api/catalog", timeout=10).json()
        stop = threading.Event()
        codes: list[int] = []
        flooders = [
            threading.Thread(target=_flood, args=(base, stop, codes), daemon=True)
            for _ in range(FLOOD_THREADS)
        ]
        for t in flooders:
            t.start()
        time.sleep(1.0)  # the flood is in full swing before the first sale
        sales = []
        give_up = time.monotonic() + 40
        try:
            # at least 12 sales, and on until the flood has had its answers (bounded in time)
            while len(sales) < 12 or (len(codes) < min_flood and time.monotonic() < give_up):
                resp = tablet.post(
                    f"{base}/api/sales",
                    json=_sale_body(catalog),
                    headers={"X-CSRFToken": csrf},
                    timeout=10,  # generous: a sale that waits this long has failed the cashier
                )
                sales.append(resp.status_code)
        finally:
            stop.set()
            for t in flooders:
                t.join(timeout=15)
        return sales, codes
    finally:
        server.stop()


def test_sales_keep_succeeding_during_a_login_flood(tmp_path):
    sales, codes = _sell_during_flood(tmp_path, min_flood=100)
    assert sales == [201] * len(sales)
    # the flood was refused by the rate limit, cheaply, not by checking hashes
    hashed = codes.count(401) + codes.count(423)
    # each server process (two) lets 20 tries a minute through from one address, then 429
    seen = {c: codes.count(c) for c in set(codes)}
    assert len(codes) >= 100 and hashed <= 2 * 20 and codes.count(429) >= 60, seen
    assert 0 not in codes  # and the server kept answering it


def test_sales_keep_succeeding_while_every_login_is_hashed(tmp_path):
    """Without the rate limit every flood request checks a hash: it must still not hold the
    write lock that sales need."""
    sales, codes = _sell_during_flood(
        tmp_path, LOGIN_RATE_LIMIT="100000/minute", LOGIN_NAME_RATE_LIMIT="100000/minute"
    )
    assert sales == [201] * len(sales)
    assert codes and set(codes) <= {401, 423}, {c: codes.count(c) for c in set(codes)}

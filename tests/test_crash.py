"""A power cut in the middle of selling: `pos serve` is killed with SIGKILL while four tablets
are checking out, then started again. Every sale a tablet saw succeed is there exactly once,
retries of the ones in flight land exactly once, and the stock ledger still adds up."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid

import requests
from live import LiveServer

TABLETS = 4
SALES_PER_TABLET = 25


class Tablet:
    """Like the cashier page: one sale id per checkout, retried until the server answers."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.csrf = self._call("post", "/api/login", {"username": "cashier3", "pin": "1234"})[
            "csrf_token"
        ]

    def _call(self, method: str, path: str, body=None, deadline: float = 90.0):
        give_up = time.monotonic() + deadline
        while True:
            try:
                resp = self.http.request(
                    method,
                    self.base + path,
                    json=body,
                    headers={"X-CSRFToken": getattr(self, "csrf", "")},
                    timeout=5,
                )
                if resp.status_code < 500:
                    assert resp.status_code in (200, 201, 202), resp.text
                    return resp.json()
            except requests.RequestException:
                pass
            assert time.monotonic() < give_up, f"{path} never answered"
            time.sleep(0.2)


def test_sales_survive_the_server_being_killed(tmp_path):
    live = LiveServer(tmp_path / "instance")
    base = live.start()
    try:
        first = Tablet(base)
        cat = {p["name"]: p for p in first._call("get", "/api/catalog")["products"]}
        madeleine = cat["수제 마들렌"]
        hot = next(
            o["id"]
            for g in cat["아메리카노"]["option_groups"]
            for o in g["options"]
            if o["name"] == "HOT"
        )
        first._call(
            "post",
            "/api/stock/moves",
            {"product_id": madeleine["id"], "qty": 500, "kind": "receive"},
        )
        acked: dict[str, int] = {}
        lock = threading.Lock()

        def sell(tablet: Tablet):
            for _ in range(SALES_PER_TABLET):
                body = {
                    "id": str(uuid.uuid4()),
                    "lines": [
                        {"product_id": cat["아메리카노"]["id"], "qty": 1, "options": [hot]},
                        {"product_id": madeleine["id"], "qty": 2, "options": []},
                    ],
                    "payments": [{"method": "cash", "amount": 9500, "tendered": 10000}],
                }
                sale = tablet._call("post", "/api/sales", body)
                assert sale["id"] == body["id"] and sale["change"] == 500
                with lock:
                    acked[sale["id"]] = sale["number"]

        tablets = [Tablet(base) for _ in range(TABLETS)]
        threads = [threading.Thread(target=sell, args=(t,)) for t in tablets]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < TABLETS * SALES_PER_TABLET // 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        live.kill()  # mid-sale: requests are in flight right now
        killed_after = len(acked)
        time.sleep(0.5)
        live.start()
        for t in threads:
            t.join(120)
        assert not any(t.is_alive() for t in threads)
        assert 0 < killed_after < TABLETS * SALES_PER_TABLET
        assert len(acked) == TABLETS * SALES_PER_TABLET
        for sale_id, number in list(acked.items())[:: max(1, len(acked) // 10)]:
            assert first._call("get", f"/api/sales/{sale_id}")["number"] == number
    finally:
        live.stop()

    db = sqlite3.connect(tmp_path / "instance" / "pos.sqlite3")
    ids = [r[0] for r in db.execute("select id from sales")]
    assert sorted(ids) == sorted(acked)  # every acknowledged sale, each exactly once
    numbers = [r[0] for r in db.execute("select number from sales")]
    assert sorted(numbers) == list(range(1, len(acked) + 1))  # no gaps, no duplicates
    events = db.execute(
        "select count(*), count(distinct id) from outbox where type = 'sale.completed'"
    ).fetchone()
    assert events == (len(acked), len(acked))
    on_hand = db.execute(
        "select on_hand from stock_levels l join sites s on s.id = l.site_id "
        "where s.code = 'CAFE03' and l.product_id = ?",
        (madeleine["id"],),
    ).fetchone()[0]
    ledger = db.execute(
        "select sum(qty) from stock_moves m join sites s on s.id = m.site_id "
        "where s.code = 'CAFE03' and m.product_id = ?",
        (madeleine["id"],),
    ).fetchone()[0]
    assert on_hand == ledger == 20 + 500 - 2 * len(acked)
    db.close()

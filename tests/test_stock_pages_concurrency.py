"""Batches at once on PostgreSQL: the same receipt sent twice at the same moment books once,
and transfers A→B and B→A of the same products side by side never deadlock or oversell."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Product, Site, StockLevel, StockMove
from pos.db import db


def _together(calls):
    """Run the calls in threads released at one moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _books(app, skus, sites):
    with app.app_context():
        out = {}
        for code in sites:
            sid = db.session.scalar(select(Site.id).where(Site.code == code))
            for sku in skus:
                pid = db.session.scalar(select(Product.id).where(Product.sku == sku))
                level = db.session.scalar(
                    select(StockLevel.on_hand).where(
                        StockLevel.site_id == sid, StockLevel.product_id == pid
                    )
                )
                total = db.session.scalar(
                    select(func.coalesce(func.sum(StockMove.qty), 0)).where(
                        StockMove.site_id == sid, StockMove.product_id == pid
                    )
                )
                out[(code, sku)] = (level, total)
        return out


def test_the_same_receipt_at_the_same_moment_books_once(app_factory):
    app = app_factory("postgresql")
    one, two = (ApiClient(app, n, pin=p) for n, p in (("cashier3", "1234"), ("cashier3b", "5678")))
    catalog = one.catalog()
    body = {
        "id": str(uuid.uuid4()),
        "lines": [
            {"product_id": catalog["수제 마들렌"]["id"], "qty": 5},
            {"product_id": catalog["초코칩 쿠키"]["id"], "qty": 2},
        ],
    }
    first, second = _together(
        [
            lambda: one.post("/api/stock/receipts", json=body),
            lambda: two.post("/api/stock/receipts", json=body),
        ]
    )
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    books = _books(app, ["D001", "D002"], ["CAFE03"])
    assert books[("CAFE03", "D001")] == (25, 25) and books[("CAFE03", "D002")] == (17, 17)


def test_opposite_transfers_side_by_side_never_deadlock(app_factory):
    app = app_factory("postgresql")
    manager = ApiClient(app, "manager", password="manager1234")
    manager7 = ApiClient(app, "manager", password="manager1234")
    manager7.post("/admin/site", data={"site": "CAFE07"})
    catalog = manager.catalog()
    lines = [
        {"product_id": catalog["수제 마들렌"]["id"], "qty": 1},
        {"product_id": catalog["초코칩 쿠키"]["id"], "qty": 1},
    ]
    for _ in range(8):
        there = {"id": str(uuid.uuid4()), "to_site": "CAFE07", "lines": lines}
        back = {"id": str(uuid.uuid4()), "to_site": "CAFE03", "lines": lines[::-1]}
        a, b = _together(
            [
                lambda: manager.post("/api/stock/transfers", json=there),  # noqa: B023
                lambda: manager7.post("/api/stock/transfers", json=back),  # noqa: B023
            ]
        )
        assert (a.status_code, b.status_code) == (201, 201), (a.get_json(), b.get_json())
    books = _books(app, ["D001", "D002"], ["CAFE03", "CAFE07"])
    assert books[("CAFE03", "D001")] == (20, 20) and books[("CAFE07", "D001")] == (20, 20)
    assert books[("CAFE03", "D002")] == (15, 15) and books[("CAFE07", "D002")] == (15, 15)

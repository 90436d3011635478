"""Disk faults: a full disk mid checkout storm, a read-only database, a corrupted file at start.

The full disk is SQLite's own (``PRAGMA max_page_count`` on every connection the app takes),
so the app sees the same SQLITE_FULL a full file system gives."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid

from sqlalchemy import event, func, select, text
from support import ApiClient, new_sale_body

from inventory.models import StockLevel, StockMove
from pos.db import db, read_only_transaction
from pos.ops.storage import MESSAGE, startup_problem

ITEMS = [("아메리카노", 1, [("온도", "ICE")])]
CASH = [{"method": "cash", "amount": 4500}]


def _limit_pages(app, limit: dict):
    """Every connection checked out gets the current page limit (None: no limit)."""
    with app.app_context():
        engine = db.engine

        def checkout(dbapi_conn, _record, _proxy):
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA max_page_count={limit['pages'] or 1073741823}")
            cur.close()

        event.listen(engine, "checkout", checkout)
        engine.dispose()


def _page_count(app) -> int:
    with app.app_context():
        return db.session.execute(text("PRAGMA page_count")).scalar_one()


def _stock_matches_ledger(app) -> None:
    with app.app_context():
        rows = db.session.execute(
            select(StockMove.site_id, StockMove.product_id, func.sum(StockMove.qty)).group_by(
                StockMove.site_id, StockMove.product_id
            )
        ).all()
        ledger = {(site, product): qty for site, product, qty in rows}
        levels = list(db.session.scalars(select(StockLevel)))
        assert levels
        for level in levels:
            assert level.on_hand == ledger.get((level.site_id, level.product_id), 0)


def test_disk_full_mid_storm_refuses_cleanly_and_resumes(sqlite_app):
    app = sqlite_app
    limit = {"pages": None}
    _limit_pages(app, limit)
    clients = [ApiClient(app, "cashier3", pin="1234") for _ in range(8)]
    body_of = new_sale_body(clients[0], ITEMS, CASH)  # the catalogue once, ids made new
    acked, refused, other = [], [], []
    lock = threading.Lock()
    full = threading.Event()
    room = threading.Event()

    def tablet(api: ApiClient) -> None:
        for _ in range(12):
            body = {**body_of, "id": str(uuid.uuid4())}
            resp = api.post("/api/sales", json=body)
            with lock:
                if resp.status_code == 201:
                    acked.append(body["id"])
                elif resp.status_code == 503:
                    data = resp.get_json()
                    assert data["error"]["code"] == "storage_unavailable"
                    assert data["error"]["message"] == MESSAGE
                    refused.append(body["id"])
                    full.set()
                else:
                    other.append((resp.status_code, resp.get_data(as_text=True)))
            if full.is_set() and not room.is_set() and len(refused) >= 8:
                room.set()
                limit["pages"] = None  # space comes back while tablets keep selling

    # the disk fills a few sales in: no room beyond the pages in use now
    limit["pages"] = _page_count(app) + 2
    threads = [threading.Thread(target=tablet, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not other
    assert refused, "the disk never filled"
    assert room.is_set()
    # after space returned, sales go through again without a restart
    after = clients[0].post("/api/sales", json={**body_of, "id": str(uuid.uuid4())})
    assert after.status_code == 201, after.get_json()
    acked.append(after.get_json()["id"])
    with app.app_context():
        from pos.sales.models import Sale

        ids = [r for (r,) in db.session.execute(select(Sale.id))]
        assert sorted(ids) == sorted(set(ids))
        assert set(acked) <= set(ids)
        assert not set(refused) & set(ids)
        refs = {m.ref for m in db.session.scalars(select(StockMove))}
        assert not any(f"sale:{sid}" in refs for sid in refused)
        assert db.session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    _stock_matches_ledger(app)


def test_read_only_database_answers_503_and_a_korean_page(sqlite_app):
    app = sqlite_app
    api = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(api, ITEMS, CASH)
    before = _sale_count(app)
    # the database turns read-only under the server (a stick remounted read-only: SQLite
    # answers SQLITE_READONLY, as query_only makes it here even for root)
    state = {"read_only": True}
    with app.app_context():
        engine = db.engine

        def checkout(dbapi_conn, _record, _proxy):
            dbapi_conn.execute(f"PRAGMA query_only={int(state['read_only'])}")

        event.listen(engine, "checkout", checkout)
        engine.dispose()
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 503, resp.get_data(as_text=True)
    assert resp.get_json()["error"]["code"] == "storage_unavailable"
    assert resp.headers["Retry-After"]
    # a form post gets the Korean page, not a traceback
    page = api.client.post("/logout", headers={"X-CSRFToken": api.csrf})
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert MESSAGE in html and "Traceback" not in html
    assert _sale_count(app) == before
    # writable again: the same sale goes through, without a restart
    state["read_only"] = False
    again = api.post("/api/sales", json=body)
    assert again.status_code == 201, again.get_json()
    assert _sale_count(app) == before + 1


def _sale_count(app) -> int:
    from pos.sales.models import Sale

    with app.app_context(), read_only_transaction():
        return db.session.execute(select(func.count()).select_from(Sale)).scalar_one()


def test_corrupted_page_at_start_names_pos_restore(sqlite_app, tmp_path):
    app = sqlite_app
    assert startup_problem(app) is None
    path = str(tmp_path / "pos.sqlite3")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        for offset in range(4096 * 2, size, 4096 * 3):
            f.seek(offset)
            f.write(os.urandom(4096))
    message = startup_problem(app)
    assert message is not None
    assert "pos restore" in message
    assert "데이터베이스" in message


def test_not_a_database_at_start_names_pos_restore(sqlite_app, tmp_path):
    app = sqlite_app
    with app.app_context():
        db.engine.dispose()
    path = tmp_path / "pos.sqlite3"
    for side in ("-wal", "-shm"):
        if os.path.exists(str(path) + side):
            os.remove(str(path) + side)
    path.write_bytes(b"this is a spreadsheet, not a database" * 200)
    message = startup_problem(app)
    assert message is not None and "pos restore" in message
    assert "데이터베이스 파일이 아닙니다" in message

"""The raw SQLite baseline: the rows of one sale inserted with no HTTP, Flask or ORM."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from pathlib import Path

from common import SITE, Result, summarise

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


def raw_sqlite(
    sales: int, lines: list[dict], total: int, workdir: Path, synchronous: str = "FULL"
) -> Result:
    """Insert ``sales`` sales (6 rows each), one transaction per sale, single connection: what
    the storage engine alone can do, so the server's share of the cost shows."""
    path = workdir / "raw.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute(f"PRAGMA synchronous={synchronous}")
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
    return summarise(f"raw SQLite insert ({synchronous})", 1, latencies, elapsed, 0)

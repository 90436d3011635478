"""The synthetic trade of the reports benchmark: 250 sites beside the demo's, the demo menu, and
per site and day a varying number of sales written with ``COPY`` into the fact tables and,
aggregated per site and day in Python, into the rollups (split from ``reports.py``)."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg

METHODS = ("card", "card", "card", "cash", "local_currency", "easypay", "onnuri")
#: local hours a café sells, weighted towards lunch
HOURS = (8, 9, 10, 11, 11, 12, 12, 12, 13, 13, 14, 15, 16, 17, 18)


def supply_of(taxable_total: int) -> int:
    """공급가액 = round-half-up(T × 10 / 11) (DESIGN §4)."""
    return (20 * taxable_total + 11) // 22


# -- database and app --------------------------------------------------------------------------


def make_app(url: str, instance: Path, migrate: bool = True):
    from flask_migrate import upgrade

    from pos import create_app
    from pos.db import db
    from pos.demo import load_demo

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "POS_ROLE": "central",
            "INSTANCE_PATH": str(instance),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    if migrate:
        with app.app_context():
            upgrade()
            load_demo()
            db.session.commit()
    return app


def add_sites(app, count: int) -> list[int]:
    """``count`` café sites run by the demo café's vendor; their ids."""
    from pos.db import db
    from pos.sites import Site

    with app.app_context():
        model = db.session.scalars(db.select(Site).where(Site.code == "CAFE03")).one()
        rows = [
            Site(
                code=f"B{n:03d}",
                name=f"벤치 카페 {n}호점",
                kind=model.kind,
                vendor_id=model.vendor_id,
                address="",
                phone="",
            )
            for n in range(1, count + 1)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]


def make_partitions(app, first: date, last: date) -> None:
    from pos.central.partitions import ensure_months
    from pos.db import db

    with app.app_context():
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        ensure_months(days)
        db.session.commit()


def menu_of(url: str) -> list[tuple[int, str, int, int]]:
    """(product id, sku, price, vendor id, exempt?) of the demo's active priced products."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id, sku, name, price, vendor_id, tax FROM products"
            " WHERE active AND price > 0 ORDER BY id"
        ).fetchall()
    assert rows, "the demo catalog has no products"
    return rows


# -- generation --------------------------------------------------------------------------------


class Writer:
    """Buffers COPY text per table and flushes it in large chunks."""

    COLUMNS = {
        "c_sales": "site_id, day, id, number, receipt_no, created_at, hour, username, subtotal,"
        " discount, total, taxable, vat, exempt, items",
        "c_sale_lines": "site_id, day, sale_id, line, product_id, vendor_id, sku, name, tax, qty,"
        " unit_price, amount, discount, net",
        "c_sale_payments": "site_id, day, sale_id, position, method, amount",
        "r_site_day": "site_id, day, sales, refunds, gross, refunded, total, taxable, vat,"
        " exempt, discount, items",
        "r_site_hour": "site_id, day, hour, sales, total",
        "r_product_day": "site_id, day, product_id, qty, total",
        "r_vendor_day": "site_id, day, vendor_id, sales, total, taxable, vat, exempt",
        "r_method_day": "site_id, day, method, count, amount",
    }

    def __init__(self, conn):
        self.conn = conn
        self.buf = {t: [] for t in self.COLUMNS}
        self.rows = dict.fromkeys(self.COLUMNS, 0)
        self.pending = 0

    def add(self, table: str, *values) -> None:
        self.buf[table].append("\t".join(map(str, values)))
        self.rows[table] += 1
        self.pending += 1
        if self.pending >= 200_000:
            self.flush()

    def flush(self) -> None:
        with self.conn.cursor() as cur:
            for table, lines in self.buf.items():
                if not lines:
                    continue
                with cur.copy(f"COPY {table} ({self.COLUMNS[table]}) FROM STDIN") as cp:
                    cp.write("\n".join(lines) + "\n")
                lines.clear()
        self.conn.commit()
        self.pending = 0


def generate(url: str, site_ids: list[int], first: date, days: int, sales: int, seed: int = 7):
    """``sales`` sales spread over the sites and days, facts and rollups consistent."""
    rng = random.Random(seed)
    menu = menu_of(url)
    # weekdays sell 1.08x, weekends 0.7x of the mean: 5/7 * 1.08 + 2/7 * 0.7 = 0.971
    mean = sales / (len(site_ids) * days) / 0.971
    made = 0
    counter = 0
    with psycopg.connect(url) as conn:
        w = Writer(conn)
        for site_id in site_ids:
            busy = rng.uniform(0.6, 1.4)  # some sites sell more than others
            for d in range(days):
                day = first + timedelta(days=d)
                weekend = day.weekday() >= 5
                n = max(0, round(rng.gauss(mean * busy * (0.7 if weekend else 1.08), mean * 0.3)))
                if made + n > sales:
                    n = max(0, sales - made)
                if not n:
                    continue
                made += n
                counter = one_day(w, rng, menu, site_id, day, n, counter)
            if made >= sales:
                break
        w.flush()
    return made, w.rows


def one_day(w: Writer, rng, menu, site_id: int, day: date, n: int, counter: int) -> int:
    sd = defaultdict(int)
    hours = defaultdict(lambda: [0, 0])
    prods = defaultdict(lambda: [0, 0])
    vendors = defaultdict(lambda: [0, 0, 0, 0, 0])
    methods = defaultdict(lambda: [0, 0])
    stamp = day.isoformat()
    for k in range(n):
        counter += 1
        sale_id = str(uuid.UUID(int=counter))
        hour = rng.choice(HOURS)
        created = datetime(day.year, day.month, day.day, hour, rng.randrange(60)) - timedelta(
            hours=9
        )
        lines = rng.sample(menu, rng.choice((1, 2, 2, 3)))
        subtotal = total = items = 0
        per_vendor: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # taxable, exempt
        for i, (pid, sku, name, price, vendor_id, tax) in enumerate(lines, 1):
            qty = rng.choice((1, 1, 1, 2))
            amount = price * qty
            w.add(
                "c_sale_lines",
                site_id,
                stamp,
                sale_id,
                i,
                pid,
                vendor_id,
                sku,
                name,
                tax,
                qty,
                price,
                amount,
                0,
                amount,
            )
            subtotal += amount
            items += qty
            per_vendor[vendor_id][0 if tax == "taxable" else 1] += amount
            p = prods[pid]
            p[0] += qty
            p[1] += amount
        total = subtotal
        taxable = vat = exempt = 0
        for vendor_id, (t, e) in per_vendor.items():
            supply = supply_of(t)
            v = vendors[vendor_id]
            v[0] += 1
            v[1] += t + e
            v[2] += supply
            v[3] += t - supply
            v[4] += e
            taxable += supply
            vat += t - supply
            exempt += e
        w.add(
            "c_sales",
            site_id,
            stamp,
            sale_id,
            k + 1,
            f"S{site_id}-{stamp}-{k + 1}",
            created.isoformat(sep=" "),
            hour,
            "cashier",
            subtotal,
            0,
            total,
            taxable,
            vat,
            exempt,
            items,
        )
        if k % 3 == 0 and total >= 2:
            pays = [(rng.choice(METHODS), total // 2), ("cash", total - total // 2)]
        else:
            pays = [(rng.choice(METHODS), total)]
        for pos, (method, amount) in enumerate(pays, 1):
            w.add("c_sale_payments", site_id, stamp, sale_id, pos, method, amount)
            m = methods[method]
            m[0] += 1
            m[1] += amount
        sd["sales"] += 1
        sd["gross"] += total
        sd["taxable"] += taxable
        sd["vat"] += vat
        sd["exempt"] += exempt
        sd["items"] += items
        h = hours[hour]
        h[0] += 1
        h[1] += total
    w.add(
        "r_site_day",
        site_id,
        stamp,
        sd["sales"],
        0,
        sd["gross"],
        0,
        sd["gross"],
        sd["taxable"],
        sd["vat"],
        sd["exempt"],
        0,
        sd["items"],
    )
    for hour, (c, t) in hours.items():
        w.add("r_site_hour", site_id, stamp, hour, c, t)
    for pid, (q, t) in prods.items():
        w.add("r_product_day", site_id, stamp, pid, q, t)
    for vid, v in vendors.items():
        w.add("r_vendor_day", site_id, stamp, vid, *v)
    for method, (c, a) in methods.items():
        w.add("r_method_day", site_id, stamp, method, c, a)
    return counter

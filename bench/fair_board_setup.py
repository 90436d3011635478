"""Setup of bench/fair_board.py, run inside the throw-away instance's environment: a fair
BENCH with 30 vendors × 50 stock-tracked products, all checked in, and 20,000 sales of 1–3
lines over the fair day, written with Core bulk inserts (setup only, not what is measured).
"""

from __future__ import annotations

import random
import uuid

CODE = "BENCH"
VENDORS, PRODUCTS, SALES = 30, 50, 20_000


def setup() -> None:
    """Runs inside the instance's environment (a subprocess): the fair and its history."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import insert, select

    from inventory.fairs.models import Consignment, ConsignmentLine, FairVendor
    from inventory.fairs.service import create_fair
    from inventory.models import Product, StockLevel, StockMove, Vendor
    from inventory.vendors import make_brn
    from pos import create_app, money
    from pos.db import db
    from pos.sales.models import OrderCounter, Payment, Sale, SaleLine, SaleReceipt

    rnd = random.Random(6)
    app = create_app()
    with app.app_context():
        organiser = db.session.execute(select(Vendor.brn)).scalars().first()
        fair = create_fair(
            CODE,
            name="벤치 장터",
            date=date(2024, 5, 3),
            opens="10:00",
            closes="17:00",
            organiser_brn=organiser,
            commission_pct="10",
        )
        site_id = fair.site_id
        vendors = [
            {
                "name": f"벤치 자활센터 {v + 1:02d}",
                "owner": "대표",
                "brn": make_brn(f"7{v + 1:03d}00000"),
                "address": "",
                "phone": "",
                "tax_type": "general",
                "is_example": True,
                "active": True,
                "created_at": datetime.now(UTC).replace(tzinfo=None),
            }
            for v in range(VENDORS)
        ]
        db.session.execute(insert(Vendor.__table__), vendors)
        vids = dict(
            db.session.execute(
                select(Vendor.brn, Vendor.id).where(Vendor.name.like("벤치 자활센터%"))
            ).all()
        )
        vendor_ids = [vids[v["brn"]] for v in vendors]
        db.session.execute(
            insert(FairVendor.__table__),
            [
                {
                    "site_id": site_id,
                    "vendor_id": vid,
                    "booth": f"{chr(65 + i // 10)}-{i % 10 + 1}",
                    "sort": i,
                    "created_at": datetime.now(UTC).replace(tzinfo=None),
                }
                for i, vid in enumerate(vendor_ids)
            ],
        )
        rows = []
        for i, vid in enumerate(vendor_ids):
            for p in range(PRODUCTS):
                rows.append(
                    {
                        "sku": f"B{i:02d}-{p:02d}",
                        "name": f"벤치 상품 {i:02d}-{p:02d}",
                        "price": 1000 * rnd.randint(2, 20),
                        "tax": rnd.choice(["taxable", "exempt"]),
                        "vendor_id": vid,
                        "track_stock": True,
                        "sold_out": False,
                        "active": True,
                        "sort": 2000 + i * PRODUCTS + p,
                        "description": "",
                        "low_stock": 5,
                    }
                )
        db.session.execute(insert(Product.__table__), rows)
        products = db.session.execute(
            select(Product.id, Product.price, Product.tax, Product.vendor_id, Product.sku).where(
                Product.sku.like("B%-%")
            )
        ).all()
        start = datetime(2024, 5, 3, 1, 0)  # 10:00 in Seoul
        brought = {p.id: 400 for p in products}
        moves = [
            {
                "id": str(uuid.uuid4()),
                "site_id": site_id,
                "product_id": p.id,
                "qty": 400,
                "reason": "consign_in",
                "ref": "consignment:bench",
                "note": "",
                "created_at": start - timedelta(hours=1),
            }
            for p in products
        ]
        check_ins = [
            {
                "id": str(uuid.uuid4()),
                "site_id": site_id,
                "vendor_id": vid,
                "signed_by": "대표",
                "note": "",
                "request_hash": "bench",
                "created_at": start - timedelta(hours=1),
            }
            for vid in vendor_ids
        ]
        db.session.execute(insert(Consignment.__table__), check_ins)
        of_vendor = {c["vendor_id"]: c["id"] for c in check_ins}
        db.session.execute(
            insert(ConsignmentLine.__table__),
            [
                {"consignment_id": of_vendor[p.vendor_id], "position": i, "product_id": p.id}
                | {"qty": 400}
                for i, p in enumerate(products)
            ],
        )
        sold = dict.fromkeys(brought, 0)
        sales, lines, receipts, payments = [], [], [], []
        for n in range(1, SALES + 1):
            sid = str(uuid.uuid4())
            at = start + timedelta(seconds=rnd.randint(0, 7 * 3600 - 1))
            picked = rnd.sample(products, rnd.randint(1, 3))
            by_vendor: dict[int, list] = {}
            for pos, p in enumerate(picked):
                qty = rnd.randint(1, 2)
                sold[p.id] += qty
                by_vendor.setdefault(p.vendor_id, []).append((pos, p, qty))
            total = taxable = 0
            for r, (vid, group) in enumerate(by_vendor.items()):
                g_total = sum(p.price * q for _, p, q in group)
                g_tax = sum(p.price * q for _, p, q in group if p.tax == "taxable")
                split = money.vat_split(g_tax, g_total - g_tax)
                receipts.append(
                    {
                        "sale_id": sid,
                        "position": r,
                        "receipt_no": f"{CODE}-20240503-{n:05d}-{r + 1}",
                        "vendor_id": vid,
                        "vendor_name": "",
                        "vendor_owner": "",
                        "vendor_brn": "0000000000",
                        "vendor_address": "",
                        "vendor_phone": "",
                        "subtotal": g_total,
                        "discount": 0,
                        "total": g_total,
                        "taxable_supply": split.taxable_supply,
                        "vat": split.vat,
                        "exempt": split.exempt,
                    }
                )
                for pos, p, q in group:
                    lines.append(
                        {
                            "sale_id": sid,
                            "position": pos,
                            "receipt_position": r,
                            "product_id": p.id,
                            "sku": p.sku,
                            "name": p.sku,
                            "options_json": "[]",
                            "unit_price": p.price,
                            "qty": q,
                            "amount": p.price * q,
                            "discount_share": 0,
                            "tax": p.tax,
                            "vendor_id": vid,
                            "track_stock": True,
                        }
                    )
                    moves.append(
                        {
                            "id": str(uuid.uuid4()),
                            "site_id": site_id,
                            "product_id": p.id,
                            "qty": -q,
                            "reason": "sale",
                            "ref": f"sale:{sid}",
                            "note": "",
                            "created_at": at,
                        }
                    )
                total += g_total
                taxable += g_tax
            split = money.vat_split(taxable, total - taxable)
            sales.append(
                {
                    "id": sid,
                    "site_id": site_id,
                    "number": n,
                    "business_day": date(2024, 5, 3),
                    "receipt_no": f"{CODE}-20240503-{n:05d}",
                    "status": "completed",
                    "subtotal": total,
                    "discount": 0,
                    "total": total,
                    "taxable_total": taxable,
                    "taxable_supply": split.taxable_supply,
                    "vat": split.vat,
                    "exempt": split.exempt,
                    "change_due": 0,
                    "request_hash": uuid.uuid4().hex,
                    "receipt_token": uuid.uuid4().hex,
                    "receipt_url": "http://bench/",
                    "created_at": at,
                }
            )
            cash = total if rnd.random() < 0.9 else total // 2
            payments.append(
                {"sale_id": sid, "position": 0, "method": "cash", "amount": cash, "change": 0}
            )
            if cash < total:
                payments.append(
                    {
                        "sale_id": sid,
                        "position": 1,
                        "method": "card",
                        "amount": total - cash,
                        "change": 0,
                        "approval_no": "1",
                    }
                )
        for table, data in (
            (Sale, sales),
            (SaleReceipt, receipts),
            (SaleLine, lines),
            (Payment, payments),
            (StockMove, moves),
        ):
            for i in range(0, len(data), 5000):
                db.session.execute(insert(table.__table__), data[i : i + 5000])
        db.session.execute(
            insert(StockLevel.__table__),
            [
                {
                    "site_id": site_id,
                    "product_id": pid,
                    "on_hand": brought[pid] - sold[pid],
                    "updated_at": start,
                }
                for pid in brought
            ],
        )
        db.session.execute(
            insert(OrderCounter.__table__),
            [{"site_id": site_id, "day": date(2024, 5, 3), "last_number": SALES}],
        )
        fair.state = "open"
        db.session.commit()
        print(f"fair {CODE}: {len(products)} products, {len(sales)} sales, {len(lines)} lines")


if __name__ == "__main__":
    setup()

"""The café operations migration keeps every sale a branch already has: SQLite must not
rebuild `sales` (its lines would cascade away), and old rows read as before."""

from __future__ import annotations

import uuid

import pytest
from apps import make_app
from flask_migrate import upgrade
from sqlalchemy import text
from support import ApiClient, new_sale_body

from pos import create_app
from pos.db import db

BEFORE = "b8c9d0e1f2a3"


OLD_TABLES = ("sales", "sale_receipts", "sale_lines", "payments", "stock_moves", "print_jobs")


def _rows(table: str) -> list[dict]:
    return [dict(r) for r in db.session.execute(text(f"SELECT * FROM {table}")).mappings()]  # noqa: S608


def test_sales_made_before_the_upgrade_survive_it(tmp_path):
    """A sale written by the previous schema (its rows copied into a database migrated only
    to b8c9d0e1f2a3) is all there after upgrading, and the till sells on."""
    made = make_app(tmp_path / "made", "sqlite")
    cashier = ApiClient(made, "cashier3", pin="1234")
    body = new_sale_body(cashier, [("아메리카노", 2, [("온도", "ICE")])])
    body["payments"] = [{"method": "cash", "amount": 9000, "tendered": 10000}]
    first = cashier.post("/api/sales", json=body).get_json()
    with made.app_context():
        old = {t: _rows(t) for t in OLD_TABLES}
        made_rows = {
            t: _rows(t)
            for t in ("vendors", "sites", "users", "categories", "products", "stock_levels")
        }

    fresh = tmp_path / "fresh.sqlite3"
    old_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{fresh}",
            "POS_SITE": "CAFE03",
            "INSTANCE_PATH": str(tmp_path / "fresh"),
        }
    )
    with old_app.app_context():
        upgrade(revision=BEFORE)
        # the rows the sale needs around it (sites, users, products …) come along too
        for t in ("vendors", "sites", "users", "categories", "products", "stock_levels"):
            columns_t = {
                c["name"] for c in db.session.execute(text(f"PRAGMA table_info({t})")).mappings()
            }
            for row in made_rows[t]:
                kept = {k: v for k, v in row.items() if k in columns_t}
                db.session.execute(
                    text(
                        f"INSERT INTO {t} ({', '.join(kept)}) "  # noqa: S608
                        f"VALUES ({', '.join(':' + k for k in kept)})"
                    ),
                    kept,
                )
        columns = {
            t: {c["name"] for c in db.session.execute(text(f"PRAGMA table_info({t})")).mappings()}
            for t in OLD_TABLES
        }
        for t, rows in old.items():
            for row in rows:
                kept = {k: v for k, v in row.items() if k in columns[t]}
                names = ", ".join(kept)
                marks = ", ".join(f":{k}" for k in kept)
                db.session.execute(text(f"INSERT INTO {t} ({names}) VALUES ({marks})"), kept)  # noqa: S608
        db.session.commit()
        upgrade()
        after = {t: len(_rows(t)) for t in OLD_TABLES}
        assert after == {t: len(rows) for t, rows in old.items()}
        assert all(after[t] for t in ("sales", "sale_lines", "payments"))
        line = db.session.execute(
            text("SELECT line_discount, made_to_order, campaign_id FROM sale_lines")
        ).first()
        assert tuple(line) == (0, 0, None)
        job = db.session.execute(text("SELECT kind, target FROM print_jobs")).first()
        assert job is None or tuple(job) == ("receipt", "receipt")
        assert db.session.execute(text("SELECT status FROM sales")).scalar() == "completed"
        # the new statuses are allowed, an unknown one still refused
        db.session.execute(text("UPDATE sales SET status='refunded'"))
        with pytest.raises(Exception, match="ck_sales_status"):
            db.session.execute(text("UPDATE sales SET status='lost'"))
        db.session.rollback()
        assert first["id"] == db.session.execute(text("SELECT id FROM sales")).scalar()


def test_require_shift_refuses_a_sale_without_an_open_shift(app_factory):
    app = app_factory("sqlite", REQUIRE_SHIFT="1")
    cashier = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(cashier, [("아메리카노", 1, [("온도", "HOT")])])
    body["payments"] = [{"method": "cash", "amount": 4500}]
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "no_shift"
    assert "시작 현금" in resp.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM sales")).scalar() == 0
    # with a shift open (through the model: the shift API has its own tests) the sale goes
    with app.app_context():
        from pos.auth.models import User
        from pos.context import server_site
        from pos.shifts.models import Shift

        user = db.session.execute(db.select(User).where(User.username == "cashier3")).scalar_one()
        with app.test_request_context():
            site = server_site()
        shift_id = str(uuid.uuid4())
        db.session.add(Shift(id=shift_id, site_id=site.id, user_id=user.id, opening_float=50000))
        db.session.commit()
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    with app.app_context():
        stored = db.session.execute(text("SELECT shift_id FROM sales")).scalar()
        assert stored == shift_id


def test_require_shift_is_off_unless_switched_on(app_factory):
    app = app_factory("sqlite", REQUIRE_SHIFT="0")
    assert app.config["REQUIRE_SHIFT"] is False
    cashier = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(cashier, [("아메리카노", 1, [("온도", "HOT")])])
    body["payments"] = [{"method": "cash", "amount": 4500}]
    assert cashier.post("/api/sales", json=body).status_code == 201

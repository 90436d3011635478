"""Migration d1a2b3c4d5e6 on a database that already has a catalog: every product, category,
option group and option gets the same uid ``pos demo`` gives it (so a branch migrated from
before and a central loaded fresh agree), a repeated group name still gets a unique one, and
every synced row starts at version 1, so the first pull (since=0) sends it."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from apps import make_app
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, text
from sync_catalog_kit import dispose

from pos import create_app
from pos.db import db
from pos.versions import current_version, natural_uid

BEFORE = "d0a1b2c3d4e5"
TABLES = (
    "vendors",
    "sites",
    "users",
    "campaigns",
    "categories",
    "option_groups",
    "options",
    "products",
    "product_option_groups",
)
UID_TABLES = ("categories", "option_groups", "options", "products")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _rows(table: str) -> list[dict]:
    """Typed rows (booleans as bool, times as datetime), so they insert on either database."""
    reflected = Table(table, MetaData(), autoload_with=db.session.connection())
    return [dict(r) for r in db.session.execute(reflected.select()).mappings()]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    name = f"pos_test_h1mig_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_existing_rows_get_the_demo_uids_and_version_one(tmp_path, empty_url):
    made = make_app(tmp_path / "made", "sqlite")
    with made.app_context():
        demo = {t: _rows(t) for t in TABLES}
    old = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": empty_url,
            "POS_SITE": "CAFE03",
            "INSTANCE_PATH": str(tmp_path / "old"),
        }
    )
    with old.app_context():
        upgrade(revision=BEFORE)
        for t in TABLES:
            reflected = Table(t, MetaData(), autoload_with=db.session.connection())
            for row in demo[t]:
                kept = {k: v for k, v in row.items() if k not in ("uid", "version")}
                db.session.execute(reflected.insert().values(**kept))
        # a second group called 온도 (made by hand before uids existed)
        db.session.execute(
            text(
                "INSERT INTO option_groups (id, name, required, max_select, sort, active) "
                "VALUES (900, '온도', false, 1, 9, true)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO options (id, group_id, name, price_delta, sort, active) "
                "VALUES (900, 900, 'HOT', 0, 0, true)"
            )
        )
        db.session.commit()
        upgrade()
        after = {t: {r["id"]: r for r in _rows(t)} for t in (*UID_TABLES, "sites", "users")}
        assert current_version() == 1
    dispose(made, old)
    for t in UID_TABLES:
        for row in demo[t]:
            uid = after[t][row["id"]]["uid"]
            if t == "option_groups" and row["name"] == "온도":
                # the name repeats now: both 온도 groups are told apart by their id
                assert uid == natural_uid("option_group", f"온도:{row['id']}")
            elif t == "options" and row["group_id"] == _group_id(demo, "온도"):
                assert uid == natural_uid("option", f"온도:{row['group_id']}:{row['name']}")
            else:
                assert uid == row["uid"], (t, row)
        uids = [r["uid"] for r in after[t].values()]
        assert len(set(uids)) == len(uids) and all(uids)
    assert after["products"][demo["products"][0]["id"]]["uid"] == natural_uid("product", "C001")
    for t in (*UID_TABLES, "sites", "users"):
        assert {r["version"] for r in after[t].values()} == {1}, t


def _group_id(demo: dict, name: str) -> int:
    return next(r["id"] for r in demo["option_groups"] if r["name"] == name)

"""Codebase health the next capabilities build on: imports run one way (DESIGN §3), and the
models and the migrations describe the same database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pos.db import db

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    """printers imports nothing of ours; the kernel of pos knows no domain package; inventory
    uses only the kernel. The contracts live in pyproject.toml."""
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 5 kept, 0 broken." in done.stdout


def _partition_children(conn) -> set[str]:
    """Month (and DEFAULT) partitions of the central fact tables: made by the migration and at
    ingest, never models of their own, so the comparison leaves them out."""
    if conn.dialect.name != "postgresql":
        return set()
    from sqlalchemy import text

    rows = conn.execute(text("SELECT inhrelid::regclass::text FROM pg_inherits"))
    return {name for (name,) in rows}


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        children = _partition_children(conn)

        def include_name(name, type_, parent_names):
            return not (type_ == "table" and name in children)

        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "render_as_batch": True, "include_name": include_name},
        )
        return compare_metadata(context, db.metadata)


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_models_and_migrations_agree(app_factory, backend_name):
    """Alembic's autogenerate finds nothing to add: every model change has its migration."""
    app = app_factory(backend_name)
    assert _differences(app) == []


def test_enums_and_database_checks_agree(app_factory):
    """Each closed set is one StrEnum: the migrated database refuses a value outside it."""
    import re

    from sqlalchemy import text

    from inventory.models import MoveReason, ProductTax
    from pos.auth.models import Role
    from pos.sites import SiteKind

    app = app_factory("sqlite")
    with app.app_context():
        for table, column, enum in (
            ("users", "role", Role),
            ("sites", "kind", SiteKind),
            ("products", "tax", ProductTax),
            ("stock_moves", "reason", MoveReason),
        ):
            sql = db.session.execute(
                text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:t"), {"t": table}
            ).scalar()
            found = re.search(rf"{column} in \(([^)]*)\)", sql)
            assert found, (table, sql)
            listed = tuple(v.strip().strip("'") for v in found.group(1).split(","))
            assert listed == tuple(e.value for e in enum), table

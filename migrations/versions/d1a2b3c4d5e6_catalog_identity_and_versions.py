"""catalog identity and versions

Revision ID: d1a2b3c4d5e6
Revises: d0a1b2c3d4e5
Create Date: 2026-12-02 07:30:00

Products, categories, option groups and options get a ``uid`` (the identity key that crosses
the wire), backfilled deterministically from the natural key, the same rule as
``pos.versions.natural_uid`` (copied here as plain code: a migration keeps meaning what it
meant). Every synced table gets a ``version`` (existing rows: 1, and the clock starts at 1,
so ``since=0`` sends them all); ``catalog_clock`` is the one counter row, ``catalog_tombstones``
remembers deleted rows by identity key.
"""

import uuid
from collections import Counter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d1a2b3c4d5e6"
down_revision = "d0a1b2c3d4e5"
branch_labels = None
depends_on = None

#: written out, not imported: pos.versions.UID_NAMESPACE
UID_NAMESPACE = uuid.UUID("6f1c2d7e-3b4a-5c6d-8e9f-0a1b2c3d4e5f")
UID_TABLES = ("categories", "option_groups", "options", "products")
VERSION_TABLES = (
    "sites",
    "vendors",
    "categories",
    "products",
    "option_groups",
    "options",
    "site_products",
    "users",
    "campaigns",
)


def _uid(kind, key):
    return str(uuid.uuid5(UID_NAMESPACE, f"{kind}:{key}"))


def _add_not_null(table, column, type_, default):
    """A NOT NULL column added in place (SQLite cannot alter it later without rebuilding a
    table other tables reference)."""
    if op.get_bind().dialect.name == "sqlite":
        sql_type = type_.compile(dialect=op.get_bind().dialect)
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type} NOT NULL DEFAULT {default}")
    else:
        op.add_column(
            table, sa.Column(column, type_, nullable=False, server_default=sa.text(default))
        )


def _natural_uids(conn):
    """{table: {id: uid}} from sku, names, and the group an option belongs to; a name that
    repeats gets its id appended so every key stays unique."""
    out = {t: {} for t in UID_TABLES}
    for row_id, sku in conn.execute(sa.text("SELECT id, sku FROM products")):
        out["products"][row_id] = _uid("product", sku)
    for row_id, name in conn.execute(sa.text("SELECT id, name FROM categories")):
        out["categories"][row_id] = _uid("category", name)
    groups = list(conn.execute(sa.text("SELECT id, name FROM option_groups ORDER BY id")))
    repeats = Counter(name for _, name in groups)
    group_key = {i: (n if repeats[n] == 1 else f"{n}:{i}") for i, n in groups}
    for row_id in group_key:
        out["option_groups"][row_id] = _uid("option_group", group_key[row_id])
    options = list(conn.execute(sa.text("SELECT id, group_id, name FROM options ORDER BY id")))
    repeats = Counter((g, n) for _, g, n in options)
    for row_id, group_id, name in options:
        key = f"{group_key.get(group_id, group_id)}:{name}"
        if repeats[(group_id, name)] > 1:
            key += f":{row_id}"
        out["options"][row_id] = _uid("option", key)
    return out


def upgrade():
    conn = op.get_bind()
    for table in UID_TABLES:
        _add_not_null(table, "uid", sa.String(length=36), "''")
    for table, uids in _natural_uids(conn).items():
        rows = sa.table(table, sa.column("id"), sa.column("uid"))
        stmt = rows.update().where(rows.c.id == sa.bindparam("row_id"))
        for row_id, uid in uids.items():
            conn.execute(stmt.values(uid=uid), {"row_id": row_id})
    for table in UID_TABLES:
        if conn.dialect.name != "sqlite":
            op.alter_column(table, "uid", server_default=None)
        op.create_index(op.f(f"ix_{table}_uid"), table, ["uid"], unique=True)
    for table in VERSION_TABLES:
        _add_not_null(table, "version", sa.BigInteger(), "0")
        op.execute(sa.table(table, sa.column("version")).update().values(version=1))
        op.create_index(op.f(f"ix_{table}_version"), table, ["version"], unique=False)
    op.create_table(
        "catalog_clock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_clock")),
    )
    op.execute(sa.text("INSERT INTO catalog_clock (id, value) VALUES (1, 1)"))
    op.create_table(
        "catalog_tombstones",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_catalog_tombstones")),
    )
    op.create_index(
        op.f("ix_catalog_tombstones_version"), "catalog_tombstones", ["version"], unique=False
    )


def downgrade():
    op.drop_table("catalog_tombstones")
    op.drop_table("catalog_clock")
    for table in VERSION_TABLES:
        op.drop_index(op.f(f"ix_{table}_version"), table_name=table)
        op.drop_column(table, "version")
    for table in UID_TABLES:
        op.drop_index(op.f(f"ix_{table}_uid"), table_name=table)
        op.drop_column(table, "uid")  # SQLite 3.35+ drops a plain column in place

"""Bulk statements for ingest: one round trip per table and batch, whatever its row count.

On PostgreSQL the rows go as one array per column into ``INSERT … SELECT * FROM unnest(…)``:
the statement text is the same for every batch (parsed once, no huge VALUES list to build or
to quote), which is what keeps a 200-sale batch at a few milliseconds. SQLite (a branch's own
reports) takes the rows through ``executemany`` in process."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, String, Table, text

from pos.db import db, dialect_insert

_PG_TYPES = {
    BigInteger: "int8",
    Integer: "int4",
    String: "text",
    Date: "date",
    DateTime: "timestamp",
    Boolean: "bool",
}


def _pg_type(column) -> str:
    for kind, name in _PG_TYPES.items():
        if isinstance(column.type, kind):
            return name
    raise TypeError(f"no array type for {column}")  # pragma: no cover (models use the above)


def _unnest_sql(table: Table, tail: str) -> str:
    cols = list(table.columns)
    names = ", ".join(f'"{c.name}"' for c in cols)
    arrays = ", ".join(f"CAST(:c{i} AS {_pg_type(c)}[])" for i, c in enumerate(cols))
    return f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) {tail}"  # noqa: S608


def _arrays(table: Table, rows: list[dict]) -> dict:
    return {f"c{i}": [r[c.name] for r in rows] for i, c in enumerate(table.columns)}


def insert_new(table: Table, rows: list[dict]) -> None:
    """Insert rows; one whose key is there already (a test-only replay) is skipped."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_unnest_sql(table, "ON CONFLICT DO NOTHING")), _arrays(table, rows))
    else:
        session.execute(dialect_insert(table).on_conflict_do_nothing(), rows)


def add_to(table: Table, keys: tuple[str, ...], rows: list[dict], replace=()) -> None:
    """Upsert rows (each key once): existing rows get ``col = col + excluded.col`` for every
    non-key column, except the ``replace`` columns, which take the new value."""
    session = db.session
    values = [c.name for c in table.columns if c.name not in keys]
    if session.get_bind().dialect.name == "postgresql":
        sets = ", ".join(
            f'"{c}" = excluded."{c}"'
            if c in replace
            else f'"{c}" = {table.name}."{c}" + excluded."{c}"'
            for c in values
        )
        conflict = ", ".join(f'"{k}"' for k in keys)
        tail = f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
        session.execute(text(_unnest_sql(table, tail)), _arrays(table, rows))
        return
    stmt = dialect_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={
            c: stmt.excluded[c] if c in replace else table.c[c] + stmt.excluded[c] for c in values
        },
    )
    session.execute(stmt, rows)

"""Bulk statements for ingest: one round trip per table and batch, whatever its row count.

On PostgreSQL a table's rows go as one JSON document into ``INSERT … SELECT … FROM
json_populate_recordset(NULL::table, …)``: the statement text is the same for every batch
(parsed once, no huge VALUES list to build or to quote), orjson makes the document (dates and
times included, several times faster than the standard encoder, which was the largest Python
cost left) and PostgreSQL maps its keys onto the table's own column types. Arrays per column
(``unnest``) did the same, but psycopg builds array literals in Python, a quarter of a batch's
time. SQLite (a branch's own reports) takes the rows through ``executemany``."""

from __future__ import annotations

import orjson
from sqlalchemy import Table, text

from pos.db import db, dialect_insert


def _recordset_sql(table: Table, tail: str) -> str:
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    # every name comes from the table definitions, never from input
    return (
        f"INSERT INTO {table.name} ({names}) SELECT {names} "  # noqa: S608
        f"FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json)) {tail}"
    )


def _document(table: Table, rows: list[dict]) -> dict:
    """Every row carries every column (a missing key would be NULL, not the default). Keys
    may be SQLAlchemy's column names, a ``str`` subclass orjson takes only with this option."""
    return {"rows": orjson.dumps(rows, option=orjson.OPT_NON_STR_KEYS).decode()}


def insert_new(table: Table, rows: list[dict]) -> None:
    """Insert rows; one whose key is there already (a test-only replay) is skipped."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(_recordset_sql(table, "ON CONFLICT DO NOTHING")), _document(table, rows)
        )
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
        session.execute(text(_recordset_sql(table, tail)), _document(table, rows))
        return
    stmt = dialect_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={
            c: stmt.excluded[c] if c in replace else table.c[c] + stmt.excluded[c] for c in values
        },
    )
    session.execute(stmt, rows)

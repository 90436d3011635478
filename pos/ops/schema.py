"""Is a file an intact database of this app, and how does its schema stand against the code?

Shared by backup (check the copy), restore (refuse what it must not put in place), init (refuse
a database newer than the code) and check (pending migrations). Opened read-only through the
``sqlite3`` module: looking at a file never changes it, whatever it turns out to be."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass

#: tables every branch database of this app has; another program's SQLite file lacks them
APP_TABLES = frozenset({"alembic_version", "sales", "sale_lines", "users", "sites", "outbox"})

#: states of :class:`DbInfo`
CURRENT, BEHIND, NEWER = "current", "behind", "newer"


@dataclass(frozen=True)
class DbInfo:
    """What :func:`inspect_database` found. ``problem`` is a Korean sentence, or None when the
    file is an intact database of this app; ``state`` is CURRENT, BEHIND (migrations pending)
    or NEWER (a revision this code does not know: made by a newer version)."""

    path: str
    problem: str | None
    revision: str | None = None
    state: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def migrations_dir(app=None) -> str:
    """The app's migrations folder (tests point ``migrate`` at a folder of their own)."""
    if app is None:
        from flask import current_app

        app = current_app
    return app.extensions["migrate"].directory


def _script(directory: str):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(cfg)


def code_heads(directory: str | None = None) -> set[str]:
    """The head revision(s) of the code's migrations."""
    return set(_script(directory or migrations_dir()).get_heads())


def revision_state(revision: str | None, directory: str | None = None) -> str:
    """CURRENT, BEHIND or NEWER for a database at ``revision`` (None: nothing applied yet)."""
    script = _script(directory or migrations_dir())
    heads = set(script.get_heads())
    if revision in heads:
        return CURRENT
    if revision is None:
        return BEHIND
    try:
        script.get_revision(revision)
    except Exception:  # alembic raises its own errors for a revision it cannot find
        return NEWER
    return BEHIND


def _open_read_only(path: str) -> sqlite3.Connection:
    # mode=ro never creates or writes the file; a WAL database still reads its -wal file
    return sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True, timeout=15)


def read_revision(path: str) -> str | None:
    """The alembic revision stored in the database at ``path`` (None when none)."""
    conn = _open_read_only(path)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def _truncated(path: str, header: bytes) -> bool:
    """The header's page count (valid when its change counter matches, file format §1.3.7)
    says how long the file is; a copy cut short is shorter."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] != header[92:96] or pages == 0:
        return False
    return os.path.getsize(path) < page_size * pages


def inspect_database(path: str, directory: str | None = None, full: bool = True) -> DbInfo:
    """Check ``path``: a readable SQLite file, ``integrity_check`` (or ``quick_check`` when not
    ``full``) ok, this app's tables present, a revision this code knows or one newer."""
    name = os.path.basename(path)
    if not os.path.isfile(path):
        return DbInfo(path, f"파일 {name}이(가) 없습니다")
    with open(path, "rb") as fh:
        header = fh.read(100)
    if header[:16] != b"SQLite format 3\x00" or len(header) < 100:
        return DbInfo(path, f"{name}은(는) 데이터베이스 파일이 아닙니다")
    if _truncated(path, header):
        return DbInfo(path, f"{name}이(가) 손상되었거나 잘린 파일입니다")
    try:
        conn = _open_read_only(path)
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
            if rows != ["ok"]:
                return DbInfo(path, f"{name}이(가) 손상되었습니다 (무결성 검사 실패)")
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not APP_TABLES <= tables:
                return DbInfo(path, f"{name}은(는) 꿈이든 POS의 데이터베이스가 아닙니다")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        # a truncated or garbled file fails here (“file is not a database”, “malformed”)
        return DbInfo(path, f"{name}이(가) 손상되었거나 잘린 파일입니다")
    revision = row[0] if row else None
    state = revision_state(revision, directory)
    if state == NEWER:
        return DbInfo(
            path,
            f"{name}은(는) 더 새로운 버전의 꿈이든 POS에서 만든 데이터베이스입니다 "
            f"(스키마 {revision}). 프로그램을 먼저 업데이트하세요",
            revision,
            state,
        )
    return DbInfo(path, None, revision, state)


def sqlite_path(app=None) -> str | None:
    """The file of the app's SQLite database (None for PostgreSQL or in memory)."""
    if app is None:
        from flask import current_app

        app = current_app
    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database

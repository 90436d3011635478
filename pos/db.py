"""The one SQLAlchemy object every domain package shares, and the SQLite settings a branch needs."""

from __future__ import annotations

import contextlib
import contextvars
import os

try:
    import fcntl
except ImportError:  # not on Windows: SQLite's own busy wait still serialises writers
    fcntl = None
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

#: Constraint names stable across SQLite and PostgreSQL so migrations can address them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


#: Objects stay readable after commit: a response is built from what was just written
#: instead of reloading it (sessions live for one request, so nothing goes stale).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

#: False for GET requests: their transactions only read, so they must not queue for the lock.
sqlite_writes: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_writes", default=True)


class _WriteGate:
    """Serialises SQLite writers across threads (a lock) and server processes (``flock`` on a
    file beside the database), so they queue in the kernel instead of in SQLite's busy handler,
    whose back-off sleeps gave checkout a long latency tail under load.
    """

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        # a forked worker must neither inherit a held lock nor share the parent's open file
        for fd in getattr(self, "files", {}).values():
            os.close(fd)
        self.lock = threading.RLock()
        self.depth = 0
        self.files: dict[str, int] = {}
        self.held_fd: int | None = None

    def acquire(self, db_path: str | None, timeout: float = 20) -> bool:
        if not self.lock.acquire(timeout=timeout):
            return False
        self.depth += 1
        if self.depth == 1 and db_path and fcntl is not None:
            fd = self.files.get(db_path)
            if fd is None:
                fd = self.files[db_path] = os.open(db_path + ".writelock", os.O_RDWR | os.O_CREAT)
            if _flock_within(fd, timeout):
                self.held_fd = fd
            # else: a stuck process holds it; SQLite's own busy wait still keeps writes safe
        return True

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.held_fd is not None:
            fcntl.flock(self.held_fd, fcntl.LOCK_UN)
            self.held_fd = None
        self.lock.release()


def _flock_within(fd: int, timeout: float) -> bool:
    """Take the file lock, waiting in short steps (never forever: a hung process must not
    stop the branch from selling)."""
    deadline = time.monotonic() + timeout
    pause = 0.0002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.002)


_gate = _WriteGate()


@contextlib.contextmanager
def read_only_transaction():
    """Run the block in a transaction of its own that only reads.

    On SQLite a request that will write takes the write lock at its first query; slow work
    that only reads (checking a password hash) must not hold it while sales wait. The block
    gets a plain BEGIN; whatever the caller does after it starts a new transaction."""
    if db.session().in_transaction():
        db.session.commit()
    token = sqlite_writes.set(False)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        sqlite_writes.reset(token)


def new_id() -> str:
    """UUIDs are made where the thing happens, so retries and sync never duplicate it."""
    return str(uuid.uuid4())


def dialect_insert(table):
    """INSERT with ON CONFLICT for the database in use (SQLite and PostgreSQL both have it)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


#: how far this context's clock is set back (only ``pos demo --day`` does, to make yesterday)
_clock_back: contextvars.ContextVar[timedelta] = contextvars.ContextVar(
    "clock_back", default=timedelta(0)
)


def utcnow() -> datetime:
    """Naive UTC: SQLite has no time zones, so every timestamp is stored as UTC."""
    return datetime.now(UTC).replace(tzinfo=None) - _clock_back.get()


@contextlib.contextmanager
def clock_set_back(delta: timedelta):
    """Within the block, ``utcnow`` (and the business day taken from it) is ``delta`` earlier:
    the demo writes yesterday's café day through the same services a tablet uses."""
    token = _clock_back.set(delta)
    try:
        yield
    finally:
        _clock_back.reset(token)


#: pages of WAL after which a commit checkpoints by itself (SQLite's default 1000, about 4 MB).
#: ``pos serve``'s web workers raise it: the daily-backup worker checkpoints in the background
#: every second, so a sale's commit no longer pays for copying the WAL into the database (after
#: a backup, whose snapshot held the WAL back, that was 100-300 ms for one unlucky sale). The
#: raised bound still keeps the WAL finite if that worker is down.
autocheckpoint_pages = 1000


def leave_checkpoints_to_the_background(pages: int = 16000) -> None:
    """Called by a web worker before it makes its app (see :data:`autocheckpoint_pages`)."""
    global autocheckpoint_pages
    autocheckpoint_pages = pages


def _sqlite_connect_with(synchronous: str):
    def connect(dbapi_conn, record) -> None:
        _sqlite_connect(dbapi_conn, record, synchronous)

    return connect


def _sqlite_connect(dbapi_conn, _record, synchronous: str = "FULL") -> None:
    # Let us issue BEGIN ourselves (see _sqlite_begin) instead of pysqlite's deferred BEGIN.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL syncs the WAL on every commit: with NORMAL a power cut (the café PC unplugged) can
    # lose the last acknowledged sales, though a crash of the process cannot.
    cur.execute(f"PRAGMA synchronous={synchronous}")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint_pages)}")
    cur.close()


def _sqlite_begin(conn) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: two tablets selling the last unit queue
    # up instead of failing with SQLITE_BUSY when a read transaction tries to become a write.
    if not sqlite_writes.get():
        conn.exec_driver_sql("BEGIN")
        return
    if _gate.acquire(conn.engine.url.database if conn.engine.url.database != ":memory:" else None):
        conn.info["pos_write_lock"] = True
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _sqlite_end(conn)
        raise


def _sqlite_end(conn) -> None:
    if conn.info.pop("pos_write_lock", False):
        _gate.release()


def init_app(app) -> None:
    db.init_app(app)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            mode = app.config.get("SQLITE_SYNCHRONOUS", "FULL")
            event.listen(engine, "connect", _sqlite_connect_with(mode))
            event.listen(engine, "begin", _sqlite_begin)
            event.listen(engine, "commit", _sqlite_end)
            event.listen(engine, "rollback", _sqlite_end)

    @app.before_request
    def _read_only_requests() -> None:
        from flask import g, request

        g.pos_writes_token = sqlite_writes.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def _writes_again(_exc=None) -> None:
        # a thread that served a GET must not take later work (a job, a test's setup) for a
        # read: its first write would then fail with "database is locked" instead of queueing
        from flask import g

        token = g.pop("pos_writes_token", None)
        if token is not None:
            try:
                sqlite_writes.reset(token)
            except ValueError:  # set in another context (a copied one): leave it
                sqlite_writes.set(True)

"""``pos backup-daily``: the daily backup at ``BACKUP_AT`` that ``pos serve`` runs as a
background worker. While it runs it holds the serving lock beside the database, which is how
``pos restore`` knows a server is using that database."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import threading
import time
from datetime import datetime, timedelta
from urllib.parse import quote

import click
from flask import current_app
from flask.cli import with_appcontext

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None


def serving_lock_path(db_path: str) -> str:
    return db_path + ".serving"


def hold_serving_lock(db_path: str) -> int | None:
    """Take the serving lock (kept until this process ends); None when another holds it."""
    if fcntl is None:
        return None
    fd = os.open(serving_lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def checkpoint_in_background(db_path: str, stop: threading.Event, every: float = 1.0) -> None:
    """Copy the WAL into the database once a second, beside the sales rather than inside one.

    ``pos serve``'s web workers leave this to us (``pos.db.autocheckpoint_pages``). PASSIVE
    never waits for a writer or a reader: a till that is selling keeps selling, and what a
    backup's snapshot holds back is copied on the next turn after it ends. A connection per
    turn: one kept open would go on with a file that a restore had replaced, and a turn that
    fails (the file missing, the disk full) leaves the next one to try again."""
    # mode=rw: never makes an empty database where the real one went missing
    uri = f"file:{quote(db_path)}?mode=rw"
    failing = False
    while not stop.wait(every):
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=15, isolation_level=None)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                conn.close()
            failing = False
        except sqlite3.Error as exc:
            if not failing:  # said once, not every second
                click.echo(f"오류: 로그 파일을 데이터베이스에 옮기지 못했습니다 ({exc})", err=True)
            failing = True


def next_run(at: str, now: datetime) -> datetime | None:
    """The next local time ``HH:MM`` (or ``HH:MM:SS``) after ``now``; None for ``off``."""
    if not at or at.strip().lower() == "off":
        return None
    parts = [int(part) for part in at.strip().split(":")]
    hour, minute, second = (parts + [0, 0])[:3]
    due = now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    return due if due > now else due + timedelta(days=1)


#: how long after start a missed daily backup is made up (the server settles first)
CATCH_UP_AFTER = timedelta(seconds=20)


def first_run(app, now: datetime) -> datetime | None:
    """When the worker backs up first: at BACKUP_AT, or soon after start when the newest copy
    is more than a day old (a café PC switched off every night never sees 03:00)."""
    from .check import last_backup

    due = next_run(app.config.get("BACKUP_AT") or "off", now)
    if due is None:
        return None
    found = last_backup(app)
    if found is None or now - found[1] > timedelta(days=1):
        return min(due, now + CATCH_UP_AFTER)
    return due


@click.command("backup-daily")
@with_appcontext
def backup_daily_cmd() -> None:
    """Back up once a day at BACKUP_AT until stopped (pos serve runs one), and checkpoint
    the WAL meanwhile."""
    from .schema import sqlite_path

    app = current_app._get_current_object()
    path = sqlite_path(app)
    if path is None:
        return
    lock = hold_serving_lock(path)  # held for the life of this process
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    parent = int(os.environ.get("POS_SYNC_PARENT") or 0)
    done = threading.Event()
    # started before the backup thread lowers its priority: a checkpoint is the sales' own
    # work, done elsewhere
    checkpointer = threading.Thread(
        target=checkpoint_in_background, args=(path, done), name="pos-checkpoint", daemon=True
    )
    if lock is not None or fcntl is None:  # not while another holds the database (a restore)
        checkpointer.start()
    try:
        _daily(app, stopping, parent)
    finally:
        done.set()
        if checkpointer.is_alive():
            checkpointer.join(5)


def _daily(app, stopping: list, parent: int) -> None:
    from .backup import BackupError, make_backup, yield_to_sales

    yield_to_sales()
    due = first_run(app, datetime.now())
    at = app.config.get("BACKUP_AT") or "off"
    shown = at if next_run(at, datetime.now()) else "꺼짐"
    click.echo(f"일일 백업 작업 시작 (매일 {shown})", nl=True)
    sys.stdout.flush()
    while not stopping:
        if parent and os.getppid() != parent:  # the server is gone (even after a SIGKILL)
            return
        if due is not None and datetime.now() >= due:
            try:
                click.echo(f"일일 백업: {make_backup(app=app)}")
            except BackupError as exc:
                click.echo(f"오류: 일일 백업 실패: {exc}", err=True)
            due = next_run(app.config["BACKUP_AT"], datetime.now())
        time.sleep(1)


def init_app(app) -> None:
    app.cli.add_command(backup_daily_cmd)

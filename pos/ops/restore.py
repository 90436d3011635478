"""``pos restore FILE`` (DESIGN §5): put a backup back in place of the database. Refuses what is
not an intact database of this app, one from a newer schema, and any restore while a server
uses the database; keeps a copy of the current database first, then migrates FILE."""

from __future__ import annotations

import os
import shutil
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from pos.db import db

from .backup import BackupError, backup_dir, make_backup
from .daily import hold_serving_lock
from .schema import inspect_database, sqlite_path


class RestoreError(Exception):
    """A Korean sentence saying why nothing was restored."""


def _keep_current(app, path: str) -> str:
    """A copy of the database about to be replaced, in BACKUP_DIR. A damaged one (often the
    reason for the restore) cannot pass the backup's check, so its files are copied as they are."""
    try:
        return make_backup(app=app, label="-before-restore")
    except BackupError:
        directory = backup_dir(app)
        os.makedirs(directory, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = os.path.join(directory, f"pos-{stamp}-damaged.sqlite3")
        shutil.copy2(path, target)
        if os.path.exists(path + "-wal"):
            shutil.copy2(path + "-wal", target + "-wal")
        return target


def restore(source: str, app=None) -> tuple[str, str]:
    """Restore ``source``; returns (the kept copy of the old database, the database path)."""
    app = app or current_app
    path = sqlite_path(app)
    if path is None:
        raise RestoreError("복원은 지점의 SQLite 데이터베이스에만 할 수 있습니다")
    info = inspect_database(source, app.extensions["migrate"].directory)
    if not info.ok:
        raise RestoreError(f"{info.problem}. 아무것도 바꾸지 않았습니다")
    if os.path.exists(path) and os.path.samefile(source, path):
        raise RestoreError("지금 쓰는 데이터베이스 자체는 복원할 수 없습니다")
    lock = hold_serving_lock(path)
    if lock is None:
        raise RestoreError(
            "서버(pos serve)가 이 데이터베이스를 쓰고 있습니다. 서버를 멈춘 뒤 다시 복원하세요"
        )
    try:
        db.session.remove()
        db.engine.dispose()
        # FILE first: keeping the current database rotates, and FILE may be the oldest copy
        incoming = path + ".restoring"
        shutil.copyfile(source, incoming)
        with open(incoming, "rb+") as fh:
            os.fsync(fh.fileno())
        kept = _keep_current(app, path) if os.path.exists(path) else ""
        db.engine.dispose()
        for extra in (path + "-wal", path + "-shm"):
            if os.path.exists(extra):
                os.remove(extra)
        os.replace(incoming, path)
        from .upgrade import migrate_to_head

        migrate_to_head(app)
        db.engine.dispose()
    finally:
        os.close(lock)
    return kept, path


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def restore_cmd(file: str) -> None:
    """Replace the database with a backup (the server must be stopped)."""
    from pos.cli import fail

    try:
        kept, path = restore(file)
    except RestoreError as exc:
        fail(str(exc))
    if kept:
        click.echo(f"복원 전 데이터베이스 사본: {kept}")
    click.echo(f"복원 완료: {os.path.basename(file)} → {path}")


def init_app(app) -> None:
    app.cli.add_command(restore_cmd)

"""``pos init`` on an existing branch database: refuse one newer than the code, back up before
applying a pending migration, and put the old files back byte for byte when a migration fails
(SQLite DDL is not transactional in our migrations, so a failure could leave half a change)."""

from __future__ import annotations

import os
import shutil
import sqlite3

from flask import current_app

from pos.db import db

from .backup import BackupError, make_backup
from .schema import BEHIND, NEWER, read_revision, revision_state, sqlite_path


class UpgradeError(Exception):
    """A Korean sentence; the database is as it was."""


def _files(path: str) -> list[str]:
    return [p for p in (path, path + "-wal") if os.path.exists(p)]


def migrate_to_head(app) -> None:
    """Alembic's upgrade itself: Flask-Migrate's ``upgrade`` turns a failure into an exit."""
    from alembic import command

    ext = app.extensions["migrate"]
    command.upgrade(ext.migrate.get_config(ext.directory), "head")


def safe_upgrade(app=None) -> str | None:
    """Migrate the app's database to the code's head; returns the backup made first (None when
    nothing was pending or the database is new or not SQLite)."""
    app = app or current_app
    path = sqlite_path(app)
    if path is None or not os.path.exists(path) or os.path.getsize(path) == 0:
        migrate_to_head(app)
        return None
    directory = app.extensions["migrate"].directory
    try:
        revision = read_revision(path)
    except sqlite3.DatabaseError:
        revision = None  # no alembic_version yet: a database this code has never migrated
    state = revision_state(revision, directory)
    if state == NEWER:
        raise UpgradeError(
            f"이 데이터베이스는 더 새로운 버전의 꿈이든 POS에서 쓰던 것입니다 (스키마 {revision}). "
            "프로그램을 그 버전 이상으로 업데이트하세요. 아무것도 바꾸지 않았습니다"
        )
    if state != BEHIND:
        migrate_to_head(app)
        return None
    backup = None
    if revision is not None:
        try:
            backup = make_backup(app=app, label="-before-upgrade")
        except BackupError as exc:
            raise UpgradeError(f"업그레이드 전 백업을 만들지 못해 멈췄습니다: {exc}") from exc
    db.session.remove()
    db.engine.dispose()
    saved = {}
    for name in _files(path):
        saved[name] = name + ".pre-upgrade"
        shutil.copy2(name, saved[name])
    try:
        migrate_to_head(app)
    except Exception as exc:
        db.session.remove()
        db.engine.dispose()
        for name in (path + "-wal", path + "-shm"):
            if os.path.exists(name) and name not in saved:
                os.remove(name)
        for name, copy in saved.items():
            os.replace(copy, name)
        raise UpgradeError(
            "업그레이드(마이그레이션)에 실패해 데이터베이스를 원래대로 되돌렸습니다. "
            f"이전 버전 그대로 쓸 수 있습니다 ({type(exc).__name__}: {exc})"
        ) from exc
    for copy in saved.values():
        os.remove(copy)
    return backup

"""``pos init`` as the upgrade step: a pending migration is applied after a backup; a failing
one leaves the database byte-identical; a database newer than the code is refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3

import pytest

from pos import MIGRATIONS
from pos.db import db
from pos.ops.schema import code_heads, read_revision

FAILING = '''"""test only: half a change, then a failure"""
import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.add_column("sales", sa.Column("upgrade_note", sa.Text))
    {last}


def downgrade():
    pass
'''


def _folder(tmp_path, fails: bool) -> str:
    """A copy of the code's migrations plus one test-only revision on top."""
    folder = tmp_path / ("failing" if fails else "passing")
    shutil.copytree(MIGRATIONS, folder)
    last = 'raise RuntimeError("deliberate failure")' if fails else "pass"
    head = next(iter(code_heads(MIGRATIONS)))
    (folder / "versions" / "feedbeef0001_test_only.py").write_text(
        FAILING.format(rev="feedbeef0001", down=head, last=last)
    )
    return str(folder)


def _digest(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _settled(app) -> str:
    """Close every connection (the WAL folds into the file) and return the db path."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


@pytest.fixture
def upgradable(app_factory, tmp_path):
    app = app_factory("sqlite", BACKUP_DIR=str(tmp_path / "copies"))
    return app, _settled(app)


def test_failing_migration_leaves_database_byte_identical(upgradable, tmp_path):
    app, path = upgradable
    before = _digest(path)
    app.extensions["migrate"].directory = _folder(tmp_path, fails=True)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 1, result.output
    assert "오류: 업그레이드" in result.output and "원래대로" in result.output
    _settled(app)
    assert _digest(path) == before
    wal = path + "-wal"  # a reader may leave an empty one; none with changes in it
    assert not os.path.exists(wal) or os.path.getsize(wal) == 0
    assert not os.path.exists(path + ".pre-upgrade")
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert read_revision(path) == next(iter(code_heads(MIGRATIONS)))


def test_pending_migration_is_backed_up_first(upgradable, tmp_path):
    app, path = upgradable
    old = read_revision(path)
    app.extensions["migrate"].directory = _folder(tmp_path, fails=False)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("업그레이드 전 백업: "))
    copy = line.split(": ", 1)[1]
    assert copy.startswith(str(tmp_path / "copies")) and "before-upgrade" in copy
    assert read_revision(copy) == old
    assert read_revision(_settled(app)) == "feedbeef0001"
    again = app.test_cli_runner().invoke(args=["init"])  # nothing pending: no new copy
    assert again.exit_code == 0 and "업그레이드 전 백업" not in again.output
    assert len(os.listdir(tmp_path / "copies")) == 1


def test_database_newer_than_code_is_refused(upgradable):
    app, path = upgradable
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    before = _digest(path)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 1
    assert "더 새로운 버전" in result.output and "ffffffffffff" in result.output
    assert _digest(_settled(app)) == before

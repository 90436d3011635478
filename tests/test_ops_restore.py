"""``pos restore FILE``: a round trip gives back exactly the backed-up sales and keeps the
replaced database; every bad file, and a restore while a server runs, is refused in Korean and
changes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess

import pytest
from live import ROOT, pos_command
from support import ApiClient, new_sale_body

from pos.db import db


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _sell(app, n: int) -> list[str]:
    tablet = ApiClient(app, "cashier3", pin="1234")
    ids = []
    for _ in range(n):
        body = new_sale_body(tablet, [("레몬에이드", 1, [])])
        body["payments"] = [{"method": "cash", "amount": tablet.catalog()["레몬에이드"]["price"]}]
        resp = tablet.post("/api/sales", json=body)
        assert resp.status_code == 201, resp.get_json()
        ids.append(body["id"])
    return ids


def _sale_ids(path) -> set[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {r[0] for r in conn.execute("SELECT id FROM sales")}


def _db_path(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


def _fingerprint(app) -> str:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    path = _db_path(app)
    digest = hashlib.sha256()
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            with open(name, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()


@pytest.fixture
def backed_up(sqlite_app):
    """An app with three sales in a backup, then two more sold after it."""
    first = _sell(sqlite_app, 3)
    result = run(sqlite_app, "backup")
    assert result.exit_code == 0, result.output
    later = _sell(sqlite_app, 2)
    return sqlite_app, result.output.strip().splitlines()[-1], first, later


def test_restore_round_trip(backed_up):
    app, copy, first, later = backed_up
    before = _sale_ids(_db_path(app))
    result = run(app, "restore", copy)
    assert result.exit_code == 0, result.output
    assert "복원 완료" in result.output
    assert _sale_ids(_db_path(app)) & (set(first) | set(later)) == set(first)
    assert set(later).isdisjoint(_sale_ids(_db_path(app)))
    kept = next(line.split(": ", 1)[1] for line in result.output.splitlines() if "복원 전" in line)
    assert os.path.dirname(kept) == os.path.dirname(copy) and _sale_ids(kept) == before
    _sell(app, 1)  # the restored database sells again


def _newer(copy: str, tmp_path) -> str:
    newer = str(tmp_path / "newer.sqlite3")
    shutil.copyfile(copy, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    return newer


def _other_program(tmp_path) -> str:
    other = str(tmp_path / "other.sqlite3")
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    return other


def _truncated(copy: str, tmp_path) -> str:
    cut = tmp_path / "cut.sqlite3"
    with open(copy, "rb") as fh:
        data = fh.read()
    cut.write_bytes(data[: len(data) // 2])
    return str(cut)


def _random(tmp_path) -> str:
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(os.urandom(8192))
    return str(junk)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda copy, tmp: _random(tmp), "데이터베이스 파일이 아닙니다"),
        (lambda copy, tmp: _truncated(copy, tmp), "잘린 파일"),
        (lambda copy, tmp: _other_program(tmp), "꿈이든 POS의 데이터베이스가 아닙니다"),
        (_newer, "더 새로운 버전"),
        (lambda copy, tmp: str(tmp / "missing.sqlite3"), "없습니다"),
    ],
    ids=["random", "truncated", "other-program", "newer", "missing"],
)
def test_bad_files_are_refused_and_change_nothing(backed_up, tmp_path, make, words):
    app, copy, _first, _later = backed_up
    bad = make(copy, tmp_path)
    before = _fingerprint(app)
    backups = sorted(os.listdir(os.path.dirname(copy)))
    result = run(app, "restore", bad)
    assert result.exit_code == 1
    assert result.output.startswith("오류: ") and words in result.output, result.output
    assert "Traceback" not in result.output
    assert _fingerprint(app) == before
    assert sorted(os.listdir(os.path.dirname(copy))) == backups


def test_restore_while_serving_is_refused(backed_up):
    app, copy, _first, _later = backed_up
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "POS_INSTANCE": app.instance_path,
        "SECRET_KEY": "test-secret",
        "BACKUP_AT": "off",
    }
    # the daily backup worker pos serve runs: it holds the serving lock while it lives
    worker = subprocess.Popen(
        pos_command() + ["backup-daily"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert "일일 백업 작업 시작" in worker.stdout.readline()
        before = _fingerprint(app)
        result = run(app, "restore", copy)
        assert result.exit_code == 1 and "서버(pos serve)가" in result.output, result.output
        assert _fingerprint(app) == before
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        worker.stdout.close()
    assert run(app, "restore", copy).exit_code == 0  # stopped: now it may


def test_restoring_the_oldest_copy_when_rotation_is_full(app_factory, tmp_path):
    app = app_factory("sqlite", BACKUP_KEEP=1, BACKUP_DIR=str(tmp_path / "copies"))
    _sell(app, 1)
    at_backup = _sale_ids(_db_path(app))
    copy = run(app, "backup").output.strip().splitlines()[-1]
    later = _sell(app, 1)
    result = run(app, "restore", copy)  # keeping the current db rotates this copy away
    assert result.exit_code == 0, result.output
    assert _sale_ids(_db_path(app)) == at_backup and later[0] not in at_backup

"""pos check: each finding is one Korean line and makes the exit status 1; a sound branch
with a fresh backup exits 0."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from pos.db import db, utcnow


def _backup_now(app, tmp_path, age_days: float = 0) -> str:
    folder = app.config["BACKUP_DIR"]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "pos-20261201-030000.sqlite3")
    src = sqlite3.connect(str(tmp_path / "pos.sqlite3"))
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    if age_days:
        then = time.time() - age_days * 86400
        os.utime(path, (then, then))
    return path


def _check(app):
    result = app.test_cli_runner().invoke(args=["check"])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def branch(sqlite_app, tmp_path):
    _backup_now(sqlite_app, tmp_path)
    return sqlite_app


def test_sound_branch_exits_0(branch):
    code, out, err = _check(branch)
    assert code == 0, err
    assert "문제가 없습니다" in out
    assert err == ""


def test_no_backup_and_an_old_backup_are_findings(sqlite_app, tmp_path):
    code, _out, err = _check(sqlite_app)
    assert code == 1
    assert "백업이 하나도 없습니다" in err
    _backup_now(sqlite_app, tmp_path, age_days=3)
    code, _out, err = _check(sqlite_app)
    assert code == 1
    assert "마지막 백업이 3일 전입니다" in err
    assert len(err.strip().splitlines()) == 1


def test_stock_off_its_ledger_is_named(branch):
    with branch.app_context():
        db.session.execute(
            text(
                "UPDATE stock_levels SET on_hand = on_hand + 5 WHERE product_id ="
                " (SELECT id FROM products WHERE name = '건표고버섯 100g')"
            )
        )
        db.session.commit()
    code, _out, err = _check(branch)
    assert code == 1
    assert "재고 불일치" in err and "건표고버섯 100g" in err


def test_outbox_waiting_is_a_finding_only_with_a_central(branch, app_factory):
    from pos.outbox import record_event

    with branch.app_context():
        record_event("test.event", "CAFE03", {"n": 1})
        db.session.execute(
            text("UPDATE outbox SET occurred_at = :t"), {"t": utcnow() - timedelta(minutes=20)}
        )
        db.session.commit()
    assert _check(branch)[0] == 0  # no central configured: nothing to wait for
    branch.config["CENTRAL_URL"] = "https://central.example.kr"
    code, _out, err = _check(branch)
    assert code == 1
    assert "본사로 보내지 못한 기록" in err and "건이 20분째 기다리고" in err


def test_pending_migration_is_a_finding(branch):
    with branch.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '85024bb44a4e'"))
        db.session.commit()
    code, _out, err = _check(branch)
    assert code == 1
    assert "pos init" in err


def test_clock_behind_the_newest_sale_is_a_finding(branch):
    with branch.app_context():
        from pos.outbox import record_event

        record_event("test.event", "CAFE03", {"n": 1})
        db.session.execute(
            text("UPDATE outbox SET occurred_at = :t, acked_at = :t"),
            {"t": utcnow() + timedelta(hours=2)},
        )
        db.session.commit()
    code, _out, err = _check(branch)
    assert code == 1
    assert "시계가 가장 최근 판매 기록보다" in err


def test_backup_download_only_for_a_manager(branch):
    from support import ApiClient

    cashier = ApiClient(branch, "cashier3", pin="1234")
    refused = cashier.get("/admin/backups/latest")
    assert refused.status_code in (302, 403)
    assert not refused.data.startswith(b"SQLite format 3")
    manager = ApiClient(branch, "manager", password="manager1234")
    got = manager.get("/admin/backups/latest")
    try:
        assert got.status_code == 200
        assert got.data.startswith(b"SQLite format 3\x00")
    finally:
        got.close()
    page = manager.get("/admin/backups").get_data(as_text=True)
    assert "마지막 백업" in page and "가장 최근 백업 내려받기" in page

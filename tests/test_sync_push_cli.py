"""``pos sync once`` and ``pos sync run`` against a real central: what they say, their exit
codes, and that ``run`` stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from live import ROOT, pos_command
from support import ApiClient
from sync_push_helpers import (  # noqa: F401  (fixtures central, branch_factory)
    SITE,
    branch_factory_fixture,
    central_fixture,
    outbox,
    sell,
    waiting,
)

from pos.db import db
from pos.outbox import record_event


def _once(app):
    return app.test_cli_runner().invoke(args=["sync", "once"])


def test_once_without_central_says_so_in_korean(branch_factory):
    branch = branch_factory(None)
    result = _once(branch)
    assert result.exit_code == 1
    assert "중앙 저장소 주소와 동기화 토큰이 설정되지 않았습니다" in result.output
    assert "CENTRAL_URL" not in result.output and "SYNC_TOKEN" not in result.output


def test_once_pulls_pushes_and_says_what_it_did(central, branch_factory):
    branch = branch_factory(central, SYNC_BATCH=50)
    api = ApiClient(branch, "cashier3", pin="1234")
    sell(api, 3)
    with branch.app_context():
        record_event("no.such.event", SITE, {"x": 1})
        db.session.commit()
    sell(api, 1)
    total = waiting(branch)
    result = _once(branch)
    assert result.exit_code == 0, result.output
    line = result.output.splitlines()[0]
    assert line.startswith("카탈로그 ")
    assert f"보냄 {total - 1}건" in line and "거부 1건" in line and line.endswith("남음 0건")
    assert "거부 사유:" in result.output
    assert waiting(branch) == 0
    # again: nothing new on either side
    again = _once(branch)
    assert again.exit_code == 0, again.output
    assert "보냄 0건" in again.output and "남음 0건" in again.output
    assert "거부 1건" not in again.output


def test_once_with_central_down_exits_1_and_keeps_the_events(central, branch_factory):
    branch = branch_factory(central)
    sell(ApiClient(branch, "cashier3", pin="1234"), 2)
    left = waiting(branch)
    central.stop()
    result = _once(branch)
    assert result.exit_code == 1
    assert f"남음 {left}건" in result.output
    assert "중앙 서버에 연결할 수 없습니다" in result.output
    assert waiting(branch) == left
    central.start()
    assert _once(branch).exit_code == 0
    assert waiting(branch) == 0


def test_once_with_a_refused_token_says_so(central, branch_factory):
    branch = branch_factory(central)
    sell(ApiClient(branch, "cashier3", pin="1234"), 1)
    central.token()  # a new token: the branch's one stops working
    result = _once(branch)
    assert result.exit_code == 1
    assert "동기화 토큰이 거부되었습니다" in result.output
    assert waiting(branch) >= 1


def test_run_pushes_and_stops_on_sigterm_with_0(central, branch_factory, tmp_path):
    branch = branch_factory(central)
    sell(ApiClient(branch, "cashier3", pin="1234"), 2)
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "POS_ROLE", "CENTRAL_URL"}
    }
    env.update(
        POS_INSTANCE=branch.instance_path,
        DATABASE_URL=branch.config["DATABASE_URL"],
        POS_SITE=SITE,
        CENTRAL_URL=central.url,
        SYNC_TOKEN=branch.config["SYNC_TOKEN"],
        SYNC_INTERVAL="0.2",
        SECRET_KEY="test-secret",
    )
    log_path = tmp_path / "sync-run.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below, after the process ended
    proc = subprocess.Popen(
        pos_command() + ["sync", "run"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while waiting(branch):
            assert proc.poll() is None, log_path.read_text("utf-8")
            assert time.monotonic() < deadline, "pos sync run did not push"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    assert central.applied_ids() == [r.id for r in outbox(branch)]


def test_a_fresh_branch_gets_everything_from_once_and_sells(central, tmp_path):
    """Only `pos init` with POS_SITE, CENTRAL_URL and SYNC_TOKEN: `pos sync once` brings the
    site, vendors, catalog and users, a cashier logs in and sells, and the sale goes up."""
    from flask_migrate import upgrade

    from pos import create_app

    (tmp_path / "fresh").mkdir()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh' / 'pos.sqlite3'}",
            "POS_SITE": SITE,
            "INSTANCE_PATH": str(tmp_path / "fresh" / "instance"),
            "CENTRAL_URL": central.url,
            "SYNC_TOKEN": central.token(),
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "LOGIN_NAME_RATE_LIMIT": "1000 per minute",
        }
    )
    try:
        with app.app_context():
            upgrade()
        result = _once(app)
        assert result.exit_code == 0, result.output
        line = result.output.splitlines()[0]
        assert line.startswith("카탈로그 버전 ") and "상품 " in line and "사용자 " in line
        assert line.endswith("남음 0건")
        sold = sell(ApiClient(app, "cashier3", pin="1234"), 1)
        again = _once(app)
        assert again.exit_code == 0, again.output
        assert "보냄 1건" in again.output
        assert sold[0] in central.applied_ids()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

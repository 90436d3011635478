"""A REAL central for the branch push tests: the app with ``POS_ROLE=central`` on PostgreSQL
(tests/apps.py, migrated, ``pos demo``) served on a real socket by werkzeug in a thread, which
a test can slow down, stop and start again on the same port. The branch is the app on SQLite
with CENTRAL_URL and SYNC_TOKEN pointing at it.

A test module takes the fixtures with ``from sync_push_helpers import central_fixture,
branch_factory_fixture`` (they are named ``central`` and ``branch_factory``)."""

from __future__ import annotations

import threading
import time

import pytest
from apps import make_app
from live import free_port
from sqlalchemy import func, select
from support import ApiClient, new_sale_body
from werkzeug.serving import make_server

from pos.db import db
from pos.outbox import OutboxEvent

SITE = "CAFE03"


class Central:
    """The central app on 127.0.0.1:PORT; ``delay`` seconds are spent before each push is
    handled (a slow line), ``pushes`` counts the push requests that reached it."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.delay = 0.0
        self.pushes = 0
        #: set while a push request is being handled
        self.in_push = threading.Event()
        self.server = None
        self.start()

    def _wsgi(self, environ, start_response):
        if environ.get("PATH_INFO") == "/api/sync/push":
            self.pushes += 1
            self.in_push.set()
            try:
                if self.delay:
                    time.sleep(self.delay)
                return self.app(environ, start_response)
            finally:
                self.in_push.clear()
        return self.app(environ, start_response)

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self._wsgi, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def token(self, site: str = SITE) -> str:
        from pos.central import tokens
        from pos.sites import Site

        with self.app.app_context():
            row = db.session.scalars(select(Site).where(Site.code == site)).one()
            issued = tokens.issue(row, created_by="test")
            db.session.commit()
            return issued.token

    def high_water(self, site: str = SITE) -> int:
        from pos.central.ledger import SyncSite
        from pos.sites import Site

        with self.app.app_context():
            row = db.session.scalars(select(Site).where(Site.code == site)).one()
            ledger = db.session.get(SyncSite, row.id)
            return ledger.high_water if ledger else 0

    def applied_ids(self) -> list[str]:
        """Event ids central holds as applied or rejected, in the site's seq order."""
        from pos.central.ledger import SyncApplied

        with self.app.app_context():
            rows = db.session.scalars(select(SyncApplied).order_by(SyncApplied.seq)).all()
            return [r.event_id for r in rows]


@pytest.fixture(name="central")
def central_fixture(tmp_path, pg_url):
    (tmp_path / "central").mkdir()
    app = make_app(tmp_path / "central", "postgresql", pg_url, POS_ROLE="central")
    srv = Central(app)
    yield srv
    srv.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_branch(tmp_path, central: Central | None, name: str = "branch", **config):
    """The branch app on SQLite, pointing at ``central`` (quick retries for the tests)."""
    (tmp_path / name).mkdir(exist_ok=True)
    settings = {"SYNC_MAX_BACKOFF": 1.0, "SYNC_INTERVAL": 0.2, "SYNC_TIMEOUT": 5.0}
    if central is not None:
        settings.update(CENTRAL_URL=central.url, SYNC_TOKEN=central.token())
    settings.update(config)
    return make_app(tmp_path / name, "sqlite", None, **settings)


@pytest.fixture(name="branch_factory")
def branch_factory_fixture(tmp_path):
    made = []

    def factory(central, **config):
        app = make_branch(tmp_path, central, f"branch{len(made)}", **config)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def sell(api: ApiClient, count: int = 1) -> list[str]:
    """``count`` cash sales of one 아메리카노 through the tablet's API; their ids."""
    ids = []
    for _ in range(count):
        body = new_sale_body(api, [("아메리카노", 1, [("온도", "HOT")])])
        body["payments"] = [{"method": "cash", "amount": 4500}]
        resp = api.post("/api/sales", json=body)
        assert resp.status_code == 201, resp.get_json()
        ids.append(body["id"])
    return ids


def outbox(app, site: str = SITE) -> list[OutboxEvent]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxEvent).where(OutboxEvent.site_code == site).order_by(OutboxEvent.seq)
        ).all()
        db.session.expunge_all()
        return rows


def waiting(app, site: str = SITE) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(
                OutboxEvent.site_code == site,
                OutboxEvent.acked_at.is_(None),
                OutboxEvent.rejected_at.is_(None),
            )
        )

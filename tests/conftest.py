"""Shared fixtures: an app per test on SQLite or on the real PostgreSQL server, with demo data,
and a logged-in JSON client that sends the CSRF token like the tablet does.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from apps import make_app
from support import ApiClient

from pos.db import db

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_url():
    """One throw-away PostgreSQL database per test run, dropped at the end."""
    name = f"pos_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def app_factory(tmp_path, request):
    """Build an app on a backend with config overrides; PostgreSQL only when asked for."""
    made = []

    def factory(backend: str = "sqlite", **overrides):
        pg = request.getfixturevalue("pg_url") if backend == "postgresql" else None
        app = make_app(tmp_path, backend, pg, **overrides)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def central(app_factory):
    """A new central store (PostgreSQL, ``POS_ROLE=central``) for each test."""
    return app_factory("postgresql", POS_ROLE="central")


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    """A real branch (SQLite, CAFE03, demo data) in its own folder, shared by a module's
    tests: each pushes only the sales it made itself (modules may define their own)."""
    from central_push_kit import dispose, make_branch

    app = make_branch(tmp_path_factory)
    yield app
    dispose(app)


@pytest.fixture
def app(app_factory, backend):
    """The app on both backends: tests using it run twice."""
    return app_factory(backend)


@pytest.fixture
def sqlite_app(app_factory):
    return app_factory("sqlite")


@pytest.fixture
def cashier(app):
    return ApiClient(app, "cashier3", pin="1234")

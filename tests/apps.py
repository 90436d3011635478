"""Building a test app on SQLite or on the real PostgreSQL server, migrated and with demo data.

A module of its own (not conftest) so that tests needing an app of a wider scope can import it
without depending on which conftest.py pytest loaded under that name."""

from __future__ import annotations

from sqlalchemy import text

from pos import create_app
from pos.db import db

_pg_migrated: set[str] = set()


def make_app(tmp_path, backend: str, pg_url_value: str | None = None, **overrides):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'pos.sqlite3'}"
    else:
        url = pg_url_value
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "POS_SITE": "CAFE03",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RECEIPT_BASE_URL": "https://receipts.example.kr",
        # many tablets log in from 127.0.0.1 here; the limits have tests of their own
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_NAME_RATE_LIMIT": "1000 per minute",
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        from flask_migrate import upgrade

        if backend == "sqlite" or url not in _pg_migrated:
            upgrade()
            _pg_migrated.add(url)
        if backend == "postgresql":
            tables = [t.name for t in db.metadata.sorted_tables]
            db.session.execute(
                text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")  # noqa: S608
            )
            db.session.commit()
        from pos.demo import load_demo

        load_demo()
        db.session.commit()
    return app

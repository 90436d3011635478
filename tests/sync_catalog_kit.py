"""Helpers of the catalog pull tests: a central with a site's token, pulls through the real
endpoint, and a branch made with only ``pos init`` (migrated, no demo)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import select

from pos import create_app
from pos.central.tokens import issue
from pos.db import db
from pos.sites import Site


def token_for(app, code: str = "CAFE03") -> str:
    with app.app_context():
        site = db.session.execute(select(Site).where(Site.code == code)).scalar_one()
        token = issue(site, "test").token
        db.session.commit()
        return token


def pull_resp(app, token: str | None, since=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = "/api/sync/catalog" + (f"?since={since}" if since is not None else "")
    return app.test_client().get(url, headers=headers)


def pull(app, token: str, since: int = 0) -> dict:
    resp = pull_resp(app, token, since)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def apply(branch, doc: dict) -> dict:
    from pos.sync.pull import apply_catalog

    with branch.app_context():
        counts = apply_catalog(doc)
        db.session.commit()
        return counts


def fresh_branch(tmp_path, code: str = "CAFE03", **overrides):
    """``pos init`` and POS_SITE only: an empty migrated SQLite database."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'branch.sqlite3'}",
            "POS_SITE": code,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RECEIPT_BASE_URL": "https://receipts.example.kr",
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "LOGIN_NAME_RATE_LIMIT": "1000 per minute",
            **overrides,
        }
    )
    with app.app_context():
        upgrade()
    return app


def by_key(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def dispose(*apps) -> None:
    """Close an app's connections (apps not made by the app_factory fixture)."""
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

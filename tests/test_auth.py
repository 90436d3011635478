"""Log-in: PINs and passwords hashed, five wrong tries lock the user, roles and CSRF checked."""

from __future__ import annotations

import re

from sqlalchemy import select
from support import ApiClient

from pos.auth.models import LoginFailure, User
from pos.db import db


def test_secrets_are_stored_hashed(app):
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username="cashier3")).scalar_one()
        assert user.pin_hash and "1234" not in user.pin_hash
        assert user.check_pin("1234") and not user.check_pin("4321")


def test_api_login_returns_user_role_site_and_token(app):
    resp = app.test_client().post("/api/login", json={"username": "cashier3", "pin": "1234"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["user"] == "cashier3" and body["role"] == "cashier" and body["site"] == "CAFE03"
    assert body["csrf_token"]
    manager = app.test_client().post(
        "/api/login", json={"username": "manager", "password": "manager1234"}
    )
    assert manager.status_code == 200 and manager.get_json()["site"] is None


def test_five_wrong_pins_lock_the_user(app):
    client = app.test_client()
    for attempt in range(1, 5):
        resp = client.post("/api/login", json={"username": "cashier3", "pin": "0000"})
        assert resp.status_code == 401
        assert f"남은 시도 {5 - attempt}번" in resp.get_json()["error"]["message"]
    resp = client.post("/api/login", json={"username": "cashier3", "pin": "0000"})
    assert resp.status_code == 423 and resp.get_json()["error"]["code"] == "locked"
    # even the right PIN is refused while locked
    resp = client.post("/api/login", json={"username": "cashier3", "pin": "1234"})
    assert resp.status_code == 423
    assert "분 뒤에" in resp.get_json()["error"]["message"]
    # another cashier is unaffected
    assert ApiClient(app, "cashier3b", pin="5678").csrf


def test_bad_login_bodies_are_json_errors(app):
    client = app.test_client()
    assert client.post("/api/login", json={"username": "cashier3", "pin": "12"}).status_code == 422
    assert client.post("/api/login", json={"username": "nobody", "pin": "1234"}).status_code == 401
    resp = client.post("/api/login", data="x", content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "bad_json"


def pin_form(client, username, pin):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert token, "the login form carries a CSRF token"
    return client.post(
        "/login",
        data={"username": username, "pin": pin, "csrf_token": token.group(1)},
        follow_redirects=False,
    )


def test_pin_form_login_and_logout(sqlite_app):
    client = sqlite_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "김하늘" in page and "이바다" in page
    assert "박가람" not in page  # another branch's cashier is not offered here
    resp = pin_form(client, "cashier3", "1234")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/pos")
    assert client.get("/pos").status_code == 200


def test_the_fair_login_page_offers_its_organiser_by_pin(app_factory):
    """At the fair's server the organiser, who has a PIN for that site, gets a tile like the
    booth cashiers; the café's page never shows them, nor any manager or admin."""
    fair = app_factory("sqlite", POS_SITE="GN-FAIR")
    client = fair.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "경남 행사담당" in page
    assert "지점 매니저" not in page and "관리자" not in page.split("관리자 로그인")[0]
    resp = pin_form(client, "organiser", "1357")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin")
    cafe = app_factory("sqlite").test_client().get("/login").get_data(as_text=True)
    assert "경남 행사담당" not in cafe


def test_form_without_csrf_is_refused(sqlite_app):
    client = sqlite_app.test_client()
    resp = client.post("/login", data={"username": "cashier3", "pin": "1234"})
    assert resp.status_code == 400
    assert client.get("/pos").status_code == 302  # still logged out


def test_pos_page_needs_login(sqlite_app):
    resp = sqlite_app.test_client().get("/pos")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_locks_grow_longer_and_a_success_resets_them(app_factory):
    from datetime import timedelta

    from pos.db import utcnow

    sqlite_app = app_factory("sqlite", LOGIN_NAME_RATE_LIMIT="100/minute")
    client = sqlite_app.test_client()

    def fail_five():
        for _ in range(5):
            resp = client.post("/api/login", json={"username": "cashier3", "pin": "0000"})
        return resp

    first = fail_five()
    assert first.status_code == 423 and "5분" in first.get_json()["error"]["message"]
    with sqlite_app.app_context():
        failure = db.session.get(LoginFailure, ("cashier3", "pin"))
        failure.locked_until = utcnow() - timedelta(seconds=1)  # the lock ran out
        db.session.commit()
    second = fail_five()
    assert second.status_code == 423 and "10분" in second.get_json()["error"]["message"]
    with sqlite_app.app_context():
        db.session.get(LoginFailure, ("cashier3", "pin")).locked_until = None
        db.session.commit()
    ok = client.post("/api/login", json={"username": "cashier3", "pin": "1234"})
    assert ok.status_code == 200
    with sqlite_app.app_context():
        assert db.session.get(LoginFailure, ("cashier3", "pin")) is None


def test_login_redirects_only_to_this_server(sqlite_app):
    client = sqlite_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    for evil in ("//evil.example", "/\\evil.example", "https://evil.example"):
        resp = client.post(
            "/login",
            data={
                "username": "cashier3",
                "pin": "1234",
                "csrf_token": token.group(1),
                "next": evil,
            },
        )
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith("/pos"), evil

"""Back office users page (/admin/users): create, role and site, PIN and password reset, unlock,
deactivate; a manager with a site manages only that site; cashiers get the Korean 403 page;
every form needs its CSRF token. Real forms through the Flask client, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support import ApiClient

from pos.auth.models import User
from pos.db import db


class Browser:
    """A logged-in person posting the back office's forms (the token as the page has it)."""

    def __init__(self, app, username: str, *, pin: str | None = None, password: str | None = None):
        self.api = ApiClient(app, username, pin=pin, password=password)
        self.client = self.api.client

    def get(self, url: str):
        return self.client.get(url)

    def post(self, url: str, data: dict | None = None, *, token: bool = True):
        form = dict(data or {})
        if token:
            form["csrf_token"] = self.api.csrf
        return self.client.post(url, data=form)


def manager(app) -> Browser:
    return Browser(app, "manager", password="manager1234")


def user_row(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        db.session.expunge(user)
        return user


def field_error(html: str, name: str) -> str:
    """The Korean message printed beside one field."""
    m = re.search(rf'<p class="field-error" id="e-{name}">([^<]*)</p>', html)
    return m.group(1) if m else ""


def logs_in(app, username: str, **secret) -> int:
    body = {"username": username, **secret}
    return app.test_client().post("/api/login", json=body).status_code


def lock_out(app, username: str) -> None:
    for _ in range(5):
        status = logs_in(app, username, pin="0000")
    assert status == 423


SHORT_PASSWORD = "비밀번호는 8자 이상으로 정하세요."
NEW_CASHIER = {
    "username": "cashier3c",
    "display_name": "정새봄",
    "role": "cashier",
    "site": "CAFE03",
    "pin": "4321",
    "pin_again": "4321",
}


def test_manager_creates_a_cashier_who_logs_in_with_the_pin(app):
    mgr = manager(app)
    resp = mgr.post("/admin/users/new", NEW_CASHIER)
    assert resp.status_code == 302
    user = user_row(app, "cashier3c")
    assert resp.headers["Location"].endswith(f"/admin/users/{user.id}")
    assert (user.display_name, user.role, user.active) == ("정새봄", "cashier", True)
    assert user.pin_hash and "4321" not in user.pin_hash and user.password_hash is None
    page = mgr.get(resp.headers["Location"]).get_data(as_text=True)
    assert "정새봄 님(계산원)을 추가했습니다" in page
    assert "4321" not in page and user.pin_hash not in page
    listing = mgr.get("/admin/users?q=새봄").get_data(as_text=True)
    assert "cashier3c" in listing and "cashier7" not in listing
    assert logs_in(app, "cashier3c", pin="4321") == 200


def test_bad_new_user_gets_korean_messages_beside_the_fields(sqlite_app):
    mgr = manager(sqlite_app)
    bad = dict(NEW_CASHIER, username="Cashier3", pin="12a4", display_name="")
    resp = mgr.post("/admin/users/new", bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert field_error(html, "username") == "이미 있는 로그인 이름입니다. 다른 이름을 정하세요."
    assert field_error(html, "pin") == "PIN은 숫자 4~6자리로 입력하세요."
    assert field_error(html, "display_name") == "화면에 보일 이름을 입력하세요."
    assert "12a4" not in html  # a secret typed is never sent back
    mismatch = dict(NEW_CASHIER, pin_again="4322")
    html = mgr.post("/admin/users/new", mismatch).get_data(as_text=True)
    assert field_error(html, "pin_again") == "두 번 입력한 PIN이 서로 다릅니다."
    manager_no_password = dict(NEW_CASHIER, role="manager", site="")
    html = mgr.post("/admin/users/new", manager_no_password).get_data(as_text=True)
    assert field_error(html, "password") == SHORT_PASSWORD
    no_site = dict(NEW_CASHIER, site="")
    html = mgr.post("/admin/users/new", no_site).get_data(as_text=True)
    assert field_error(html, "site") == "계산원과 행사 담당은 매장을 정해야 합니다."
    with sqlite_app.app_context():
        assert db.session.scalars(select(User).where(User.username == "cashier3c")).first() is None


def test_role_and_site_change_asks_for_the_new_secret_and_ends_sessions(app):
    mgr = manager(app)
    cashier = ApiClient(app, "cashier3b", pin="5678")
    uid = user_row(app, "cashier3b").id
    move = {"display_name": "이바다", "role": "organiser", "site": "CAFE03"}
    resp = mgr.post(f"/admin/users/{uid}", move)
    assert resp.status_code == 422  # an organiser logs in with a password it does not have
    assert (
        field_error(resp.get_data(as_text=True), "password") == "비밀번호는 8자 이상으로 정하세요."
    )
    assert user_row(app, "cashier3b").role == "cashier"
    move.update(password="바다비밀번호12", password_again="바다비밀번호12")
    assert mgr.post(f"/admin/users/{uid}", move).status_code == 302
    assert user_row(app, "cashier3b").role == "organiser"
    assert cashier.get("/api/me").status_code == 401  # the old session ended
    organiser = ApiClient(app, "cashier3b", password="바다비밀번호12")
    # to another site: the session ends, and this branch (CAFE03) no longer lets them in
    move = {"display_name": "이바다", "role": "organiser", "site": "CAFE07"}
    assert mgr.post(f"/admin/users/{uid}", move).status_code == 302
    assert user_row(app, "cashier3b").site_id == user_row(app, "cashier7").site_id
    assert organiser.get("/api/me").status_code == 401
    assert logs_in(app, "cashier3b", password="바다비밀번호12") == 401


def test_pin_reset_unlocks_and_ends_the_other_sessions(app):
    mgr = manager(app)
    before = ApiClient(app, "cashier3", pin="1234")
    lock_out(app, "cashier3")
    uid = user_row(app, "cashier3").id
    listing = mgr.get("/admin/users?role=cashier").get_data(as_text=True)
    assert "잠김" in listing and "잠금 해제" in listing
    bad = mgr.post(f"/admin/users/{uid}/pin", {"pin": "98", "pin_again": "98"})
    assert bad.status_code == 422
    resp = mgr.post(f"/admin/users/{uid}/pin", {"pin": "9876", "pin_again": "9876"})
    assert resp.status_code == 302
    page = mgr.get(resp.headers["Location"]).get_data(as_text=True)
    assert "김하늘 님의 PIN을 바꾸고 잠금을 풀었습니다." in page and "9876" not in page
    assert before.get("/api/me").status_code == 401
    assert logs_in(app, "cashier3", pin="1234") == 401
    assert logs_in(app, "cashier3", pin="9876") == 200


def test_password_reset_and_ones_own_session_stays(app_factory):
    app = app_factory("sqlite", POS_SITE="GN-FAIR")  # the organiser's own site
    mgr = manager(app)
    organiser = ApiClient(app, "organiser", password="organiser1234")
    oid = user_row(app, "organiser").id
    short = mgr.post(f"/admin/users/{oid}/password", {"password": "짧다", "password_again": "짧다"})
    assert (
        field_error(short.get_data(as_text=True), "password") == "비밀번호는 8자 이상으로 정하세요."
    )
    new = {"password": "fair-day-0503", "password_again": "fair-day-0503"}
    assert mgr.post(f"/admin/users/{oid}/password", new).status_code == 302
    assert organiser.get("/api/me").status_code == 401
    assert logs_in(app, "organiser", password="organiser1234") == 401
    again = Browser(app, "organiser", password="fair-day-0503")
    assert again.get("/admin/users").status_code == 403  # organisers run fairs, not users
    # a manager changing their own password keeps this session (the others end)
    mid = user_row(app, "manager").id
    mine = {"password": "manager-5678", "password_again": "manager-5678"}
    assert mgr.post(f"/admin/users/{mid}/password", mine).status_code == 302
    assert mgr.get("/admin/users").status_code == 200
    assert logs_in(app, "manager", password="manager-5678") == 200
    # a cashier has no password to reset here
    cid = user_row(app, "cashier7").id
    assert mgr.post(f"/admin/users/{cid}/password", mine).status_code == 302
    assert user_row(app, "cashier7").password_hash is None


def test_unlock_lets_a_locked_cashier_in_again(sqlite_app):
    mgr = manager(sqlite_app)
    lock_out(sqlite_app, "cashier3b")
    assert logs_in(sqlite_app, "cashier3b", pin="5678") == 423
    uid = user_row(sqlite_app, "cashier3b").id
    resp = mgr.post(f"/admin/users/{uid}/unlock", {"back": "/admin/users?q=bada"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/users?q=bada")
    assert logs_in(sqlite_app, "cashier3b", pin="5678") == 200
    # the way back is a back-office page only
    resp = mgr.post(f"/admin/users/{uid}/unlock", {"back": "https://evil.example/"})
    assert resp.headers["Location"].endswith(f"/admin/users/{uid}")


def test_deactivate_and_reactivate(app):
    mgr = manager(app)
    session = ApiClient(app, "cashier3b", pin="5678")
    uid = user_row(app, "cashier3b").id
    assert mgr.post(f"/admin/users/{uid}/active", {"active": "0"}).status_code == 302
    assert user_row(app, "cashier3b").active is False
    assert session.get("/api/me").status_code == 401
    assert logs_in(app, "cashier3b", pin="5678") == 401
    assert "사용 중지" in mgr.get("/admin/users?state=inactive").get_data(as_text=True)
    assert mgr.post(f"/admin/users/{uid}/active", {"active": "1"}).status_code == 302
    assert logs_in(app, "cashier3b", pin="5678") == 200
    # nobody switches themselves off
    mid = user_row(app, "manager").id
    mgr.post(f"/admin/users/{mid}/active", {"active": "0"})
    assert user_row(app, "manager").active is True


@pytest.fixture
def site_manager(app):
    """mgr3, a manager bound to CAFE03, made by the admin through the page."""
    admin = Browser(app, "admin", password="admin1234")
    body = {
        "username": "mgr3",
        "display_name": "3호점 매니저",
        "role": "manager",
        "site": "CAFE03",
        "password": "cafe03-manager",
        "password_again": "cafe03-manager",
    }
    assert admin.post("/admin/users/new", body).status_code == 302
    return Browser(app, "mgr3", password="cafe03-manager")


def test_a_site_manager_sees_and_manages_only_their_site(app, site_manager):
    mgr3 = site_manager
    listing = mgr3.get("/admin/users").get_data(as_text=True)
    assert "cashier3" in listing and "cashier3b" in listing
    assert "cashier7" not in listing and 'data-username="admin"' not in listing
    other = user_row(app, "cashier7").id
    assert mgr3.get(f"/admin/users/{other}").status_code == 404
    assert (
        mgr3.post(f"/admin/users/{other}/pin", {"pin": "1111", "pin_again": "1111"}).status_code
        == 404
    )
    # no moving a user out of the site, no admins, no users for every site
    mine = user_row(app, "cashier3").id
    move = {"display_name": "김하늘", "role": "cashier", "site": "CAFE07"}
    resp = mgr3.post(f"/admin/users/{mine}", move)
    assert field_error(resp.get_data(as_text=True), "site") == "맡으신 매장 가운데에서 고르세요."
    admin_body = dict(NEW_CASHIER, role="admin", password="x" * 10, password_again="x" * 10)
    resp = mgr3.post("/admin/users/new", admin_body)
    assert field_error(resp.get_data(as_text=True), "role") == "역할을 고르세요."
    everywhere = dict(admin_body, role="manager", site="")
    resp = mgr3.post("/admin/users/new", everywhere)
    assert field_error(resp.get_data(as_text=True), "site") == "매장을 고르세요."
    assert user_row(app, "cashier3").site_id == user_row(app, "mgr3").site_id
    # the admin's account is out of reach of any manager
    global_mgr = manager(app)
    aid = user_row(app, "admin").id
    page = global_mgr.get(f"/admin/users/{aid}").get_data(as_text=True)
    assert "관리자 계정은 관리자만 바꿀 수 있습니다." in page
    resp = global_mgr.post(f"/admin/users/{aid}/password", {"password": "taken-over-1"})
    assert resp.status_code == 403
    assert "권한이 없습니다" in resp.get_data(as_text=True)


def test_cashier_gets_the_korean_403_page(sqlite_app):
    cashier = Browser(sqlite_app, "cashier3", pin="1234")
    for url in ("/admin/users", "/admin/users/new", "/admin/settings"):
        resp = cashier.get(url)
        assert resp.status_code == 403
        assert "이 작업을 할 권한이 없습니다" in resp.get_data(as_text=True)
    resp = cashier.post("/admin/users/new", NEW_CASHIER)
    assert resp.status_code == 403
    with sqlite_app.app_context():
        assert db.session.scalars(select(User).where(User.username == "cashier3c")).first() is None


def test_every_form_needs_its_csrf_token(sqlite_app):
    mgr = manager(sqlite_app)
    uid = user_row(sqlite_app, "cashier3").id
    for url, data in (
        ("/admin/users/new", NEW_CASHIER),
        (f"/admin/users/{uid}/pin", {"pin": "1111", "pin_again": "1111"}),
        (f"/admin/users/{uid}/active", {"active": "0"}),
        ("/admin/settings", {"receipt_header": "x"}),
    ):
        resp = mgr.post(url, data, token=False)
        assert resp.status_code == 400
        assert "보안 토큰이 만료되었습니다" in resp.get_data(as_text=True)
    assert logs_in(sqlite_app, "cashier3", pin="1234") == 200
    assert logs_in(sqlite_app, "cashier3c", pin="4321") == 401

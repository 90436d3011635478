"""Issue 5 items 2, 3, 6, 7, 11, 13 and 15: redirects, sizes, enumeration, log-out, QR hosts,
the OpenAPI document and readable errors."""

from __future__ import annotations

import re
import uuid

import pytest
import werkzeug.security
from sqlalchemy import select, text
from support import ApiClient, new_sale_body

from pos.auth.models import LoginFailure
from pos.db import db


def _form_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    return token.group(1)


@pytest.mark.parametrize(
    "evil",
    ["/\t/evil.example/", "/\n/evil", "/\r\n/evil", "/ /evil.example", "/\\evil", "//evil"],
)
def test_login_form_never_redirects_off_the_server(sqlite_app, evil):
    client = sqlite_app.test_client()
    resp = client.post(
        "/login",
        data={
            "username": "cashier3",
            "pin": "1234",
            "next": evil,
            "csrf_token": _form_token(client),
        },
    )
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location == "/pos" or location.startswith("http://localhost/")
    assert "evil" not in location


def test_login_form_keeps_a_plain_next_path(sqlite_app):
    client = sqlite_app.test_client()
    resp = client.post(
        "/login",
        data={
            "username": "cashier3",
            "pin": "1234",
            "next": "/r/x?t=1",
            "csrf_token": _form_token(client),
        },
    )
    assert resp.headers["Location"] == "/r/x?t=1"


def test_oversized_bodies_are_refused_before_they_are_read(sqlite_app):
    client = sqlite_app.test_client()
    huge = b'{"username": "' + b"a" * (2 * 1024 * 1024) + b'", "pin": "1234"}'
    resp = client.post("/api/login", data=huge, content_type="application/json")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "too_large"
    assert "너무 큽니다" in resp.get_json()["error"]["message"]
    # the form log-in is bounded too
    resp = client.post("/login", data={"username": "x" * (11 * 1024 * 1024)})
    assert resp.status_code == 413
    assert "너무 큽니다" in resp.get_data(as_text=True)


def _refusal(client, username, **secret):
    resp = client.post("/api/login", json={"username": username, **secret})
    return resp.status_code, resp.get_json()["error"]["code"], resp.get_json()["error"]["message"]


def test_unknown_and_known_names_are_refused_alike(sqlite_app, monkeypatch):
    checks = []
    real = werkzeug.security.check_password_hash

    def counting(pwhash, password):
        checks.append(1)
        return real(pwhash, password)

    monkeypatch.setattr("pos.auth.service.check_password_hash", counting)
    client = sqlite_app.test_client()
    outcomes = {}
    for name in ("cashier3", "nobody-here", "cashier8"):  # cashier8 works at another branch
        checks.clear()
        outcomes[name] = _refusal(client, name, pin="9999")
        assert len(checks) == 1, f"{name}: every refusal costs one hash check"
    assert len({o for o in outcomes.values()}) == 1, outcomes
    checks.clear()
    password = _refusal(client, "manager", password="wrong-password")
    unknown = _refusal(client, "no-manager", password="wrong-password")
    assert password == unknown and len(checks) == 2


def test_another_sites_cashier_learns_nothing_from_the_right_pin(sqlite_app):
    client = sqlite_app.test_client()
    right = _refusal(client, "cashier8", pin="1234")
    wrong = _refusal(client, "cashier8", pin="0000")
    assert right[0] == wrong[0] == 401
    assert right[1] == wrong[1] == "bad_credentials"


def test_unknown_names_lock_like_real_ones(sqlite_app):
    client = sqlite_app.test_client()
    for _ in range(4):
        client.post("/api/login", json={"username": "ghost", "pin": "0000"})
        client.post("/api/login", json={"username": "cashier3b", "pin": "0000"})
    ghost = client.post("/api/login", json={"username": "ghost", "pin": "0000"})
    real = client.post("/api/login", json={"username": "cashier3b", "pin": "0000"})
    assert ghost.status_code == real.status_code == 423
    assert ghost.get_json()["error"]["message"] == real.get_json()["error"]["message"]
    assert 0 < real.get_json()["error"]["retry_after"] <= 300


def test_pin_tries_never_lock_a_managers_password(sqlite_app):
    client = sqlite_app.test_client()
    for _ in range(6):
        client.post("/api/login", json={"username": "manager", "pin": "0000"})
    ok = client.post("/api/login", json={"username": "manager", "password": "manager1234"})
    assert ok.status_code == 200


def test_public_login_page_lists_cashiers_only(sqlite_app):
    from pos.auth.models import User

    with sqlite_app.app_context():
        manager = db.session.execute(select(User).filter_by(username="manager")).scalar_one()
        manager.set_pin("4321")  # a manager who also has a PIN
        db.session.commit()
        name = manager.display_name
    page = sqlite_app.test_client().get("/login").get_data(as_text=True)
    assert "김하늘" in page
    assert 'data-username="manager"' not in page and name not in page


def test_logout_ends_saved_copies_of_the_session(sqlite_app):
    tablet = ApiClient(sqlite_app, "cashier3", pin="1234")
    body = new_sale_body(tablet, [("아메리카노", 1, [("온도", "HOT")])])
    saved = tablet.client.get_cookie("session").value
    assert tablet.get("/api/me").status_code == 200
    assert tablet.post("/api/logout").status_code == 200
    thief = sqlite_app.test_client()
    thief.set_cookie("session", saved)
    resp = thief.get("/api/me")
    assert resp.status_code == 401
    resp = thief.post("/api/sales", json=body, headers={"X-CSRFToken": tablet.csrf})
    assert resp.status_code == 401


def test_pin_reset_ends_sessions(sqlite_app):
    from pos.auth.models import User

    tablet = ApiClient(sqlite_app, "cashier3", pin="1234")
    with sqlite_app.app_context():
        user = db.session.execute(select(User).filter_by(username="cashier3")).scalar_one()
        user.set_pin("2468")
        db.session.commit()
    assert tablet.get("/api/me").status_code == 401


def test_receipt_qr_never_points_at_a_forged_host(app_factory):
    from pos.context import receipt_base_url

    app = app_factory("sqlite", RECEIPT_BASE_URL=None, SERVER_BASE_URL="http://192.0.2.10:5000")
    with app.test_request_context("/api/sales", headers={"Host": "evil.example"}):
        assert receipt_base_url() == "http://192.0.2.10:5000/"
    # the machine's own address (what a tablet on the LAN uses) is kept
    with app.test_request_context("/api/sales", headers={"Host": "127.0.0.1:5000"}):
        assert receipt_base_url() == "http://127.0.0.1:5000/"
    # this machine, but another port, or junk after the port: the configured address
    for forged in ("127.0.0.1:6666", "127.0.0.1:5000/evil", "localhost:x"):
        with app.test_request_context("/api/sales", headers={"Host": forged}):
            assert receipt_base_url() == "http://192.0.2.10:5000/", forged


def test_every_sqlite_connection_syncs_fully(sqlite_app):
    with sqlite_app.app_context():
        engine = db.engine
        conns = [engine.raw_connection() for _ in range(3)]
        try:
            modes = {c.cursor().execute("PRAGMA synchronous").fetchone()[0] for c in conns}
        finally:
            for c in conns:
                c.close()
        assert modes == {2}  # FULL
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2


def test_openapi_declares_parameters_errors_and_bodies(sqlite_app):
    doc = sqlite_app.test_client().get("/api/openapi.json").get_json()
    sale = doc["paths"]["/api/sales/{sale_id}"]["get"]
    assert sale["parameters"][0]["name"] == "sale_id" and sale["parameters"][0]["in"] == "path"
    assert sale["parameters"][0]["required"] is True
    login = doc["paths"]["/api/login"]["post"]
    for code in ("401", "413", "422", "423", "429"):
        assert login["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    ok = login["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.rsplit("/", 1)[1] in doc["components"]["schemas"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert any(c.startswith("2") for c in op["responses"]), (path, method)
            assert "{" not in path or op.get("parameters"), (path, method)


def test_field_errors_read_as_korean_sentences(sqlite_app):
    tablet = ApiClient(sqlite_app, "cashier3", pin="1234")
    body = new_sale_body(tablet, [("아메리카노", 1, [("온도", "HOT")])])
    body["payments"] = [{"method": "cash", "amount": 4500, "tendered": 10**13}]
    resp = tablet.post("/api/sales", json=body)
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["field"] == "payments.0.tendered"
    assert "payments" not in error["message"] and "받은 금액" in error["message"]


def test_unknown_pages_are_korean(sqlite_app):
    client = sqlite_app.test_client()
    page = client.get("/no-such-page")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "찾으시는 페이지가 없습니다" in html and "Not Found" not in html
    bad_receipt = client.get(f"/r/{uuid.uuid4()}?t=nope")
    assert bad_receipt.status_code == 404 and "Not Found" not in bad_receipt.get_data(as_text=True)
    api = client.get("/api/no-such-call")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_login_rate_limit_per_address(app_factory):
    app = app_factory("sqlite", LOGIN_RATE_LIMIT="5 per minute", LOGIN_NAME_RATE_LIMIT="100/minute")
    client = app.test_client()
    codes = [
        client.post("/api/login", json={"username": f"n{i}", "pin": "0000"}).status_code
        for i in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    resp = client.post("/api/login", json={"username": "cashier3", "pin": "1234"})
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert int(resp.headers["Retry-After"]) > 0
    assert resp.headers["X-Limit-Scope"] == "address"
    with app.app_context():
        # refused before any hash or database work: no failure recorded for these names
        assert db.session.get(LoginFailure, ("n6", "pin")) is None


def test_login_rate_limit_per_name(app_factory):
    app = app_factory("sqlite", LOGIN_RATE_LIMIT="100/minute", LOGIN_NAME_RATE_LIMIT="3/minute")
    codes = [
        app.test_client()
        .post("/api/login", json={"username": "cashier3b", "pin": "0000"})
        .status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    resp = app.test_client().post("/api/login", json={"username": "cashier3b", "pin": "0000"})
    assert resp.headers["X-Limit-Scope"] == "name"  # the address itself is not refused


def test_large_json_bodies_are_refused_on_every_call(sqlite_app):
    tablet = ApiClient(sqlite_app, "cashier3", pin="1234")
    big = b'{"id": "' + b"x" * (300 * 1024) + b'"}'
    for path in ("/api/sales", "/api/stock/moves"):
        resp = tablet.client.post(
            path, data=big, content_type="application/json", headers={"X-CSRFToken": tablet.csrf}
        )
        assert resp.status_code == 413, (path, resp.get_json())
        assert resp.get_json()["error"]["code"] == "too_large"


def test_names_are_matched_as_people_type_them(sqlite_app):
    client = sqlite_app.test_client()
    for name in (" cashier3 ", "CASHIER3", "Cashier3"):
        resp = client.post("/api/login", json={"username": name, "pin": "1234"})
        assert resp.status_code == 200, (name, resp.get_json())
    manager = client.post("/api/login", json={"username": "Manager", "password": "manager1234"})
    assert manager.status_code == 200
    wide = client.post("/api/login", json={"username": "cashier3", "pin": "１２３４"})
    assert wide.status_code == 422  # full-width digits are not a PIN, and count as no try
    with sqlite_app.app_context():
        assert db.session.get(LoginFailure, ("cashier3", "pin")) is None


def test_login_page_sends_a_logged_in_user_back_to_the_till(sqlite_app):
    client = sqlite_app.test_client()
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    token = _form_token(client)
    client.post("/login", data={"username": "cashier3", "pin": "1234", "csrf_token": token})
    again = client.get("/login")  # what the back button asks for
    assert again.status_code == 302 and again.headers["Location"] == "/pos"

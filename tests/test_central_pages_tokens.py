"""동기화 토큰 on central (admin): issue, rotate and revoke with CSRF-protected forms that ask
first; a new token is shown once on the answer to the POST (not cached) and never again."""

from __future__ import annotations

import re

import pytest
from central_push_kit import new_event, push
from support import ApiClient

pytestmark = pytest.mark.postgres

TOKEN_RE = re.compile(r"pos_[A-Za-z0-9_-]{40,}")


def _row(html: str, site: str) -> str:
    found = re.search(rf'data-site="{site}">(.*?)</tr>', html, re.S)
    assert found, site
    return found.group(1)


def _issue(admin: ApiClient, code: str):
    return admin.client.post(f"/admin/sync/tokens/{code}/issue", data={"csrf_token": admin.csrf})


def test_issue_shows_the_token_once_and_it_works(central):
    admin = ApiClient(central, "admin", password="admin1234")
    page = admin.get("/admin/sync/tokens").get_data(as_text=True)
    assert "동기화 토큰" in page
    row = _row(page, "CAFE03")
    assert "발급 전" in row and ">발급<" in row
    assert 'name="csrf_token"' in row

    # without the form's CSRF token nothing is issued
    refused = admin.client.post("/admin/sync/tokens/CAFE03/issue", data={})
    assert refused.status_code == 400
    assert "보안 토큰" in refused.get_data(as_text=True)
    assert "발급 전" in _row(admin.get("/admin/sync/tokens").get_data(as_text=True), "CAFE03")

    shown = _issue(admin, "CAFE03")
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    html = shown.get_data(as_text=True)
    assert "한 번만 보입니다" in html and ">복사<" in html
    token = TOKEN_RE.search(html).group(0)
    assert push(central, token, [new_event(1, payload={})]).status_code == 200

    listing = admin.get("/admin/sync/tokens").get_data(as_text=True)
    assert token not in listing  # never shown again
    row = _row(listing, "CAFE03")
    assert token[:10] in row  # its first characters tell it apart
    assert "사용 중" in row and ">재발급<" in row and ">폐기<" in row
    assert "data-confirm=" in row
    assert "admin" in row  # who issued it


def test_rotate_stops_the_old_token_and_revoke_stops_the_new(central):
    admin = ApiClient(central, "admin", password="admin1234")
    first = TOKEN_RE.search(_issue(admin, "CAFE07").get_data(as_text=True)).group(0)
    again = _issue(admin, "CAFE07").get_data(as_text=True)
    assert "예전 토큰은 이제 쓰이지 않습니다" in again
    second = TOKEN_RE.search(again).group(0)
    assert second != first
    event = new_event(1)
    assert push(central, first, [event], site="CAFE07").status_code == 403
    assert push(central, second, [event], site="CAFE07").status_code == 200

    no_csrf = admin.client.post("/admin/sync/tokens/CAFE07/revoke", data={})
    assert no_csrf.status_code == 400
    done = admin.client.post(
        "/admin/sync/tokens/CAFE07/revoke", data={"csrf_token": admin.csrf}, follow_redirects=True
    )
    assert done.status_code == 200
    assert "폐기했습니다" in done.get_data(as_text=True)
    assert push(central, second, [new_event(2)], site="CAFE07").status_code == 403
    row = _row(done.get_data(as_text=True), "CAFE07")
    assert "폐기" in row and ">발급<" in row


def test_tokens_are_for_admins_only(central):
    manager = ApiClient(central, "manager", password="manager1234")
    assert manager.get("/admin/sync/tokens").status_code == 403
    resp = manager.client.post("/admin/sync/tokens/CAFE03/issue", data={"csrf_token": manager.csrf})
    assert resp.status_code == 403
    assert TOKEN_RE.search(resp.get_data(as_text=True)) is None
    admin = ApiClient(central, "admin", password="admin1234")
    assert (
        admin.client.post(
            "/admin/sync/tokens/NOPE/issue", data={"csrf_token": admin.csrf}
        ).status_code
        == 404
    )

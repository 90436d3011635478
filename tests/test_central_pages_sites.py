"""매장·행사 목록 (admin, central and branch): every site with its kind in Korean, operator
and state; adding one with Korean messages per field; switching one off stops its sync token;
the users page lets an admin on central give a user any site's scope."""

from __future__ import annotations

import re

import pytest
from central_push_kit import dispose, issue_token, make_branch, new_event, push
from sqlalchemy import select
from support import ApiClient

from pos.db import db

pytestmark = pytest.mark.postgres


def _vendor_brn(app) -> str:
    from inventory.models import Vendor
    from pos.sites import Site

    with app.app_context():
        site = db.session.scalars(select(Site).where(Site.code == "CAFE03")).one()
        return db.session.get(Vendor, site.vendor_id).brn


def _row(html: str, site: str) -> str:
    found = re.search(rf'<tr class="[^"]*" data-site="{site}">(.*?)</tr>', html, re.S)
    assert found, site
    return found.group(0)


def test_sites_list_and_add_with_korean_errors(central):
    admin = ApiClient(central, "admin", password="admin1234")
    html = admin.get("/admin/sites").get_data(as_text=True)
    assert "매장·행사 목록" in html
    assert "카페(지점)" in _row(html, "CAFE03")
    assert "행사(장터)" in _row(html, "GN-FAIR")

    bad = admin.client.post(
        "/admin/sites",
        data={
            "csrf_token": admin.csrf,
            "code": "cafe 9!",
            "name": "",
            "kind": "shop",
            "vendor": "123-45-67891",
        },
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "매장 코드는 영문 대문자" in text
    assert "이름을 입력하세요" in text
    assert "종류를 고르세요" in text
    assert "사업자등록번호" in text and ("검증번호" in text or "공급자가 없습니다" in text)
    taken = admin.client.post(
        "/admin/sites",
        data={
            "csrf_token": admin.csrf,
            "code": "CAFE03",
            "name": "x",
            "kind": "cafe",
            "vendor": _vendor_brn(central),
        },
    )
    assert taken.status_code == 422 and "이미 있습니다" in taken.get_data(as_text=True)
    assert admin.client.post("/admin/sites", data={"code": "CAFE09"}).status_code == 400

    brn = _vendor_brn(central)
    made = admin.client.post(
        "/admin/sites",
        data={
            "csrf_token": admin.csrf,
            "code": "wh09",
            "name": "서구 공동 창고",
            "kind": "warehouse",
            "vendor": f"{brn[:3]}-{brn[3:5]}-{brn[5:]}",
            "address": "인천 서구",
            "phone": "032-000-0000",
        },
        follow_redirects=True,
    )
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    assert "추가했습니다" in html
    row = _row(html, "WH09")
    assert "서구 공동 창고" in row and "창고" in row and "사용" in row


def test_switching_a_site_off_stops_its_token(central):
    token = issue_token(central, "CAFE07")
    assert push(central, token, [new_event(1)], site="CAFE07").status_code == 200
    admin = ApiClient(central, "admin", password="admin1234")
    off = admin.client.post(
        "/admin/sites/CAFE07/active", data={"csrf_token": admin.csrf}, follow_redirects=True
    )
    assert "사용 중지했습니다" in off.get_data(as_text=True)
    assert "is-inactive" in _row(off.get_data(as_text=True), "CAFE07")
    assert push(central, token, [new_event(2)], site="CAFE07").status_code == 403
    status = ApiClient(central, "manager", password="manager1234").get("/api/sync/status")
    assert "CAFE07" not in {s["site"] for s in status.get_json()["sites"]}
    on = admin.client.post(
        "/admin/sites/CAFE07/active", data={"csrf_token": admin.csrf}, follow_redirects=True
    )
    assert "다시 사용합니다" in on.get_data(as_text=True)
    assert push(central, token, [new_event(2)], site="CAFE07").status_code == 200


def test_sites_page_is_for_admins(central):
    manager = ApiClient(central, "manager", password="manager1234")
    assert manager.get("/admin/sites").status_code == 403
    assert (
        manager.client.post(
            "/admin/sites/CAFE07/active", data={"csrf_token": manager.csrf}
        ).status_code
        == 403
    )


def test_a_branch_admin_sees_sites_but_cannot_switch_its_own_off(tmp_path_factory):
    branch = make_branch(tmp_path_factory)
    try:
        admin = ApiClient(branch, "admin", password="admin1234")
        html = admin.get("/admin/sites").get_data(as_text=True)
        assert "이 서버의 매장" in _row(html, "CAFE03")
        resp = admin.client.post(
            "/admin/sites/CAFE03/active", data={"csrf_token": admin.csrf}, follow_redirects=True
        )
        assert "사용 중지할 수 없습니다" in resp.get_data(as_text=True)
        assert "is-inactive" not in _row(resp.get_data(as_text=True), "CAFE03")
    finally:
        dispose(branch)


def test_an_admin_on_central_gives_a_user_any_sites_scope(central):
    from pos.auth.models import User

    admin = ApiClient(central, "admin", password="admin1234")
    form = admin.get("/admin/users/new").get_data(as_text=True)
    for code in ("CAFE03", "CAFE07", "GN-FAIR"):
        assert f'value="{code}"' in form
    resp = admin.client.post(
        "/admin/users/new",
        data={
            "csrf_token": admin.csrf,
            "username": "fairboss",
            "display_name": "장터 매니저",
            "role": "manager",
            "site": "GN-FAIR",
            "password": "fairboss1234",
            "password_again": "fairboss1234",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    with central.app_context():
        from pos.sites import Site

        user = db.session.scalars(select(User).where(User.username == "fairboss")).one()
        assert db.session.get(Site, user.site_id).code == "GN-FAIR"
    sites = ApiClient(central, "fairboss", password="fairboss1234").get("/api/sync/status")
    assert [s["site"] for s in sites.get_json()["sites"]] == ["GN-FAIR"]

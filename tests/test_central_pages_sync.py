"""Central's admin pages of sync: 매장 연결 현황 (each site's last contact, pull, events,
pending, rejected, lag; a site silent while open in red) and 거부된 이벤트 (site, type, reason,
time, what was sent, escaped). Central only: a branch answers 404."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from central_push_kit import issue_token, new_event, outbox, push, renumber
from sqlalchemy import select, update
from support import ApiClient

from pos.db import db, utcnow

pytestmark = pytest.mark.postgres


def _row(html: str, site: str) -> str:
    found = re.search(rf'<tr class="([^"]*)" data-site="{site}">(.*?)</tr>', html, re.S)
    assert found, site
    return found.group(1) + found.group(2)


def test_connection_page_lists_sites_and_reddens_a_silent_open_one(central, branch):
    cashier = ApiClient(branch, "cashier3", pin="1234")
    resp = cashier.post("/api/shifts", json={"id": str(uuid.uuid4()), "opening_float": 10000})
    assert resp.status_code == 201, resp.get_json()
    opened = [ev for ev in outbox(branch) if ev["type"] == "shift.opened"][-1:]
    token = issue_token(central)
    assert push(central, token, renumber(opened), pending=3).status_code == 200

    manager = ApiClient(central, "manager", password="manager1234")
    page = manager.get("/admin/sync/sites")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "매장 연결 현황" in html
    row = _row(html, "CAFE03")
    assert "c-silent" not in row
    assert "영업 중" in row and "방금" in row
    assert ">3<" in row.replace(" ", "")  # pending as the branch reported
    assert "닫힘" in _row(html, "CAFE07")
    assert 'hx-trigger="every 30s"' in html  # refreshes itself

    # an hour and more without a word from the open café
    from pos.central.ledger import SyncSite
    from pos.sites import Site

    with central.app_context():
        site_id = db.session.scalars(select(Site.id).where(Site.code == "CAFE03")).one()
        db.session.execute(
            update(SyncSite)
            .where(SyncSite.site_id == site_id)
            .values(last_push_at=utcnow() - timedelta(minutes=61))
        )
        db.session.commit()
    part = manager.get("/admin/sync/sites?part=table")
    assert part.status_code == 200
    table = part.get_data(as_text=True)
    assert "<html" not in table and 'id="c-sites"' in table
    row = _row(table, "CAFE03")
    assert "c-silent" in row
    assert "1시간 넘게 연락 없음" in row
    assert "1시간 전" in row
    assert "c-silent" not in _row(table, "CAFE07")


def test_connection_page_is_for_managers_and_central_only(central, branch):
    assert ApiClient(central, "cashier3", pin="1234").get("/admin/sync/sites").status_code == 403
    anonymous = central.test_client().get("/admin/sync/sites")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    admin = ApiClient(branch, "admin", password="admin1234")
    assert admin.get("/admin/sync/sites").status_code == 404
    assert admin.get("/admin/sync/rejections").status_code == 404
    assert admin.get("/admin/sync/tokens").status_code == 404
    # and the branch's navigation has no links to them
    home = admin.get("/admin").get_data(as_text=True)
    assert "매장 연결 현황" not in home and "동기화 토큰" not in home


def test_rejections_page_shows_reason_and_escaped_payload(central):
    token = issue_token(central)
    bad = new_event(1, payload={"lines": "<script>alert('x')</script>"})
    future = new_event(2, schema=7)
    resp = push(central, token, [bad, future])
    assert resp.status_code == 200 and len(resp.get_json()["rejected"]) == 2

    admin = ApiClient(central, "admin", password="admin1234")
    html = admin.get("/admin/sync/rejections").get_data(as_text=True)
    assert "거부된 이벤트" in html
    assert "2건" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "이벤트 내용이 형식에 맞지 않습니다" in html or "형식이 맞지 않습니다" in html
    assert "형식 버전 7" in html
    assert "sale.completed" in html
    assert "꿈이든 the 카페 3호" in html

    # a manager with another site sees none of CAFE03's
    from pos.auth.models import User
    from pos.sites import Site

    with central.app_context():
        site = db.session.scalars(select(Site).where(Site.code == "CAFE07")).one()
        user = User(username="manager7", display_name="7호 매니저", role="manager")
        user.site_id = site.id
        user.set_password("manager71234")
        db.session.add(user)
        db.session.commit()
    html = (
        ApiClient(central, "manager7", password="manager71234")
        .get("/admin/sync/rejections")
        .get_data(as_text=True)
    )
    assert "0건" in html and "거부된 이벤트가 없습니다" in html

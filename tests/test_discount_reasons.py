"""Discount reasons: the tablet's list (GET /api/discount-reasons) with the site's approval
limit, and the manager's page that keeps them (/admin/discounts); the demo's reasons and PIN."""

from __future__ import annotations

from html import unescape

from support import ApiClient
from test_backoffice_admin_users import Browser, field_error, manager

from pos.db import db
from pos.demo import DISCOUNT_REASONS, load_demo
from pos.sales.models import DiscountReason
from pos.sites import Site


def names(api: ApiClient) -> list[str]:
    return [r["name"] for r in api.get("/api/discount-reasons").get_json()["reasons"]]


def test_tablet_reads_the_demo_reasons_and_the_limit(app, cashier):
    resp = cashier.get("/api/discount-reasons")
    assert resp.status_code == 200
    body = resp.get_json()
    assert [r["name"] for r in body["reasons"]] == DISCOUNT_REASONS
    assert all(isinstance(r["id"], int) for r in body["reasons"])
    assert body["approval_pct"] == 10


def test_needs_a_log_in(app):
    resp = app.test_client().get("/api/discount-reasons")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "login_required"


def test_demo_manager_pin_approves_and_demo_is_idempotent(app):
    assert ApiClient(app, "manager", pin="2580").csrf
    with app.app_context():
        before = db.session.query(DiscountReason).count()
        load_demo()
        db.session.commit()
        assert db.session.query(DiscountReason).count() == before == len(DISCOUNT_REASONS)


def test_manager_adds_renames_and_stops_a_reason(app, cashier):
    boss = manager(app)
    page = boss.get("/admin/discounts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "직원 할인" in html and "매니저 승인 한도" in html

    resp = boss.post("/admin/discounts/reasons", {"name": "  생일   쿠폰 "})
    assert resp.status_code == 302
    assert names(cashier)[-1] == "생일 쿠폰"
    page = unescape(boss.client.get("/admin/discounts").get_data(as_text=True))
    assert "할인 사유 '생일 쿠폰'을 추가했습니다." in page

    with app.app_context():
        rid = db.session.query(DiscountReason).filter_by(name="생일 쿠폰").one().id
    resp = boss.post(f"/admin/discounts/reasons/{rid}", {"name": "생일 할인", "action": "rename"})
    assert resp.status_code == 302
    assert "생일 할인" in names(cashier)

    resp = boss.post(f"/admin/discounts/reasons/{rid}", {"name": "생일 할인", "action": "stop"})
    assert resp.status_code == 302
    assert "생일 할인" not in names(cashier)
    html = boss.get("/admin/discounts").get_data(as_text=True)
    assert "사용 중지했습니다" in html and "다시 쓰기" in html

    boss.post(f"/admin/discounts/reasons/{rid}", {"action": "resume"})
    assert "생일 할인" in names(cashier)


def test_bad_reason_names_are_refused_in_korean(app):
    boss = manager(app)
    resp = boss.post("/admin/discounts/reasons", {"name": "   "})
    assert resp.status_code == 422
    assert field_error(resp.get_data(as_text=True), "new") == "할인 사유를 입력하세요"
    resp = boss.post("/admin/discounts/reasons", {"name": "직원 할인"})
    assert resp.status_code == 422
    said = unescape(field_error(resp.get_data(as_text=True), "new"))
    assert said == "'직원 할인'은 이미 있는 사유입니다"
    resp = boss.post("/admin/discounts/reasons", {"name": "가" * 61})
    assert resp.status_code == 422
    with app.app_context():
        rid = db.session.query(DiscountReason).filter_by(name="단골 쿠폰").one().id
    resp = boss.post(f"/admin/discounts/reasons/{rid}", {"name": "행사 할인"})
    assert resp.status_code == 422
    assert "이미 있는 사유" in field_error(resp.get_data(as_text=True), f"r{rid}")
    assert boss.post("/admin/discounts/reasons/999999", {"name": "x"}).status_code == 404
    with app.app_context():
        assert db.session.query(DiscountReason).count() == len(DISCOUNT_REASONS)


def test_the_site_limit_is_set_and_cleared(app, cashier):
    boss = manager(app)
    assert boss.post("/admin/discounts/limit", {"approval_pct": "20"}).status_code == 302
    assert cashier.get("/api/discount-reasons").get_json()["approval_pct"] == 20
    html = boss.get("/admin/discounts").get_data(as_text=True)
    assert "20%를 넘는 할인은 매니저 승인이 필요합니다" in html
    assert boss.post("/admin/discounts/limit", {"approval_pct": ""}).status_code == 302
    assert cashier.get("/api/discount-reasons").get_json()["approval_pct"] is None
    for bad in ("101", "-5", "열", "5.5"):
        resp = boss.post("/admin/discounts/limit", {"approval_pct": bad})
        assert resp.status_code == 422
        assert "0부터 100까지" in field_error(resp.get_data(as_text=True), "approval_pct")
    with app.app_context():
        assert db.session.query(Site).filter_by(code="CAFE03").one().discount_approval_pct is None


def test_cashiers_cannot_keep_the_list(app):
    teller = Browser(app, "cashier3", pin="1234")
    assert teller.get("/admin/discounts").status_code == 403
    assert teller.post("/admin/discounts/reasons", {"name": "몰래 할인"}).status_code == 403
    assert teller.post("/admin/discounts/limit", {"approval_pct": "100"}).status_code == 403

"""A product's price and availability at a site: the back-office page (one-tap htmx toggles)
and POST /api/catalog/availability; roles (cashiers 품절 only) and site scopes (another site's
manager, a fair's organiser, an admin's picked working site)."""

from __future__ import annotations

import io

import pytest
from catalog_pages import Pages, any_product, cashier_site_id, listed, text
from openpyxl import load_workbook
from sqlalchemy import select
from support import ApiClient

from inventory.models import Product, SiteProduct
from inventory.site_terms import today
from pos.auth.models import User
from pos.db import db
from pos.sites import Site


@pytest.fixture
def manager(app):
    return Pages(app, "manager", password="manager1234")


# availability --------------------------------------------------------------------------------


def test_availability_page_toggles_by_htmx_and_the_cashier_sees_it(app, manager):
    cashier = ApiClient(app, "cashier3", pin="1234")
    name, item = next((n, p) for n, p in cashier.catalog().items() if not p["sold_out"])
    pid = item["id"]
    page = text(manager.get(f"/availability?q={item['sku']}"))
    assert name in page and "품절로 표시" in page
    row = text(manager.htmx(f"/availability/{pid}", {"what": "sold_out", "value": "1"}))
    assert row.lstrip().startswith("<tr") and "품절 해제" in row and "is-out" in row
    assert cashier.catalog()[name]["sold_out"] is True
    row = text(manager.htmx(f"/availability/{pid}", {"what": "price", "price": "5,300"}))
    assert "5,300원" in row and "매장 가격" in row
    assert cashier.catalog()[name]["price"] == 5300
    # a bad price: the row comes back with the message, nothing changes
    row = text(manager.htmx(f"/availability/{pid}", {"what": "price", "price": "-100"}))
    assert "0 이상이어야 합니다" in row and 'aria-invalid="true"' in row
    assert cashier.catalog()[name]["price"] == 5300
    manager.htmx(f"/availability/{pid}", {"what": "price", "reset": "1"})
    assert cashier.catalog()[name]["price"] == item["price"]
    manager.htmx(f"/availability/{pid}", {"what": "hidden", "value": "1"})
    assert name not in cashier.catalog()
    # without JavaScript the same form redirects back with a message
    resp = manager.form(
        f"/availability/{pid}", {"what": "hidden", "value": "0", "back": "/availability"}
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/availability")
    assert name in cashier.catalog()
    with app.app_context():
        terms = db.session.get(SiteProduct, (cashier_site_id(app), pid))
        assert terms.sold_out_on == today() and terms.hidden is False and terms.price is None


def test_availability_api_roles_and_fields(app, manager):
    cashier = ApiClient(app, "cashier3", pin="1234")
    pid = any_product(app, active=True).id
    resp = cashier.post("/api/catalog/availability", json={"product_id": pid, "sold_out": True})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["sold_out"] is True and body["sold_out_today"] is True and body["site"] == "CAFE03"
    for extra in ({"price": 100}, {"hidden": True}):
        resp = cashier.post("/api/catalog/availability", json={"product_id": pid, **extra})
        assert resp.status_code == 403
        assert resp.get_json()["error"]["message"] == "계산원은 품절만 바꿀 수 있습니다"
    resp = manager.post(
        "/api/catalog/availability", json={"product_id": pid, "price": 6100, "hidden": False}
    )
    assert resp.status_code == 200 and resp.get_json()["price"] == 6100
    resp = manager.post("/api/catalog/availability", json={"product_id": pid, "price": None})
    assert resp.get_json()["own_price"] is None
    bad = [
        ({"product_id": pid}, 422, "바꿀 내용"),
        ({"product_id": pid, "price": -1}, 422, "가격"),
        ({"product_id": pid, "price": "5000"}, 422, "가격"),
        ({"product_id": pid, "sold_out": "yes"}, 422, "품절"),
        ({"product_id": 999999, "sold_out": True}, 404, "상품을 찾을 수 없습니다"),
        ({"product_id": pid, "sold_out": True, "site": "NOPE"}, 404, "매장을 찾을 수 없습니다"),
        ({"product_id": pid, "sold_out": True, "site": "CAFE07"}, 403, "권한"),
    ]
    for body, status, message in bad:
        who = cashier if body.get("site") == "CAFE07" else manager
        resp = who.post("/api/catalog/availability", json=body)
        assert resp.status_code == status, (body, resp.get_json())
        assert message in resp.get_json()["error"]["message"], (body, resp.get_json())
    # the manager may work on another site by its code
    resp = manager.post(
        "/api/catalog/availability", json={"product_id": pid, "sold_out": True, "site": "CAFE07"}
    )
    assert resp.status_code == 200 and resp.get_json()["site"] == "CAFE07"
    doc = manager.get("/api/openapi.json").get_json()
    assert "/api/catalog/availability" in doc["paths"]


def test_a_manager_of_another_site_cannot_touch_this_sites_terms(app_factory):
    app = app_factory("sqlite", POS_SITE="CAFE07")
    with app.app_context():
        site7 = db.session.execute(select(Site).where(Site.code == "CAFE07")).scalar_one()
        user = User(
            username="manager7", display_name="7호 매니저", role="manager", site_id=site7.id
        )
        user.set_password("manager7777")
        db.session.add(user)
        db.session.commit()
        pid = db.session.execute(select(Product.id).order_by(Product.id)).scalars().first()
    m7 = Pages(app, "manager7", password="manager7777")
    resp = m7.post(
        "/api/catalog/availability", json={"product_id": pid, "sold_out": True, "site": "CAFE03"}
    )
    assert (
        resp.status_code == 403
        and resp.get_json()["error"]["message"] == "이 매장에 대한 권한이 없습니다"
    )
    # the site switcher refuses the other site; the page works on CAFE07 only
    resp = m7.form("/admin/site", {"site": "CAFE03"})
    assert resp.status_code == 403 and "권한" in text(resp)
    m7.htmx(f"/availability/{pid}", {"what": "price", "price": "9999"})
    with app.app_context():
        rows = db.session.scalars(select(SiteProduct).where(SiteProduct.product_id == pid)).all()
        assert [(r.site_id, r.price) for r in rows] == [(site7.id, 9999)]


def test_at_a_fair_the_organiser_sees_the_fairs_vendors_goods(app_factory):
    app = app_factory("sqlite", POS_SITE="GN-FAIR")
    organiser = Pages(app, "organiser", pin="1357")
    with app.app_context():
        from inventory.fairs.models import FairVendor

        fair = db.session.execute(select(Site).where(Site.code == "GN-FAIR")).scalar_one()
        vendors = set(
            db.session.scalars(select(FairVendor.vendor_id).where(FairVendor.site_id == fair.id))
        )
        inside = db.session.scalars(select(Product).where(Product.vendor_id.in_(vendors))).first()
        outside = db.session.scalars(
            select(Product).where(Product.vendor_id.not_in(vendors), Product.active)
        ).first()
        inside_name, outside_name, pid = inside.name, outside.name, inside.id
    page = listed(organiser.get("/availability"))
    assert inside_name in page and outside_name not in page
    page = listed(organiser.get("/availability?all=1"))
    assert outside_name in page and "행사 미참가" in page
    resp = organiser.post("/api/catalog/availability", json={"product_id": pid, "sold_out": True})
    assert resp.status_code == 200 and resp.get_json()["site"] == "GN-FAIR"
    # the organiser may not work on a café's terms
    resp = organiser.post(
        "/api/catalog/availability", json={"product_id": pid, "price": 1, "site": "CAFE03"}
    )
    assert resp.status_code == 403


def test_an_admin_works_on_the_site_picked_in_the_switcher(sqlite_app):
    admin = Pages(sqlite_app, "admin", password="admin1234")
    resp = admin.form("/admin/site", {"site": "CAFE07", "back": "/availability"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/availability")
    page = text(admin.get("/availability"))
    assert "꿈이든 the 카페 7호 제물포스마트타운점</strong>의 판매 가격" in page
    pid = any_product(sqlite_app, active=True).id
    row = text(admin.htmx(f"/availability/{pid}", {"what": "price", "price": "4100"}))
    assert "4,100원" in row
    with sqlite_app.app_context():
        site7 = db.session.execute(select(Site.id).where(Site.code == "CAFE07")).scalar_one()
        assert db.session.get(SiteProduct, (site7, pid)).price == 4100
        terms3 = db.session.get(SiteProduct, (cashier_site_id(sqlite_app), pid))
        assert terms3 is None or terms3.price is None
    sheet = load_workbook(io.BytesIO(admin.get("/products/export.xlsx").data)).active
    assert "CAFE07" in sheet["A1"].value

"""만원의 행복 through the API on SQLite and PostgreSQL: units sold of campaign products are
owed (less refunded units), donations handed over are recorded once per id as 'donation' stock
moves, never more than is outstanding at the site; GET /api/campaigns sums it up."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from support import ApiClient, new_sale_body

from inventory.campaigns.models import Campaign, Donation
from inventory.models import Product, Site, StockLevel, StockMove
from pos.db import db, utcnow
from pos.refunds.models import Refund, RefundLine
from pos.sales.models import Sale

MUSHROOM = "생표고버섯 500g"  # S001, 10,000, tracked (20 at CAFE03), 만원의 행복


def campaign_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(Campaign.id).filter_by(name="만원의 행복")).one()


def sell(api: ApiClient, qty: int, name: str = MUSHROOM, price: int = 10000) -> dict:
    body = new_sale_body(
        api, [(name, qty, [])], [{"method": "cash", "amount": price * qty, "tendered": 10**6}]
    )
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def figures(api: ApiClient, query: str = "") -> dict:
    resp = api.get(f"/api/campaigns{query}")
    assert resp.status_code == 200, resp.get_json()
    return {c["name"]: c for c in resp.get_json()["campaigns"]}["만원의 행복"]


def refund_rows(app, sale_id: str, qty: int) -> None:
    """A refund of ``qty`` units of the sale's first line, written as B's refund API does."""
    with app.app_context():
        sale = db.session.get(Sale, sale_id)
        rid = str(uuid.uuid4())
        amount = sale.lines[0].unit_price * qty
        db.session.add(
            Refund(
                id=rid,
                sale_id=sale.id,
                site_id=sale.site_id,
                user_id=sale.user_id,
                kind="refund",
                reason="상함",
                receipt_no=f"{sale.receipt_no}-R1",
                business_day=sale.business_day,
                total=amount,
                taxable_total=0,
                taxable_supply=0,
                vat=0,
                exempt=amount,
                request_hash="x" * 64,
                created_at=utcnow(),
            )
        )
        db.session.flush()
        line = sale.lines[0]
        db.session.add(
            RefundLine(
                refund_id=rid,
                sale_line_position=line.position,
                receipt_position=0,
                product_id=line.product_id,
                vendor_id=line.vendor_id,
                name=line.name,
                tax=line.tax,
                qty=qty,
                amount=amount,
            )
        )
        db.session.commit()


def donate(api: ApiClient, cid: int, qty: int, **extra):
    body = {"id": str(uuid.uuid4()), "day": "2026-12-01", "qty": qty, **extra}
    return api.post(f"/api/campaigns/{cid}/donations", json=body), body


def product_id(app, sku: str = "S001") -> int:
    with app.app_context():
        return db.session.scalars(select(Product.id).filter_by(sku=sku)).one()


def on_hand(app, sku: str = "S001", code: str = "CAFE03") -> int:
    pid = product_id(app, sku)
    with app.app_context():
        site = db.session.scalars(select(Site).filter_by(code=code)).one()
        level = db.session.get(StockLevel, (site.id, pid))
        return level.on_hand


def test_units_sold_are_owed_less_refunds(app, cashier):
    cid = campaign_id(app)
    start = figures(cashier)
    assert start == {
        "id": cid,
        "name": "만원의 행복",
        "unit": "팩",
        "recipient": "만수7단지 무료급식소",
        "active": True,
        "owed": 0,
        "donated": 0,
        "outstanding": 0,
    }
    sale = sell(cashier, 3)
    sell(cashier, 1, "건표고버섯 100g", 12000)
    sell(cashier, 2, "수제 마들렌", 2500)  # not a campaign item
    assert figures(cashier)["owed"] == 4
    refund_rows(app, sale["id"], 2)
    got = figures(cashier)
    assert (got["owed"], got["donated"], got["outstanding"]) == (2, 0, 2)
    # the line keeps the campaign it was sold with, even if the product leaves the campaign
    with app.app_context():
        db.session.get(Product, product_id(app)).campaign_id = None
        db.session.commit()
    assert figures(cashier)["owed"] == 2
    manager = ApiClient(app, "manager", password="manager1234")
    assert figures(manager)["owed"] == 2  # every site
    assert figures(manager, "?site=CAFE07")["owed"] == 0


def test_a_donation_is_recorded_once_as_a_stock_move(app, cashier):
    cid, pid = campaign_id(app), product_id(app)
    sell(cashier, 5)
    stock = on_hand(app)
    resp, body = donate(cashier, cid, 3, product_id=pid)
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()
    assert got["qty"] == 3 and got["recipient"] == "만수7단지 무료급식소"
    assert got["site"] == "CAFE03" and got["day"] == "2026-12-01"
    assert (got["owed"], got["donated"], got["outstanding"]) == (5, 3, 2)
    assert on_hand(app) == stock - 3
    with app.app_context():
        move = db.session.scalars(select(StockMove).filter_by(ref=f"donation:{body['id']}")).one()
        assert (move.qty, move.reason) == (-3, "donation")
    # the same id and body again: the same donation, nothing moves twice
    again = cashier.post(f"/api/campaigns/{cid}/donations", json=body)
    assert again.status_code == 200 and again.get_json()["donated"] == 3
    assert on_hand(app) == stock - 3
    # the same id with another body
    other = cashier.post(f"/api/campaigns/{cid}/donations", json={**body, "qty": 1})
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "id_conflict"
    got = figures(cashier)
    assert (got["owed"], got["donated"], got["outstanding"]) == (5, 3, 2)


def test_more_than_outstanding_is_refused_in_korean(app, cashier):
    cid = campaign_id(app)
    sell(cashier, 2)
    resp, _ = donate(cashier, cid, 3, recipient="연수구 푸드뱅크")
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "over_outstanding" and error["field"] == "qty"
    assert error["message"] == "기부할 수량(3팩)이 남은 적립(2팩)보다 많습니다"
    with app.app_context():
        assert db.session.query(Donation).count() == 0


def test_a_donation_without_product_leaves_stock_alone(app, cashier):
    cid = campaign_id(app)
    sell(cashier, 2)
    stock = on_hand(app)
    resp, _ = donate(cashier, cid, 2, recipient="  연수구   푸드뱅크 ", note="직접 전달")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["recipient"] == "연수구 푸드뱅크"
    assert resp.get_json()["outstanding"] == 0
    assert on_hand(app) == stock


def test_bad_donations_are_refused(app, cashier):
    cid = campaign_id(app)
    sell(cashier, 2)
    chips = product_id(app, "S003")  # not a campaign product
    resp, _ = donate(cashier, cid, 1, product_id=chips)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["message"] == "만원의 행복 캠페인 상품이 아닙니다"
    resp, _ = donate(cashier, 999999, 1)
    assert resp.status_code == 404
    assert resp.get_json()["error"]["message"] == "없는 캠페인입니다"
    for bad in ({"qty": 0}, {"qty": "2"}, {"day": "어제"}, {"id": "x"}, {"extra": 1}):
        body = {"id": str(uuid.uuid4()), "day": "2026-12-01", "qty": 1, **bad}
        resp = cashier.post(f"/api/campaigns/{cid}/donations", json=body)
        assert resp.status_code == 422, bad
        assert resp.get_json()["error"]["code"] == "invalid"
    with app.app_context():
        assert db.session.query(Donation).count() == 0
    assert app.test_client().get("/api/campaigns").status_code == 401


def test_not_enough_on_the_shelf_is_refused(app, cashier):
    cid, pid = campaign_id(app), product_id(app)
    sell(cashier, 3)
    with app.app_context():
        site = db.session.scalars(select(Site).filter_by(code="CAFE03")).one()
        db.session.get(StockLevel, (site.id, pid)).on_hand = 1
        db.session.commit()
    resp, _ = donate(cashier, cid, 2, product_id=pid)
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["message"] == "생표고버섯 500g 재고가 부족합니다 (남은 수량 1팩)"
    with app.app_context():
        assert db.session.query(Donation).count() == 0


def test_refunds_and_voids_through_the_api_give_back_owed_units(app, cashier):
    manager = ApiClient(app, "manager", pin="2580")
    sale = sell(cashier, 3)
    body = {
        "id": str(uuid.uuid4()),
        "lines": [{"line": 1, "qty": 1}],
        "reason": "상한 버섯",
        "payments": [{"method": "cash", "amount": 10000}],
    }
    resp = manager.post(f"/api/sales/{sale['id']}/refund", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert figures(cashier)["owed"] == 2
    other = sell(cashier, 2)
    void = {"id": str(uuid.uuid4()), "reason": "잘못 찍음"}
    resp = manager.post(f"/api/sales/{other['id']}/void", json=void)
    assert resp.status_code == 201, resp.get_json()
    got = figures(cashier)
    assert (got["owed"], got["outstanding"]) == (2, 2)


def test_a_refund_after_the_donation_never_shows_a_negative_balance(app, cashier):
    """2 packs sold and handed over, then one sale refunded: nothing is outstanding (not −1),
    the page says one pack went ahead, and the next pack sold is already covered."""
    manager = ApiClient(app, "manager", pin="2580")
    cid = campaign_id(app)
    first, second = sell(cashier, 1), sell(cashier, 1)
    resp, _ = donate(manager, cid, 2, recipient="만수7단지 무료급식소")
    assert resp.status_code == 201, resp.get_json()
    back = {
        "id": str(uuid.uuid4()),
        "reason": "상한 버섯",
        "payments": [{"method": "cash", "amount": 10000}],
    }
    resp = manager.post(f"/api/sales/{second['id']}/refund", json=back)
    assert resp.status_code == 201, resp.get_json()
    got = figures(cashier)
    assert (got["owed"], got["donated"], got["outstanding"]) == (1, 2, 0)
    page = manager.get(f"/admin/campaigns/{cid}").get_data(as_text=True)
    assert "1팩 먼저 기부한 셈입니다" in page and "-1팩" not in page
    sell(cashier, 1)
    assert figures(cashier)["outstanding"] == 0
    resp, _ = donate(manager, cid, 1, recipient="만수7단지 무료급식소")
    assert resp.status_code == 409 and first["id"]

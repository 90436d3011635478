"""만원의 행복 back-office pages through the Flask test client: the list with owed / donated /
outstanding, a new campaign, its products (also on the product form, with 주문받아 만듦), a
donation recorded once however often the form is sent, refusals in Korean, and the XLSX."""

from __future__ import annotations

import io
import re
import uuid
from html import unescape

from openpyxl import load_workbook
from sqlalchemy import select
from support import ApiClient, new_sale_body
from test_backoffice_admin_users import Browser, field_error, manager

from inventory.campaigns.models import Campaign, Donation
from inventory.models import Product, StockMove
from pos.db import db


def cid(app, name: str = "만원의 행복") -> int:
    with app.app_context():
        return db.session.scalars(select(Campaign.id).filter_by(name=name)).one()


def sell_mushrooms(app, qty: int) -> None:
    api = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        api,
        [("생표고버섯 500g", qty, [])],
        [{"method": "cash", "amount": 10000 * qty, "tendered": 10000 * qty}],
    )
    assert api.post("/api/sales", json=body).status_code == 201


def text(resp) -> str:
    return unescape(resp.get_data(as_text=True))


def cell(html: str, attr: str, campaign_id: int | None = None) -> str:
    if campaign_id is not None:
        html = html.split(f'data-campaign-id="{campaign_id}"', 1)[1]
    m = re.search(rf"{attr}[^>]*>(?:<strong>)?([^<]*)<", html)
    return m.group(1) if m else ""


def test_the_list_shows_owed_donated_and_outstanding(app):
    sell_mushrooms(app, 3)
    boss = manager(app)
    resp = boss.get("/admin/campaigns")
    assert resp.status_code == 200
    html = text(resp)
    c = cid(app)
    assert "만수7단지 무료급식소" in html and "생표고버섯 500g, 건표고버섯 100g" in html
    assert cell(html, "data-owed", c) == "3팩"
    assert cell(html, "data-donated", c) == "0팩"
    assert cell(html, "data-outstanding", c) == "3팩"
    assert 'href="/admin/campaigns"' in html  # the 나눔 menu links here


def test_a_donation_from_the_page_is_recorded_once(app):
    sell_mushrooms(app, 4)
    boss = manager(app)
    c = cid(app)
    page = text(boss.get(f"/admin/campaigns/{c}"))
    assert "이 매장의 남은 적립: 4팩" in unescape(re.sub(r"<[^>]+>", "", page))
    with app.app_context():
        pid = db.session.scalars(select(Product.id).filter_by(sku="S001")).one()
    # the first campaign product is picked, so the pack leaves stock unless changed
    assert f'<option value="{pid}" selected>생표고버섯 500g · 재고에서 뺌</option>' in page
    form = {
        "donation_id": str(uuid.uuid4()),
        "day": "2026-12-01",
        "give_recipient": "",
        "qty": "3",
        "product_id": str(pid),
        "note": "12월 첫 전달",
    }
    resp = boss.post(f"/admin/campaigns/{c}/donations", form)
    assert resp.status_code == 302
    page = text(boss.get(f"/admin/campaigns/{c}"))
    assert "만수7단지 무료급식소에 3팩 기부를 기록했습니다. 남은 적립 1팩." in page
    assert "12월 첫 전달" in page and "지점 매니저" in page
    # a double submit of the same form records nothing more
    assert boss.post(f"/admin/campaigns/{c}/donations", form).status_code == 302
    assert "이미 기록한 기부입니다" in text(boss.get(f"/admin/campaigns/{c}"))
    with app.app_context():
        assert db.session.query(Donation).count() == 1
        moves = db.session.scalars(select(StockMove).filter_by(reason="donation")).all()
        assert [m.qty for m in moves] == [-3]
    html = text(boss.get("/admin/campaigns"))
    assert cell(html, "data-outstanding", c) == "1팩"


def test_page_refusals_say_why_and_change_nothing(app):
    sell_mushrooms(app, 1)
    boss = manager(app)
    c = cid(app)
    base = {"donation_id": str(uuid.uuid4()), "day": "2026-12-01", "qty": "2"}
    resp = boss.post(f"/admin/campaigns/{c}/donations", base)
    assert resp.status_code == 422
    assert field_error(text(resp), "qty") == "기부할 수량(2팩)이 남은 적립(1팩)보다 많습니다"
    resp = boss.post(f"/admin/campaigns/{c}/donations", {**base, "qty": "영"})
    assert field_error(text(resp), "qty") == "수량은 1 이상의 정수로 적으세요"
    resp = boss.post(f"/admin/campaigns/{c}/donations", {**base, "qty": "1", "day": "2999-01-01"})
    assert field_error(text(resp), "day") == "앞으로의 날짜에는 기록할 수 없습니다"
    # the working site decides where: CAFE07 sold none
    boss.post("/admin/site", {"site": "CAFE07", "back": "/admin/campaigns"})
    resp = boss.post(f"/admin/campaigns/{c}/donations", {**base, "qty": "1"})
    assert resp.status_code == 422
    assert field_error(text(resp), "qty") == "기부할 수량(1팩)이 남은 적립(0팩)보다 많습니다"
    with app.app_context():
        assert db.session.query(Donation).count() == 0
    assert boss.get("/admin/campaigns/999999").status_code == 404


def test_new_campaign_products_and_edit(app):
    boss = manager(app)
    resp = boss.post("/admin/campaigns", {"name": "천원의 행복", "unit": "개", "recipient": ""})
    assert resp.status_code == 302
    new = cid(app, "천원의 행복")
    assert text(boss.get(resp.headers["Location"])).count("천원의 행복") >= 2
    resp = boss.post("/admin/campaigns", {"name": "만원의 행복", "unit": "팩"})
    assert resp.status_code == 422
    assert field_error(text(resp), "name") == "'만원의 행복'은 이미 있는 캠페인입니다"
    resp = boss.post("/admin/campaigns", {"name": " ", "unit": "팩"})
    assert field_error(text(resp), "name") == "이름을 입력하세요"

    with app.app_context():
        chips = db.session.scalars(select(Product.id).filter_by(sku="S003")).one()
    resp = boss.post(f"/admin/campaigns/{new}/products", {"product_ids": str(chips)})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Product, chips).campaign_id == new

    resp = boss.post(
        f"/admin/campaigns/{new}",
        {"name": "천원의 나눔", "unit": "봉", "recipient": "연수구 푸드뱅크", "active": "0"},
    )
    assert resp.status_code == 302
    with app.app_context():
        row = db.session.get(Campaign, new)
        assert (row.name, row.unit, row.recipient, row.active) == (
            "천원의 나눔",
            "봉",
            "연수구 푸드뱅크",
            False,
        )


def test_the_product_form_flags_made_to_order_and_the_campaign(app):
    boss = manager(app)
    c = cid(app)
    with app.app_context():
        chips = db.session.scalars(select(Product).filter_by(sku="S003")).one()
        pid, vendor = chips.id, chips.vendor_id
    page = text(boss.get(f"/products/{pid}"))
    assert "주문받아 만듭니다" in page and "나눔 캠페인" in page and "만원의 행복" in page
    form = {
        "sku": "S003",
        "name": "표고버섯 칩",
        "price": "5,000",
        "tax": "taxable",
        "vendor_id": str(vendor),
        "track_stock": "1",
        "made_to_order": "1",
        "campaign_id": str(c),
    }
    resp = boss.post(f"/products/{pid}", form)
    assert resp.status_code == 302, text(resp)
    with app.app_context():
        row = db.session.get(Product, pid)
        assert row.made_to_order is True and row.campaign_id == c
    # the tablet's next sale of it owes a pack
    sell_api = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        sell_api, [("표고버섯 칩", 1, [])], [{"method": "cash", "amount": 5000, "tendered": 5000}]
    )
    assert sell_api.post("/api/sales", json=body).status_code == 201
    owed = {x["name"]: x for x in sell_api.get("/api/campaigns").get_json()["campaigns"]}
    assert owed["만원의 행복"]["owed"] == 1

    resp = boss.post(f"/products/{pid}", {**form, "made_to_order": "", "campaign_id": ""})
    assert resp.status_code == 302
    with app.app_context():
        row = db.session.get(Product, pid)
        assert row.made_to_order is False and row.campaign_id is None
    resp = boss.post(f"/products/{pid}", {**form, "campaign_id": "999999"})
    assert resp.status_code == 422
    assert "없는 캠페인입니다" in text(resp)


def test_the_workbook_has_sales_by_day_and_donations(app):
    sell_mushrooms(app, 2)
    boss = manager(app)
    c = cid(app)
    boss.post(
        f"/admin/campaigns/{c}/donations",
        {"donation_id": str(uuid.uuid4()), "day": "2026-12-01", "qty": "1", "note": "첫 전달"},
    )
    resp = boss.get(f"/admin/campaigns/{c}.xlsx")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["요약", "판매", "기부"]
    summary = list(wb["요약"].iter_rows(values_only=True))
    assert summary[0] == ("매장", "만원의 행복 적립(팩)", "기부(팩)", "남은 적립(팩)")
    assert summary[-1] == ("합계", 2, 1, 1)
    sales = list(wb["판매"].iter_rows(values_only=True))
    assert len(sales) == 2 and sales[1][2:] == (2, 0, 2)
    gifts = list(wb["기부"].iter_rows(values_only=True))
    assert gifts[1][2:7] == ("만수7단지 무료급식소", None, 1, "첫 전달", "지점 매니저")


def test_cashiers_have_no_campaign_pages(app):
    teller = Browser(app, "cashier3", pin="1234")
    assert teller.get("/admin/campaigns").status_code == 403
    assert teller.post("/admin/campaigns", {"name": "x", "unit": "개"}).status_code == 403

"""The organiser's fair pages over the demo fair (GN-FAIR), on SQLite and PostgreSQL: who may
see them, and that bad input on a page is answered in Korean and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support import ApiClient

from inventory.fairs.models import Consignment, Fair, FairAdjustment, FairCount
from inventory.models import Product, Vendor
from pos.auth.models import User
from pos.db import db
from pos.sites import Site

FAIR = "GN-FAIR"


@pytest.fixture
def app(app_factory, backend):
    """The fair's own server (POS_SITE=GN-FAIR), with a booth cashier, on both backends."""
    made = app_factory(backend, POS_SITE=FAIR)
    with made.app_context():
        site = db.session.scalar(select(Site).where(Site.code == FAIR))
        booth = User(username="booth1", display_name="부스하나", role="cashier", site_id=site.id)
        booth.set_pin("1111")
        db.session.add(booth)
        db.session.commit()
    return made


def organiser(app) -> ApiClient:
    return ApiClient(app, "organiser", password="organiser1234")


def page_text(resp) -> str:
    return resp.get_data(as_text=True)


def form(api: ApiClient, url: str, data: dict, follow: bool = True):
    return api.post(url, data=data, follow_redirects=follow)


def fair_state(app) -> str:
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == FAIR))
        return db.session.get(Fair, site.id).state


def count_of(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def vendor_and_product(app, vendor_name: str) -> tuple[str, int]:
    with app.app_context():
        vendor = db.session.scalar(select(Vendor).where(Vendor.name == vendor_name))
        product = db.session.scalar(
            select(Product).where(Product.vendor_id == vendor.id).order_by(Product.id)
        )
        return vendor.brn, product.id


def test_roles_and_scopes(app):
    cashier = ApiClient(app, "booth1", pin="1111")
    assert cashier.get("/fairs").status_code == 403
    assert cashier.get(f"/fairs/{FAIR}/board").status_code == 403

    org = organiser(app)
    listing = org.get("/fairs")
    assert listing.status_code == 200
    assert "경남 자활생산물품 하루장터" in page_text(listing)
    for path in ("", "/checkin", "/board", "/board/live", "/count", "/settlement", "/adjustments"):
        resp = org.get(f"/fairs/{FAIR}{path}")
        assert resp.status_code == 200, path
        assert "Not Found" not in page_text(resp)
    # a café is not a fair, an unknown code is not found, the organiser's scope is its fair
    assert org.get("/fairs/CAFE03").status_code == 403
    assert org.get("/fairs/NOPE").status_code == 404

    manager = ApiClient(app, "manager", password="manager1234")
    assert manager.get(f"/fairs/{FAIR}/board").status_code == 200
    assert manager.get("/fairs/CAFE03").status_code == 404


def test_bad_input_changes_nothing(app):
    org = organiser(app)
    brn, product_id = vendor_and_product(app, "산청지역자활센터")
    before = count_of(app, Consignment)

    letters = form(org, f"/fairs/{FAIR}/checkin", {"brn": brn, f"qty_{product_id}": "세개"})
    assert "숫자로만" in page_text(letters)
    zero = form(org, f"/fairs/{FAIR}/checkin", {"brn": brn, f"qty_{product_id}": "0"})
    assert "하나 이상" in page_text(zero)
    stranger = form(org, f"/fairs/{FAIR}/checkin", {"brn": "1234567890", "qty_1": "3"})
    assert "공급자를 먼저 고르세요" in page_text(stranger)
    assert count_of(app, Consignment) == before

    # counting and adjusting wait for the close
    early = form(org, f"/fairs/{FAIR}/count", {"vendor": brn, f"counted_{product_id}": "1"})
    assert "마감한 뒤" in page_text(early)
    assert count_of(app, FairCount) == 0
    # closing a planned fair is refused, and the box must be ticked
    unticked = form(org, f"/fairs/{FAIR}/close", {})
    assert "확인란" in page_text(unticked)
    assert fair_state(app) == "planned"

    # the demo fair's date is not today: 열기 asks for the tick first
    assert "확인란" in page_text(form(org, f"/fairs/{FAIR}/open", {}))
    assert fair_state(app) == "planned"
    assert "열었습니다" in page_text(form(org, f"/fairs/{FAIR}/open", {"other_day": "yes"}))
    again = form(org, f"/fairs/{FAIR}/open", {})
    assert "이미 진행 중" in page_text(again)
    assert "마감했습니다" in page_text(form(org, f"/fairs/{FAIR}/close", {"confirm": "yes"}))
    twice = form(org, f"/fairs/{FAIR}/close", {"confirm": "yes"})
    assert "이미 마감한" in page_text(twice) or "이미 마감된" in page_text(twice)
    assert fair_state(app) == "closed"

    # after close: no check-in; a count with letters or a gap is refused as a whole
    closed = form(org, f"/fairs/{FAIR}/checkin", {"brn": brn, f"qty_{product_id}": "2"})
    assert "마감한 장터에는 입고할 수 없습니다" in page_text(closed)
    assert count_of(app, Consignment) == before
    bad_count = form(
        org,
        f"/fairs/{FAIR}/count",
        {"vendor": brn, "action": "commit", f"counted_{product_id}": "열"},
    )
    assert "숫자로만 입력하세요" in page_text(bad_count)
    assert count_of(app, FairCount) == 0

    # an adjustment needs a reason, and a number
    no_reason = form(org, f"/fairs/{FAIR}/adjustments", {"brn": brn, "amount": "-1000"})
    assert "사유" in page_text(no_reason)
    bad_amount = form(
        org, f"/fairs/{FAIR}/adjustments", {"brn": brn, "amount": "천원", "reason": "분실"}
    )
    assert "숫자로 입력" in page_text(bad_amount)
    assert count_of(app, FairAdjustment) == 0
    done = form(
        org,
        f"/fairs/{FAIR}/adjustments",
        {"brn": brn, "amount": "-1,000", "reason": "포장 파손 1개 합의 차감"},
    )
    assert "조정을 기록했습니다" in page_text(done)
    assert "포장 파손" in page_text(done) and "-1,000원" in page_text(done)
    assert count_of(app, FairAdjustment) == 1


def test_board_fragment_and_sold_out(app):
    org = organiser(app)
    opened = form(org, f"/fairs/{FAIR}/open", {"other_day": "yes"})
    assert "장터를 열었습니다" in page_text(opened)
    _brn, product_id = vendor_and_product(app, "밀양지역자활센터")
    live = org.get(f"/fairs/{FAIR}/board/live")
    assert 'hx-trigger="every 3s"' in page_text(live)
    marked = org.post(
        f"/fairs/{FAIR}/board/sold-out", data={"product_id": str(product_id), "sold_out": "1"}
    )
    assert marked.status_code == 200
    board = org.get(f"/api/fairs/{FAIR}/board").get_json()
    item = next(p for v in board["vendors"] for p in v["products"] if p["product_id"] == product_id)
    assert item["sold_out"] is True
    # a product that is not the fair's is not found, a product id that is not a number is bad
    with app.app_context():
        cafe_drink = db.session.scalar(select(Product.id).where(Product.sku == "C001"))
    stranger = org.post(f"/fairs/{FAIR}/board/sold-out", data={"product_id": str(cafe_drink)})
    assert stranger.status_code == 404
    assert org.post(f"/fairs/{FAIR}/board/sold-out", data={"product_id": "x"}).status_code == 400

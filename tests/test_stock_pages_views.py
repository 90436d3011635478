"""Stock pages over the ledger: stock by site, history, receive, transfer, waste (counts and
low-stock thresholds: tests/test_stock_pages_count.py).

Each page's happy path and its bad input (nothing booked), the roles (a cashier may look,
receive and waste, not count or transfer) and the site scope (another site's manager is
refused). Pages are posted like a browser does: form fields plus the CSRF token.
"""

from __future__ import annotations

import uuid

import pytest
import stock_pages
from sqlalchemy import select
from stock_pages import ids, level, lines, moves_count, site_manager, text
from support import ApiClient

from inventory.models import Category, Product, Site, StockMove
from inventory.stock import move_stock
from pos.db import db

manager = stock_pages.manager


def test_stock_index_search_filters_and_history(app, manager):
    page = manager.get("/stock")
    assert page.status_code == 200
    shown = text(page)
    assert "수제 마들렌" in shown and "초코칩 쿠키" in shown and "생표고버섯 500g" in shown
    assert "50,000원" in shown  # 수제 마들렌: 20 × 2,500원
    assert "아메리카노" not in shown  # made to order: no stock

    by_barcode = text(manager.get("/stock?q=8800000000009"))
    assert "수제 마들렌" in by_barcode and "초코칩 쿠키" not in by_barcode
    assert "수제 마들렌" in text(manager.get("/stock?q=d001"))
    with app.app_context():
        mushrooms = db.session.scalar(select(Category.id).where(Category.name == "자활생산품"))
    by_category = text(manager.get(f"/stock?category={mushrooms}"))
    assert "생표고버섯 500g" in by_category and "수제 마들렌" not in by_category

    cookie, madeleine = ids(app, "D002", "D001")
    # sell the cookies out (a sale-like move) and check the filters
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "CAFE03"))
        move_stock(site, db.session.get(Product, cookie), -15, "sale", ref="sale:x")
        db.session.commit()
    out = text(manager.get("/stock?only=out"))
    assert "초코칩 쿠키" in out and "수제 마들렌" not in out
    assert "재고 없음" in out

    history = manager.get(f"/stock/products/{cookie}")
    shown = text(history)
    assert "판매" in shown and "입고" in shown and "-15" in shown and "+15" in shown
    assert "현재고 0 개" in shown
    # times in Asia/Seoul (UTC+9): the stored UTC hour + 9
    with app.app_context():
        at = db.session.scalar(select(StockMove.created_at).where(StockMove.ref == "sale:x"))
    assert f"{(at.hour + 9) % 24:02d}:{at.minute:02d}" in shown
    assert manager.get("/stock/products/999999").status_code == 404
    assert madeleine


def test_cashier_sees_stock_receives_and_wastes_but_cannot_count_or_transfer(app):
    cashier = ApiClient(app, "cashier3", pin="1234")
    assert cashier.get("/stock").status_code == 200
    cookie = ids(app, "D002")[0]
    assert cashier.get(f"/stock/products/{cookie}").status_code == 200
    assert cashier.get("/stock/receive").status_code == 200
    assert cashier.get("/stock/waste").status_code == 200
    before = moves_count(app)
    for url in ("/stock/count", "/stock/transfer", "/stock/labels"):
        assert cashier.get(url).status_code == 403, url
    body = {"to_site": "CAFE07", "batch_id": str(uuid.uuid4()), **lines([(cookie, 1)])}
    assert cashier.post("/stock/transfer", data=body).status_code == 403
    category = {"category": "3", "count_id": str(uuid.uuid4()), f"counted_{cookie}": "1"}
    assert cashier.post("/stock/count/commit", data=category).status_code == 403
    assert cashier.post(f"/stock/products/{cookie}/threshold", data={}).status_code == 403
    assert moves_count(app) == before
    # the cashier's site only: another site's code is refused
    assert cashier.get("/stock?site=CAFE07").status_code == 403


def test_another_sites_manager_is_refused(app_factory, backend):
    # a branch server lets in only its own site's people: this one serves CAFE07
    app = app_factory(backend, POS_SITE="CAFE07")
    manager7 = site_manager(app, "CAFE07")
    assert manager7.get("/stock").status_code == 200
    assert "7호" in text(manager7.get("/stock"))
    assert manager7.get("/stock?site=CAFE03").status_code == 403
    cookie = ids(app, "D002")[0]
    assert manager7.get(f"/stock/products/{cookie}?site=CAFE03").status_code == 403
    assert manager7.post("/admin/site", data={"site": "CAFE03"}).status_code == 403
    # their receive books at their own site, never at CAFE03
    before = level(app, "D002")
    body = {"batch_id": str(uuid.uuid4()), **lines([(cookie, 2)])}
    assert manager7.post("/stock/receive", data=body).status_code == 302
    assert level(app, "D002") == before
    assert level(app, "D002", "CAFE07")[0] == 17


def test_receive_many_lines_one_ref_and_double_submit_books_once(app, manager):
    madeleine, cookie = ids(app, "D001", "D002")
    batch = str(uuid.uuid4())
    body = {"batch_id": batch, "note": "월요일 납품", **lines([(madeleine, 5), (cookie, 3)])}
    # the same product scanned twice in one form is one line with the sum
    body["product_id"].append(str(madeleine))
    body["qty"].append("1")
    first = manager.post("/stock/receive", data=body, follow_redirects=True)
    assert "2가지 상품 9개를 입고했습니다" in text(first)
    assert level(app, "D001") == (26, 26) and level(app, "D002") == (18, 18)
    with app.app_context():
        refs = db.session.scalars(
            select(StockMove.ref).where(StockMove.reason == "receive", StockMove.ref != "demo")
        ).all()
    assert refs == [f"receive:{batch}"] * 2
    again = manager.post("/stock/receive", data=body, follow_redirects=True)
    assert "이미 기록한 내용입니다" in text(again)
    assert level(app, "D001") == (26, 26) and level(app, "D002") == (18, 18)


@pytest.mark.parametrize("qty", ["0", "-3", "세개", "3a", "", "1000001"])
def test_receive_bad_quantities_book_nothing(sqlite_app, qty):
    manager = ApiClient(sqlite_app, "manager", password="manager1234")
    madeleine, cookie = ids(sqlite_app, "D001", "D002")
    before = moves_count(sqlite_app)
    body = {"batch_id": str(uuid.uuid4()), **lines([(madeleine, 4), (cookie, qty)])}
    page = manager.post("/stock/receive", data=body)
    assert page.status_code == 422
    shown = text(page)
    assert "아무것도 기록하지 않았습니다" in shown
    assert any(m in shown for m in ("1 이상", "숫자만", "수량을 적으세요", "이하로"))
    # the good line is still in the form, with what was typed
    assert f'value="{madeleine}"' in page.get_data(as_text=True)
    assert moves_count(sqlite_app) == before
    assert manager.post("/stock/receive", data={"batch_id": "x"}).status_code == 422


def test_transfer_is_one_transfer_and_same_site_or_short_stock_changes_nothing(app, manager):
    madeleine, cookie = ids(app, "D001", "D002")
    before = moves_count(app)
    same = {"batch_id": str(uuid.uuid4()), "to_site": "CAFE03", **lines([(madeleine, 2)])}
    page = manager.post("/stock/transfer", data=same)
    assert page.status_code == 422
    assert "같은 매장으로는 이동할 수 없습니다" in text(page)
    assert moves_count(app) == before

    short = {
        "batch_id": str(uuid.uuid4()),
        "to_site": "CAFE07",
        **lines([(madeleine, 2), (cookie, 99)]),
    }
    page = manager.post("/stock/transfer", data=short)
    assert page.status_code == 409
    assert "초코칩 쿠키 재고가 부족합니다 (남은 수량 15개)" in text(page)
    assert moves_count(app) == before
    assert level(app, "D001") == (20, 20) and level(app, "D001", "CAFE07") == (20, 20)

    batch = str(uuid.uuid4())
    good = {"batch_id": batch, "to_site": "CAFE07", **lines([(madeleine, 2), (cookie, 5)])}
    assert manager.post("/stock/transfer", data=good).status_code == 302
    assert level(app, "D001") == (18, 18) and level(app, "D001", "CAFE07") == (22, 22)
    assert level(app, "D002") == (10, 10) and level(app, "D002", "CAFE07") == (20, 20)
    with app.app_context():
        moves = db.session.execute(
            select(StockMove.reason, StockMove.qty).where(StockMove.ref == f"transfer:{batch}")
        ).all()
    assert sorted(moves) == sorted(
        [("transfer_out", -2), ("transfer_out", -5), ("transfer_in", 2), ("transfer_in", 5)]
    )
    assert manager.post("/stock/transfer", data=good).status_code == 302  # double submit
    assert level(app, "D001") == (18, 18) and level(app, "D001", "CAFE07") == (22, 22)
    nowhere = {"batch_id": str(uuid.uuid4()), "to_site": "", **lines([(madeleine, 1)])}
    assert "받을 매장을 고르세요" in text(manager.post("/stock/transfer", data=nowhere))


def test_waste_with_a_reason(sqlite_app):
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234")
    madeleine, cookie = ids(sqlite_app, "D001", "D002")
    before = moves_count(sqlite_app)
    base = {"batch_id": str(uuid.uuid4()), **lines([(madeleine, 2), (cookie, 1)])}
    no_reason = cashier.post("/stock/waste", data=base)
    assert no_reason.status_code == 422 and "폐기 사유를 고르세요" in text(no_reason)
    other = cashier.post("/stock/waste", data={**base, "reason": "other"})
    assert "기타 사유는 메모에 적어 주세요" in text(other)
    too_many = {"batch_id": str(uuid.uuid4()), "reason": "damaged", **lines([(cookie, 16)])}
    assert cashier.post("/stock/waste", data=too_many).status_code == 409
    assert moves_count(sqlite_app) == before
    ok = cashier.post("/stock/waste", data={**base, "reason": "expired", "note": "어제 것"})
    assert ok.status_code == 302
    assert level(sqlite_app, "D001") == (18, 18) and level(sqlite_app, "D002") == (14, 14)
    with sqlite_app.app_context():
        notes = db.session.scalars(select(StockMove.note).where(StockMove.reason == "waste"))
        assert set(notes) == {"유통기한 경과 · 어제 것"}
    history = text(cashier.get(f"/stock/products/{madeleine}"))
    assert "폐기" in history and "유통기한 경과" in history and "김하늘" in history

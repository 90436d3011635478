"""Stock pages: the count (preview, then commit books the variance; letters get a Korean error
beside the line; a count overtaken by a stock move books nothing) and the low-stock thresholds
per site with the low list by urgency. Posted like a browser: form fields plus the CSRF token.
"""

from __future__ import annotations

import re
import uuid

import pytest
import stock_pages
from sqlalchemy import select
from stock_pages import ids, level, lines, moves_count, text
from support import ApiClient

from inventory.models import Category, Product, Site, StockMove
from inventory.stock import move_stock
from inventory.stock_service import StockCount
from pos.db import db

manager = stock_pages.manager


def _dessert(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Category.id).where(Category.name == "디저트"))


def test_count_preview_then_commit_books_the_variance(app, manager):
    madeleine, cookie = ids(app, "D001", "D002")
    category = _dessert(app)
    entry = manager.get(f"/stock/count?category={category}")
    assert entry.status_code == 200
    count_id = re.search(r'name="count_id" value="([^"]+)"', entry.get_data(as_text=True))[1]
    body = {
        "category": str(category),
        "count_id": count_id,
        f"counted_{madeleine}": "17",
        f"counted_{cookie}": "15",
    }
    before = moves_count(app)
    preview = manager.post("/stock/count/preview", data=body)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert f'name="expected_{madeleine}" value="20"' in html
    assert 'data-variance="-3"' in html and 'data-variance="0"' in html
    assert "차이가 있는 상품 1가지" in text(preview)
    assert moves_count(app) == before  # a preview books nothing

    commit = dict(body, **{f"expected_{madeleine}": "20", f"expected_{cookie}": "15"})
    done = manager.post("/stock/count/commit", data=commit, follow_redirects=True)
    assert done.status_code == 200
    assert "재고실사를 기록했습니다 (차이 1개 상품)" in text(done)
    assert level(app, "D001") == (17, 17) and level(app, "D002") == (15, 15)
    with app.app_context():
        count = db.session.get(StockCount, count_id)
        assert [(line.counted, line.variance) for line in count.lines] == [(17, -3), (15, 0)]
        move = db.session.scalars(select(StockMove).where(StockMove.ref == f"count:{count_id}"))
        assert [(m.reason, m.qty) for m in move] == [("count", -3)]
    again = manager.post("/stock/count/commit", data=commit)
    assert again.status_code == 302 and level(app, "D001") == (17, 17)


def test_count_with_no_difference_is_recorded(sqlite_app):
    manager = ApiClient(sqlite_app, "manager", password="manager1234")
    madeleine, cookie = ids(sqlite_app, "D001", "D002")
    count_id = str(uuid.uuid4())
    body = {
        "category": str(_dessert(sqlite_app)),
        "count_id": count_id,
        f"counted_{madeleine}": "20",
        f"expected_{madeleine}": "20",
        f"counted_{cookie}": "15",
        f"expected_{cookie}": "15",
    }
    before = moves_count(sqlite_app)
    done = manager.post("/stock/count/commit", data=body, follow_redirects=True)
    assert "차이 0개 상품" in text(done)
    assert moves_count(sqlite_app) == before
    with sqlite_app.app_context():
        assert len(db.session.get(StockCount, count_id).lines) == 2
    assert "최근 실사" in text(manager.get("/stock/count"))


@pytest.mark.parametrize("typed", ["열일곱", "17개", "1.5", "-2", ""])
def test_count_with_letters_gets_a_korean_error_beside_the_line(sqlite_app, typed):
    manager = ApiClient(sqlite_app, "manager", password="manager1234")
    madeleine, cookie = ids(sqlite_app, "D001", "D002")
    body = {
        "category": str(_dessert(sqlite_app)),
        "count_id": str(uuid.uuid4()),
        f"counted_{madeleine}": typed,
        f"counted_{cookie}": "15",
    }
    before = moves_count(sqlite_app)
    page = manager.post("/stock/count/preview", data=body)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    error = re.search(rf'id="err_{madeleine}"[^>]*>([^<]+)<', html)
    assert error and error[1] in ("숫자만 적으세요", "0 이상으로 적으세요", "수량을 적으세요")
    assert f'id="err_{cookie}"' not in html
    assert f'value="{typed}"' in html  # what was typed stays to fix
    committed = dict(body, **{f"expected_{madeleine}": "20", f"expected_{cookie}": "15"})
    assert manager.post("/stock/count/commit", data=committed).status_code == 422
    assert moves_count(sqlite_app) == before


def test_count_after_stock_moved_shows_the_new_variance_and_books_nothing(app, manager):
    madeleine, cookie = ids(app, "D001", "D002")
    count_id = str(uuid.uuid4())
    body = {
        "category": str(_dessert(app)),
        "count_id": count_id,
        f"counted_{madeleine}": "17",
        f"expected_{madeleine}": "20",
        f"counted_{cookie}": "15",
        f"expected_{cookie}": "15",
    }
    with app.app_context():  # a sale of two madeleines after the preview
        site = db.session.scalar(select(Site).where(Site.code == "CAFE03"))
        move_stock(site, db.session.get(Product, madeleine), -2, "sale", ref="sale:y")
        db.session.commit()
    page = manager.post("/stock/count/commit", data=body)
    assert page.status_code == 409
    assert "미리보기 뒤에 재고가 바뀌었습니다" in text(page)
    html = page.get_data(as_text=True)
    assert f'name="expected_{madeleine}" value="18"' in html and 'data-variance="-1"' in html
    assert level(app, "D001") == (18, 18)
    with app.app_context():
        assert db.session.get(StockCount, count_id) is None
    fresh = dict(body, **{f"expected_{madeleine}": "18"})
    assert manager.post("/stock/count/commit", data=fresh).status_code == 302
    assert level(app, "D001") == (17, 17)


def low_order(client) -> list[str]:
    """SKUs on the low-stock list, top to bottom (the demo's own products only)."""
    page = client.get("/stock/low").get_data(as_text=True)
    return [s for s in re.findall(r'data-sku="([^"]+)"', page) if s[0] in "DS"]


def test_thresholds_per_site_and_the_low_list_by_urgency(app, manager):
    madeleine, cookie, chips = ids(app, "D001", "D002", "S003")
    with app.app_context():
        db.session.get(Product, chips).low_stock = 12  # the product's default
        db.session.commit()
    back = "/stock?only=low"
    assert (
        manager.post(
            f"/stock/products/{madeleine}/threshold", data={"threshold": "20", "back": back}
        )
        .headers["Location"]
        .endswith(back)
    )
    manager.post(f"/stock/products/{cookie}/threshold", data={"threshold": "25"})
    bad = manager.post(
        f"/stock/products/{cookie}/threshold", data={"threshold": "many"}, follow_redirects=True
    )
    assert "숫자만 적으세요" in text(bad)
    order = low_order(manager)
    # cookie 15/25 (60%) before madeleine 20/20 (100%); chips 10/12 (83%) between
    assert order == ["D002", "S003", "D001"]
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "CAFE03"))
        move_stock(site, db.session.get(Product, madeleine), -20, "sale", ref="sale:z")
        db.session.commit()
    order = low_order(manager)
    assert order[0] == "D001"  # out of stock is the most urgent
    # the threshold is this site's: CAFE07 has none, so nothing but the chips' default
    manager.post("/admin/site", data={"site": "CAFE07"})
    order = low_order(manager)
    assert order == ["S003"]
    manager.post("/admin/site", data={"site": "CAFE03"})
    manager.post(f"/stock/products/{cookie}/threshold", data={"threshold": ""})
    order = low_order(manager)
    assert "D002" not in order


def test_notes_keep_only_visible_characters_and_cashiers_see_thresholds_read_only(sqlite_app):
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234")
    (madeleine,) = ids(sqlite_app, "D001")
    body = {
        "batch_id": str(uuid.uuid4()),
        "note": "월요일\u200b 납품\x07   오전",
        **lines([(madeleine, 1)]),
    }
    assert cashier.post("/stock/receive", data=body).status_code == 302
    with sqlite_app.app_context():
        note = db.session.scalar(
            select(StockMove.note).where(StockMove.ref == f"receive:{body['batch_id']}")
        )
    assert note == "월요일 납품 오전"
    page = cashier.get("/stock").get_data(as_text=True)
    assert 'name="threshold"' not in page and "재고실사" not in page


def test_threshold_edit_in_place_answers_the_row_only(sqlite_app):
    manager = ApiClient(sqlite_app, "manager", password="manager1234")
    (madeleine,) = ids(sqlite_app, "D001")
    hx = {"HX-Request": "true"}
    url = f"/stock/products/{madeleine}/threshold"
    row = manager.post(url, data={"threshold": "25", "back": "/stock"}, headers=hx)
    html = row.get_data(as_text=True)
    assert row.status_code == 200 and html.lstrip().startswith("<tr")
    assert "is-low" in html and "부족 기준을 25개로 바꿨습니다" in html and 'value="25"' in html
    bad = manager.post(url, data={"threshold": "스물", "back": "/stock"}, headers=hx)
    html = bad.get_data(as_text=True)
    assert "bo-error" in html and "숫자만 적으세요" in html and 'value="25"' in html

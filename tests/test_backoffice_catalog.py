"""Back-office catalog pages: vendors, categories, option groups and products (create, edit,
deactivate, search), Korean messages beside the field, the cashier's 403 page, CSRF on every
form, and the XLSX exports."""

from __future__ import annotations

import io

import pytest
from catalog_pages import Pages, any_product, count, field_errors, listed, terms_snapshot, text
from openpyxl import load_workbook
from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Category, Option, OptionGroup, Product, StockLevel, Vendor
from inventory.vendors import make_brn
from pos.db import db

NEW_BRN = make_brn("314159265")


@pytest.fixture
def manager(app):
    return Pages(app, "manager", password="manager1234")


@pytest.fixture
def sq_manager(sqlite_app):
    return Pages(sqlite_app, "manager", password="manager1234")


# vendors -------------------------------------------------------------------------------------


def test_vendor_create_validates_beside_the_field_then_saves(app, manager):
    before = count(app, Vendor)
    resp = manager.form(
        "/vendors/new",
        {"name": "", "owner": "김떡", "brn": "123-45-67890", "tax_type": "일반"},
    )
    assert resp.status_code == 422
    errors = field_errors(resp)
    assert errors["name"] == "비울 수 없습니다"
    assert errors["brn"] == "사업자등록번호 검증번호가 맞지 않습니다"
    assert count(app, Vendor) == before

    resp = manager.form(
        "/vendors/new",
        {
            "name": "떡공방",
            "owner": "김떡",
            "brn": NEW_BRN[:3] + "-" + NEW_BRN[3:5] + "-" + NEW_BRN[5:],
            "tax_type": "간이",
        },
    )
    assert resp.status_code == 302
    with app.app_context():
        vendor = db.session.execute(select(Vendor).where(Vendor.brn == NEW_BRN)).scalar_one()
        assert (vendor.name, vendor.tax_type, vendor.active) == ("떡공방", "simplified", True)
    # the same number again is refused beside the field
    resp = manager.form(
        "/vendors/new", {"name": "다른 곳", "owner": "박", "brn": NEW_BRN, "tax_type": "일반"}
    )
    assert resp.status_code == 422
    assert "이미 등록된 사업자등록번호입니다" in field_errors(resp)["brn"]
    # search by name, by the number with dashes
    assert "떡공방" in listed(manager.get("/vendors?q=떡공"))
    assert "떡공방" in listed(manager.get(f"/vendors?q={NEW_BRN[:3]}-{NEW_BRN[3:5]}"))
    assert "떡공방" not in listed(manager.get("/vendors?q=없는이름"))


def test_vendor_edit_and_deactivate_keeps_it(sq_manager, sqlite_app):
    with sqlite_app.app_context():
        vendor = db.session.execute(select(Vendor).order_by(Vendor.id)).scalars().first()
        vid, name, brn = vendor.id, vendor.name, vendor.brn
    resp = sq_manager.form(
        f"/vendors/{vid}",
        {
            "name": name + " (수정)",
            "owner": "새대표",
            "brn": brn,
            "tax_type": "general",
            "phone": "032-000-0000",
        },
    )
    assert resp.status_code == 302
    resp = sq_manager.form(f"/vendors/{vid}/active", {"active": "0"})
    assert resp.status_code == 302
    with sqlite_app.app_context():
        vendor = db.session.get(Vendor, vid)
        assert (vendor.name, vendor.owner, vendor.active) == (name + " (수정)", "새대표", False)
    # hidden from the list, shown with 사용 중지 포함, brought back
    assert name + " (수정)" not in listed(sq_manager.get("/vendors"))
    assert name + " (수정)" in listed(sq_manager.get("/vendors?all=1"))
    sq_manager.form(f"/vendors/{vid}/active", {"active": "1"})
    with sqlite_app.app_context():
        assert db.session.get(Vendor, vid).active


# products ------------------------------------------------------------------------------------


def test_product_create_refuses_taken_sku_and_barcode_and_negative_price(app, manager):
    taken = any_product(app)
    vendor_id = taken.vendor_id
    before = count(app, Product)
    resp = manager.form(
        "/products/new",
        {
            "name": "새 떡",
            "sku": taken.sku,
            "price": "3000",
            "tax": "exempt",
            "vendor_id": str(vendor_id),
            "barcode": taken.barcode,
        },
    )
    assert resp.status_code == 422
    errors = field_errors(resp)
    assert "이미 쓰는 상품코드" in errors["sku"]
    assert "이미 쓰는 바코드" in errors["barcode"]
    resp = manager.form(
        "/products/new",
        {
            "name": "새 떡",
            "sku": "NEW-1",
            "price": "-1",
            "tax": "exempt",
            "vendor_id": str(vendor_id),
        },
    )
    assert field_errors(resp)["price"] == "0 이상이어야 합니다"
    # a wrong field does not hide a taken code: every message at once
    resp = manager.form(
        "/products/new",
        {"name": "새 떡", "sku": taken.sku, "price": "-1", "vendor_id": str(vendor_id)},
    )
    errors = field_errors(resp)
    assert errors["price"] == "0 이상이어야 합니다" and "이미 쓰는 상품코드" in errors["sku"]
    resp = manager.form(
        "/products/new",
        {"name": "새 떡", "sku": "NEW-1", "price": "삼천", "tax": "exempt", "vendor_id": ""},
    )
    errors = field_errors(resp)
    assert errors["price"] == "숫자로 적으세요" and errors["vendor_id"] == "공급자를 고르세요"
    assert count(app, Product) == before

    with app.app_context():
        group = db.session.execute(select(OptionGroup).order_by(OptionGroup.id)).scalars().first()
        group_id = group.id
        category_id = (
            db.session.execute(select(Category.id).order_by(Category.id)).scalars().first()
        )
    resp = manager.form(
        "/products/new",
        {
            "name": "쑥 인절미",
            "sku": "NEW-1",
            "price": "3,500원",
            "tax": "exempt",
            "vendor_id": str(vendor_id),
            "category_id": str(category_id),
            "barcode": "8809999000017",
            "track_stock": "1",
            "low_stock": "3",
            "option_group_ids": str(group_id),
        },
    )
    assert resp.status_code == 302, field_errors(resp)
    with app.app_context():
        product = db.session.execute(select(Product).where(Product.sku == "NEW-1")).scalar_one()
        assert (product.price, product.tax, product.track_stock, product.low_stock) == (
            3500,
            "exempt",
            True,
            3,
        )
        assert [g.id for g in product.option_groups] == [group_id]
    # found by name, sku and barcode (part of any)
    for q in ("인절미", "new-1", "99900001"):
        assert "쑥 인절미" in listed(manager.get(f"/products?q={q}")), q
    assert "쑥 인절미" not in listed(manager.get("/products?q=없는상품"))


def test_product_edit_price_and_deactivate_leave_the_cashier_screen(app, manager):
    cashier = ApiClient(app, "cashier3", pin="1234")
    product = next(iter(cashier.catalog().values()))
    pid = product["id"]
    page = text(manager.get(f"/products/{pid}"))
    assert product["name"] in page
    with app.app_context():
        p = db.session.get(Product, pid)
        data = {
            "name": p.name,
            "sku": p.sku,
            "price": str(p.price + 500),
            "tax": p.tax,
            "vendor_id": str(p.vendor_id),
            "category_id": str(p.category_id or ""),
            "barcode": p.barcode or "",
            "option_group_ids": [str(g.id) for g in p.option_groups],
        }
        new_price = p.price + 500
    assert manager.form(f"/products/{pid}", data).status_code == 302
    assert cashier.catalog()[product["name"]]["price"] == new_price
    assert manager.form(f"/products/{pid}/active", {"active": "0"}).status_code == 302
    assert product["name"] not in cashier.catalog()
    with app.app_context():
        assert db.session.get(Product, pid) is not None  # never deleted
    manager.form(f"/products/{pid}/active", {"active": "1"})
    assert product["name"] in cashier.catalog()


def test_product_form_as_the_browser_sends_it(sq_manager, sqlite_app):
    """The page posts every box, the empty ones as "": an empty 부족 알림 기준 saves (no
    warning), a mistyped price is named beside its field, never a server error."""
    with sqlite_app.app_context():
        p = db.session.execute(select(Product).where(Product.sku == "C001")).scalar_one()
        pid, vendor_id, category_id = p.id, p.vendor_id, p.category_id
    data = {
        "name": "아메리카노",
        "sku": "C001",
        "price": "4,800원",
        "tax": "taxable",
        "vendor_id": str(vendor_id),
        "category_id": str(category_id),
        "barcode": "",
        "low_stock": "",
        "sort": "",
        "description": "",
    }
    assert sq_manager.form(f"/products/{pid}", data).status_code == 302
    with sqlite_app.app_context():
        saved = db.session.get(Product, pid)
        assert (saved.price, saved.low_stock) == (4800, None)
    resp = sq_manager.form(f"/products/{pid}", {**data, "price": "4,8OO", "low_stock": "-1"})
    assert resp.status_code == 422
    errors = field_errors(resp)
    assert set(errors) >= {"price", "low_stock"}, errors
    with sqlite_app.app_context():
        assert db.session.get(Product, pid).price == 4800


def test_categories_and_option_groups(sq_manager, sqlite_app):
    resp = sq_manager.form("/categories", {"name": "한과", "sort": "7"})
    assert resp.status_code == 302
    resp = sq_manager.form("/categories", {"name": "한과", "sort": "1"})
    assert (
        resp.status_code == 422 and field_errors(resp)["name"] == "같은 이름의 분류가 이미 있습니다"
    )
    resp = sq_manager.form(
        "/options/new",
        {
            "name": "당도",
            "max_select": "1",
            "required": "1",
            "opt-0-name": "보통",
            "opt-0-delta": "0",
            "opt-0-active": "1",
            "opt-1-name": "달게",
            "opt-1-delta": "삼백",
            "opt-1-active": "1",
            "opt-2-name": "",
            "opt-2-delta": "",
        },
    )
    assert resp.status_code == 422
    assert field_errors(resp)["opt-1-delta"] == "숫자로 적으세요"
    resp = sq_manager.form(
        "/options/new",
        {
            "name": "당도",
            "max_select": "1",
            "required": "1",
            "opt-0-name": "보통",
            "opt-0-delta": "0",
            "opt-0-active": "1",
            "opt-1-name": "달게",
            "opt-1-delta": "300",
            "opt-1-active": "1",
        },
    )
    assert resp.status_code == 302
    with sqlite_app.app_context():
        group = db.session.execute(
            select(OptionGroup).where(OptionGroup.name == "당도")
        ).scalar_one()
        gid = group.id
        assert [(o.name, o.price_delta, o.active) for o in group.options] == [
            ("보통", 0, True),
            ("달게", 300, True),
        ]
        first, second = (o.id for o in group.options)
    # turning an option off keeps it (past sales name it)
    resp = sq_manager.form(
        f"/options/{gid}",
        {
            "name": "당도",
            "max_select": "1",
            "required": "1",
            "opt-0-id": str(first),
            "opt-0-name": "보통",
            "opt-0-delta": "0",
            "opt-0-active": "1",
            "opt-1-id": str(second),
            "opt-1-name": "달게",
            "opt-1-delta": "300",
        },
    )
    assert resp.status_code == 302
    with sqlite_app.app_context():
        assert db.session.get(Option, second).active is False
    assert "당도" in text(sq_manager.get("/options"))


def test_cashier_gets_the_korean_403_page(app):
    cashier = Pages(app, "cashier3", pin="1234")
    for url in ("/products", "/vendors", "/availability", "/imports", "/products/export.xlsx"):
        resp = cashier.get(url)
        assert resp.status_code == 403, url
        assert "이 작업을 할 권한이 없습니다" in text(resp), url
    resp = cashier.form("/products/new", {"name": "x"})
    assert resp.status_code == 403


def test_forms_need_the_csrf_token(sq_manager, sqlite_app):
    before = count(sqlite_app, Vendor), terms_snapshot(sqlite_app)
    resp = sq_manager.client.post(
        "/vendors/new", data={"name": "떡집", "owner": "김", "brn": NEW_BRN, "tax_type": "일반"}
    )
    assert resp.status_code == 400 and "보안 토큰" in text(resp)
    pid = any_product(sqlite_app).id
    resp = sq_manager.client.post(
        f"/availability/{pid}", data={"what": "sold_out", "value": "1"}, headers={"HX-Request": "1"}
    )
    assert resp.status_code == 400
    resp = sq_manager.client.post(
        "/api/catalog/availability", json={"product_id": pid, "sold_out": True}
    )
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "csrf"
    assert (count(sqlite_app, Vendor), terms_snapshot(sqlite_app)) == before


# exports -------------------------------------------------------------------------------------


def test_exports_open_with_openpyxl(app, manager):
    pid = any_product(app, active=True).id
    manager.post(
        "/api/catalog/availability", json={"product_id": pid, "price": 7777, "sold_out": True}
    )
    resp = manager.get("/products/export.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''products-CAFE03-" in resp.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    with app.app_context():
        sku = db.session.get(Product, pid).sku
        total = db.session.scalar(select(func.count()).select_from(Product))
    assert len(rows) - 2 == total
    row = dict(zip(header, next(r for r in rows[2:] if r[0] == sku), strict=True))
    assert (row["매장 가격"], row["판매 가격"], row["품절(오늘)"]) == (7777, 7777, "품절")
    resp = manager.get("/products/stock.xlsx")
    book = load_workbook(io.BytesIO(resp.data))
    wide = list(book["매장별 재고"].iter_rows(values_only=True))
    assert "꿈이든 the 카페 3호 인천여성의광장점" in wide[1]
    with app.app_context():
        tracked = db.session.scalar(
            select(func.count()).select_from(Product).where(Product.track_stock)
        )
    assert len(wide) - 2 == tracked
    assert any(r[-1] for r in wide[2:])  # the demo has stock somewhere


def test_an_exported_file_imports_again(sq_manager, sqlite_app, tmp_path):
    """Export, change a price in Excel, upload: the 가져오기용 sheet is what the importer
    reads, and it never carries stock (re-importing must not undo sales since)."""
    from openpyxl import load_workbook as load

    from inventory.imports import import_file

    book = load(io.BytesIO(sq_manager.get("/products/export.xlsx").data))
    assert book.active.title == "상품" and "가져오기용" in book.sheetnames
    sheet = book["가져오기용"]
    header = [c.value for c in sheet[1]]
    assert "재고" not in header and header[:4] == ["상품코드", "상품명", "분류", "가격"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "C001":
            row[3].value = 4700
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    with sqlite_app.app_context():
        before = {s.product_id: s.on_hand for s in db.session.scalars(select(StockLevel))}
        assert import_file("products", str(edited)) > 0  # raises ImportFailed on any bad row
        db.session.commit()
        assert (
            db.session.execute(select(Product.price).where(Product.sku == "C001")).scalar() == 4700
        )
        after = {s.product_id: s.on_hand for s in db.session.scalars(select(StockLevel))}
        assert after == before

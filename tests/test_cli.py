"""The ``pos`` command: init/demo idempotent, site/user add, imports that are all-or-nothing."""

from __future__ import annotations

import csv

from openpyxl import Workbook
from sqlalchemy import func, select

from inventory.models import Product, Site, Vendor
from inventory.vendors import make_brn
from pos.auth.models import User
from pos.db import db


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_init_and_demo_are_idempotent(sqlite_app):
    with sqlite_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Product))
    assert run(sqlite_app, "init").exit_code == 0
    result = run(sqlite_app, "demo")
    assert result.exit_code == 0 and "예시" in result.output
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == before
        assert db.session.scalar(select(func.count()).select_from(Site)) == 11


def test_site_and_user_add(sqlite_app):
    brn = make_brn("131820002")
    ok = run(
        sqlite_app, "site", "add", "CAFE09", "--name", "9호점", "--kind", "cafe", "--vendor", brn
    )
    assert ok.exit_code == 0, ok.output
    bad = run(
        sqlite_app, "site", "add", "X", "--name", "x", "--kind", "cafe", "--vendor", "1234567890"
    )
    assert bad.exit_code == 1 and "검증번호" in bad.output
    ok = run(
        sqlite_app, "user", "add", "kim", "--role", "cashier", "--site", "CAFE09", "--pin", "4321"
    )
    assert ok.exit_code == 0, ok.output
    assert run(sqlite_app, "user", "add", "lee", "--role", "cashier", "--pin", "12").exit_code == 1
    assert (
        run(sqlite_app, "user", "add", "kim", "--role", "admin", "--password", "x" * 8).exit_code
        == 1
    )
    with sqlite_app.app_context():
        user = db.session.execute(select(User).filter_by(username="kim")).scalar_one()
        assert user.check_pin("4321") and user.site_id is not None
    assert run(sqlite_app, "user", "set", "kim", "--pin", "9876").exit_code == 0
    with sqlite_app.app_context():
        user = db.session.execute(select(User).filter_by(username="kim")).scalar_one()
        assert user.check_pin("9876") and not user.check_pin("4321")


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def test_import_vendors_and_products_with_korean_headers(sqlite_app, tmp_path):
    brn = make_brn("220810001")
    vendors = tmp_path / "vendors.csv"
    write_csv(
        vendors,
        [
            ["상호", "대표자", "사업자등록번호", "주소", "전화", "과세유형"],
            ["김해자활 떡공방", "김떡", brn, "경남 김해시", "055-000-0000", "일반과세자"],
        ],
    )
    assert run(sqlite_app, "import", "vendors", str(vendors)).exit_code == 0
    products = tmp_path / "products.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "상품코드",
            "상품명",
            "분류",
            "가격",
            "과세구분",
            "공급자사업자번호",
            "바코드",
            "재고관리",
            "재고",
        ]
    )
    ws.append(["F100", "쑥떡 1팩", "떡", 6000, "면세", brn, "8801234567890", "예", 30])
    ws.append(["F101", "떡 선물세트", "떡", "25,000", "과세", brn, "", "아니오", ""])
    wb.save(products)
    result = run(sqlite_app, "import", "products", str(products))
    assert result.exit_code == 0, result.output
    with sqlite_app.app_context():
        rice = db.session.execute(select(Product).filter_by(sku="F100")).scalar_one()
        assert rice.tax == "exempt" and rice.price == 6000 and rice.track_stock
        gift = db.session.execute(select(Product).filter_by(sku="F101")).scalar_one()
        assert gift.price == 25000 and not gift.track_stock
        from inventory.stock import on_hand

        site = db.session.execute(select(Site).filter_by(code="CAFE03")).scalar_one()
        assert on_hand(site.id, rice.id) == 30
    # the stock column is the on-hand to have: importing again does not double it
    assert run(sqlite_app, "import", "products", str(products)).exit_code == 0
    with sqlite_app.app_context():
        assert on_hand(site.id, rice.id) == 30


def test_import_with_any_bad_row_imports_nothing(sqlite_app, tmp_path):
    good = make_brn("220810002")
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    path = tmp_path / "vendors.csv"
    write_csv(
        path,
        [
            ["name", "owner", "brn", "address", "phone", "tax_type"],
            ["좋은 공급자", "홍길동", good, "", "", "general"],
            ["나쁜 번호", "홍길동", bad, "", "", "general"],
            ["", "", good, "", "", "nonsense"],
        ],
    )
    result = run(sqlite_app, "import", "vendors", str(path))
    assert result.exit_code == 1
    assert "3행" in result.output and "4행" in result.output
    with sqlite_app.app_context():
        assert db.session.execute(select(Vendor).filter_by(brn=good)).scalar_one_or_none() is None
    products = tmp_path / "products.csv"
    write_csv(
        products,
        [
            ["sku", "name", "category", "price", "tax", "vendor_brn", "barcode", "stock"],
            ["P1", "상품", "", "-5", "과세", good, "880001", "-3"],
            ["P2", "가" * 121, "", "100", "과세", make_brn("131820002"), "880001", ""],
        ],
    )
    result = run(sqlite_app, "import", "products", str(products))
    assert result.exit_code == 1
    for expected in ("2행 price", "2행 vendor_brn", "2행 stock", "3행 name", "3행 barcode"):
        assert expected in result.output, expected

"""The import as a browser upload (/imports): preview, then import. Every bad input gets a Korean
message naming the row and column (or the byte), and nothing changes while any row is bad.
Korean and English headers; CSV in UTF-8 with and without BOM and in CP949; XLSX."""

from __future__ import annotations

import csv
import html
import io
import os
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from support import ApiClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from inventory.models import Product, StockLevel, StockMove, Vendor
from inventory.vendors import make_brn
from pos.db import db

BRN = make_brn("220810011")
OTHER_BRN = make_brn("220810022")
KOREAN = [
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
ENGLISH = [
    "sku",
    "name",
    "category",
    "price",
    "tax",
    "vendor_brn",
    "barcode",
    "track_stock",
    "stock",
]
GOOD_ROWS = [
    ["UP-1", "쑥떡 1팩", "떡", "6,000", "면세", BRN, "8809990000011", "예", "12"],
    ["UP-2", "참기름 350ml", "기름", "12000", "과세", BRN, "", "아니오", ""],
]


class Uploader(ApiClient):
    def upload(self, kind: str, data: bytes, filename: str, *, csrf: bool = True):
        fields = {"kind": kind, "file": FileStorage(io.BytesIO(data), filename)}
        if csrf:
            fields["csrf_token"] = self.csrf
        # encoded in memory: the test client spools large bodies to a file it never closes
        boundary, body = encode_multipart(fields)
        return self.client.post(
            "/imports", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )

    def confirm(self, page: str):
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        return self.client.post("/imports/confirm", data={"csrf_token": self.csrf, "token": token})


def csv_bytes(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def page_text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def error_rows(resp) -> list[tuple[str, str, str]]:
    """(row, column, message) of the page's table of refusals."""
    body = re.search(
        r'<table class="bo-table imp-errors">.*?<tbody>(.*?)</tbody>', page_text(resp), re.S
    )
    assert body, "no table of refusals on the page"
    cells = re.findall(r"<tr><td[^>]*>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", body.group(1))
    return [tuple(c.strip() for c in cell) for cell in cells]


def snapshot(app) -> tuple:
    with app.app_context():
        counts = tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Vendor, Product, StockMove, StockLevel)
        )
        prices = tuple(db.session.execute(select(Product.sku, Product.price).order_by(Product.id)))
        return counts, prices


@pytest.fixture
def manager(app):
    client = Uploader(app, "manager", password="manager1234")
    vendors = [["상호", "대표자", "사업자등록번호", "과세유형"], ["떡공방", "김떡", BRN, "일반"]]
    resp = client.upload("vendors", csv_bytes(vendors), "vendors.csv")
    assert resp.status_code == 200 and "검사를 마쳤습니다" in page_text(resp)
    assert client.confirm(page_text(resp)).status_code == 302
    return client


def refused(app, client, kind, data, filename, *expected, status=422):
    before = snapshot(app)
    resp = client.upload(kind, data, filename)
    assert resp.status_code == status, page_text(resp)[:2000]
    text = page_text(resp)
    assert "가져오지 않았습니다" in text or "field-error" in text
    for part in expected:
        assert part in text, (part, text[-4000:])
    assert "Traceback" not in text
    assert snapshot(app) == before
    return resp


@pytest.mark.parametrize(
    ("header", "encoding", "filename"),
    [
        (KOREAN, "utf-8", "상품.csv"),
        (KOREAN, "utf-8-sig", "상품.csv"),
        (KOREAN, "cp949", "상품.csv"),
        (ENGLISH, "utf-8", "products.csv"),
        (ENGLISH, "utf-8-sig", "products.csv"),
        (ENGLISH, "cp949", "products.csv"),
    ],
)
def test_csv_upload_previews_then_imports(app, manager, header, encoding, filename):
    before = snapshot(app)
    resp = manager.upload("products", csv_bytes([header, *GOOD_ROWS], encoding), filename)
    text = page_text(resp)
    assert resp.status_code == 200 and "검사를 마쳤습니다: 상품 2건" in text
    assert "새로 추가 2건" in text and "쑥떡 1팩" in text and "2건 가져오기" in text
    assert snapshot(app) == before  # the preview saved nothing
    resp = manager.confirm(text)
    assert resp.status_code == 302
    with app.app_context():
        product = db.session.execute(select(Product).where(Product.sku == "UP-1")).scalar_one()
        assert (product.name, product.price, product.tax, product.track_stock) == (
            "쑥떡 1팩",
            6000,
            "exempt",
            True,
        )
        assert product.category.name == "떡"
        level = db.session.execute(
            select(StockLevel).where(StockLevel.product_id == product.id)
        ).scalar_one()
        assert level.on_hand == 12
    # the same file again updates (preview says so) and changes nothing
    resp = manager.upload("products", csv_bytes([header, *GOOD_ROWS], encoding), filename)
    assert "고침 2건" in page_text(resp)
    after = snapshot(app)
    assert manager.confirm(page_text(resp)).status_code == 302
    assert snapshot(app) == after
    # the token is good once
    assert manager.confirm(page_text(resp)).status_code == 302
    assert "가져올 파일이 없습니다" in page_text(manager.get("/imports"))


@pytest.mark.parametrize("header", [KOREAN, ENGLISH])
def test_xlsx_upload_with_bad_rows_lists_each_and_imports_nothing(app, manager, header):
    rows = [
        header,
        GOOD_ROWS[0],
        ["UP-3", "", "", "-5", "무엇", BRN, "", "예", "3"],
        ["UP-4", "미역", "", "3000", "면세", OTHER_BRN, "8809990000011", "", ""],
        ["UP-1", "중복", "", "1000", "과세", "123", "", "몰라", "많이"],
    ]
    resp = refused(app, manager, "products", xlsx_bytes(rows), "products.xlsx")
    errors = error_rows(resp)
    label = dict(zip(ENGLISH, header, strict=True))
    expected = {
        ("3", label["name"], "비울 수 없습니다"),
        ("3", label["price"], "0 이상의 정수(원)여야 합니다"),
        ("3", label["tax"], "과세 또는 면세여야 합니다"),
        ("4", label["vendor_brn"], "등록되지 않은 공급자입니다"),
        ("4", label["barcode"], "다른 상품이 이미 쓰는 바코드입니다"),
        ("5", label["sku"], "2행과 같은 상품코드입니다"),
        ("5", label["vendor_brn"], "사업자등록번호는 숫자 10자리여야 합니다"),
        ("5", label["track_stock"], "예/아니오로 적으세요"),
        ("5", label["stock"], "0 이상의 정수여야 합니다"),
    }
    assert expected <= set(errors), errors
    assert [r for r, _, _ in errors] == sorted((r for r, _, _ in errors), key=int)
    assert "가져오기</button>" not in page_text(resp)  # no import button while anything is bad


def test_xlsx_with_a_formula_in_the_price_cell_is_refused_by_row_and_column(app, manager):
    rows = [
        KOREAN[:6],
        ["UP-1", "쑥떡", "떡", 6000, "면세", BRN],
        ["UP-2", "꿀떡", "떡", "=B2*2", "면세", BRN],
    ]
    resp = refused(app, manager, "products", xlsx_bytes(rows), "formula.xlsx")
    assert error_rows(resp) == [
        ("3", "가격", "수식은 가져올 수 없습니다: 엑셀에서 값으로 바꿔(값 붙여넣기) 저장하세요")
    ]


def test_two_megabytes_of_garbage_are_refused(sqlite_app):
    client = Uploader(sqlite_app, "manager", password="manager1234")
    garbage = os.urandom(2 * 1024 * 1024)
    for name in ("products.csv", "products.xlsx", "products"):
        resp = refused(sqlite_app, client, "products", garbage, name)
        assert "파일" in error_rows(resp)[0][2]
    resp = refused(sqlite_app, client, "products", b"PK\x03\x04" + garbage, "products.xlsx")
    assert "엑셀(.xlsx) 파일을 읽을 수 없습니다" in error_rows(resp)[0][2]
    # printable garbage: the header is not a header
    text = bytes(range(0x21, 0x7F)) * (2 * 1024 * 1024 // 94)
    resp = refused(sqlite_app, client, "vendors", text, "vendors.csv")
    [(_, _, message)] = error_rows(resp)[:1]
    assert (
        re.search("[가-힣]", message)
        and message in ("열이 너무 많습니다 (최대 50열)",)
        or "열" in message
    )


def test_cp949_with_a_broken_byte_names_the_line_and_byte(app, manager):
    data = csv_bytes([KOREAN, *GOOD_ROWS], "cp949")
    second = data.index("참기름".encode("cp949"))
    broken = data[:second] + b"\xc2\xff" + data[second + 2 :]
    resp = refused(app, manager, "products", broken, "상품.csv")
    [(row, column, message)] = error_rows(resp)
    assert (row, column) == ("3", "—")
    assert f"{second + 1:,}번째 바이트 0xC2" in message and "인코딩" in message


def test_utf8_with_a_broken_byte_is_refused_too(sqlite_app):
    client = Uploader(sqlite_app, "manager", password="manager1234")
    data = "\ufeff상품코드,상품명\nA,쑥떡\n".encode() + b"B,\xed\xa0\x80\xff\n"
    resp = refused(sqlite_app, client, "products", data, "x.csv")
    assert error_rows(resp)[0][0] == "3"


def test_vendors_upload_with_english_headers_and_a_bad_check_digit(app, manager):
    rows = [
        ["name", "owner", "brn", "address", "phone", "tax_type"],
        ["새 센터", "박", OTHER_BRN, "", "", "면세사업자"],
        ["틀린 센터", "이", "220-81-00110", "", "", "일반"],
    ]
    resp = refused(app, manager, "vendors", csv_bytes(rows), "vendors.csv")
    assert error_rows(resp) == [("3", "brn", "사업자등록번호 검증번호가 맞지 않습니다")]
    resp = manager.upload("vendors", csv_bytes(rows[:2]), "vendors.csv")
    assert manager.confirm(page_text(resp)).status_code == 302
    with app.app_context():
        vendor = db.session.execute(select(Vendor).where(Vendor.brn == OTHER_BRN)).scalar_one()
        assert vendor.tax_type == "exempt"


def test_no_file_empty_file_and_too_large_request(sqlite_app):
    client = Uploader(sqlite_app, "manager", password="manager1234")
    resp = client.client.post(
        "/imports",
        data={"csrf_token": client.csrf, "kind": "products"},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422 and "올릴 파일을 고르세요" in page_text(resp)
    resp = client.upload("products", b"", "empty.csv")
    assert resp.status_code == 422 and "빈 파일입니다" in page_text(resp)
    before = snapshot(sqlite_app)
    resp = client.upload("products", b"a" * (10 * 1024 * 1024 + 10), "big.csv")
    assert resp.status_code == 413
    text = page_text(resp)
    assert "너무 큽니다" in text and "Request Entity" not in text
    assert snapshot(sqlite_app) == before


def test_cashier_and_csrf(sqlite_app):
    cashier = Uploader(sqlite_app, "cashier3", pin="1234")
    before = snapshot(sqlite_app)
    resp = cashier.upload("products", csv_bytes([KOREAN, *GOOD_ROWS]), "x.csv")
    assert resp.status_code == 403 and "권한" in page_text(resp)
    manager = Uploader(sqlite_app, "manager", password="manager1234")
    resp = manager.upload("products", csv_bytes([KOREAN, *GOOD_ROWS]), "x.csv", csrf=False)
    assert resp.status_code == 400 and "보안 토큰" in page_text(resp)
    assert snapshot(sqlite_app) == before

"""Hostile and sloppy import files: a Korean message and exit 1, never a traceback, nothing saved;
invisible characters never stored; the short tax types accepted.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from inventory.imports import ImportFailed, import_file
from inventory.models import Product, StockMove, Vendor
from inventory.vendors import make_brn
from pos.db import db

BRN = make_brn("220810011")
HEADER = ["sku", "name", "category", "price", "tax", "vendor_brn", "barcode", "track_stock"]


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def snapshot(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Vendor, Product, StockMove)
        )


def refused(app, kind: str, path, *expected: str) -> str:
    """Run the import, check it failed the way a user should see it, return its output."""
    before = snapshot(app)
    result = run(app, "import", kind, str(path))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no uncaught error
    assert "Traceback" not in result.output
    assert "아무것도 저장하지 않았습니다" in result.output
    for text in expected:
        assert text in result.output, (text, result.output)
    assert snapshot(app) == before
    return result.output


@pytest.fixture
def vendor(sqlite_app, tmp_path):
    path = write_csv(
        tmp_path / "vendors.csv",
        [["상호", "대표자", "사업자등록번호", "과세유형"], ["떡공방", "김떡", BRN, "일반과세자"]],
    )
    assert run(sqlite_app, "import", "vendors", str(path)).exit_code == 0
    return BRN


def test_random_bytes_named_xlsx_is_refused(sqlite_app, tmp_path):
    path = tmp_path / "products.xlsx"
    path.write_bytes(os.urandom(2 * 1024 * 1024))
    refused(sqlite_app, "products", path, "엑셀")
    # random bytes behind a zip signature get as far as the zip reader
    path.write_bytes(b"PK\x03\x04" + os.urandom(2 * 1024 * 1024))
    refused(sqlite_app, "products", path, "엑셀(.xlsx) 파일을 읽을 수 없습니다")


def test_csv_renamed_xlsx_is_refused(sqlite_app, tmp_path, vendor):
    path = write_csv(
        tmp_path / "products.xlsx", [HEADER, ["F1", "쑥떡", "", "6000", "면세", vendor]]
    )
    refused(sqlite_app, "products", path, "확장자는 .xlsx인데 엑셀 파일이 아닙니다", ".csv")


def test_plain_zip_truncated_xlsx_and_zip_bomb_are_refused(sqlite_app, tmp_path, vendor):
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("readme.txt", "안녕")
    refused(sqlite_app, "products", plain, "zip")

    good = tmp_path / "good.xlsx"
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(["F1", "쑥떡", "", 6000, "면세", vendor, "", "예"])
    wb.save(good)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(sqlite_app, "products", cut, "엑셀")

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    refused(sqlite_app, "products", bomb, "압축을 풀면 너무 큽니다")


def test_200000_character_field_is_refused(sqlite_app, tmp_path, vendor):
    for length in (200_000, 5_000):
        path = write_csv(
            tmp_path / "products.csv",
            [HEADER, ["F1", "쑥떡", "", "6000", "면세", vendor], ["F2", "가" * length, "", "1"]],
        )
        refused(sqlite_app, "products", path, "3행", "너무 깁니다" if length > 10_000 else "120자")


def test_duplicated_column_is_refused(sqlite_app, tmp_path, vendor):
    header = ["상품코드", "상품명", "가격", "과세구분", "공급자사업자번호", "가격"]
    path = write_csv(tmp_path / "p.csv", [header, ["F1", "쑥떡", "6000", "면세", vendor, "60"]])
    refused(sqlite_app, "products", path, "1행 가격", "같은 열")
    # the English and the Korean name of one column are one column too
    header = ["sku", "name", "price", "tax", "vendor_brn", "가격"]
    path = write_csv(tmp_path / "p.csv", [header, ["F1", "쑥떡", "6000", "면세", vendor, "60"]])
    refused(sqlite_app, "products", path, "1행 가격", "'price' 열과 같은 열입니다")


def test_unknown_and_missing_columns_are_refused(sqlite_app, tmp_path, vendor):
    header = ["상품코드", "상품명", "가겨", "과세구분", "공급자사업자번호", "비고"]
    path = write_csv(tmp_path / "p.csv", [header, ["F1", "쑥떡", "6000", "면세", vendor, "x"]])
    refused(
        sqlite_app, "products", path, "1행 가겨: 알 수 없는 열", "1행 비고", "필수 열이 없습니다"
    )


def test_invisible_characters_are_stripped_and_text_is_nfc(app, tmp_path):
    vendors = write_csv(
        tmp_path / "vendors.csv",
        [
            ["name", "owner", "brn", "tax_type"],
            ["\ufeff떡\u200b공방\x00", "김\u2060떡", BRN, "일반"],
        ],
    )
    assert run(app, "import", "vendors", str(vendors)).exit_code == 0
    decomposed = unicodedata.normalize("NFD", "쑥떡 1팩")
    products = write_csv(
        tmp_path / "products.csv",
        [
            HEADER,
            ["F\u200b1\x00\u200d", decomposed + "\u200c", "떡\x07", "6,000", "면세", BRN, "", "예"],
            ["\ufeffF2", "\u202e떡국떡\u202c", "", "3000", "과세", BRN, "８８０１２３", "아니오"],
        ],
    )
    result = run(app, "import", "products", str(products))
    assert result.exit_code == 0, result.output
    with app.app_context():
        vendor = db.session.execute(select(Vendor).filter_by(brn=BRN)).scalar_one()
        assert (vendor.name, vendor.owner, vendor.tax_type) == ("떡공방", "김떡", "general")
        first = db.session.execute(select(Product).filter_by(sku="F1")).scalar_one()
        assert first.name == "쑥떡 1팩" and first.category.name == "떡"
        second = db.session.execute(select(Product).filter_by(sku="F2")).scalar_one()
        assert second.name == "떡국떡" and second.barcode == "880123"


def test_a_field_of_only_invisible_characters_is_refused(sqlite_app, tmp_path, vendor):
    path = write_csv(
        tmp_path / "products.csv",
        [
            HEADER,
            ["F1", "\u200b\u200b", "", "6000", "면세", vendor],
            ["\x00", "쑥떡", "", "6000", "면세", vendor],
            ["F3", "\u3164", "", "6000", "면세", vendor],
        ],
    )
    refused(
        sqlite_app,
        "products",
        path,
        "2행 name: 보이지 않는 문자만",
        "3행 sku: 보이지 않는 문자만",
        "4행 name: 보이지 않는 문자만",
    )


def test_short_tax_types_are_accepted(sqlite_app, tmp_path):
    brns = [make_brn(f"22081002{i}") for i in range(6)]
    words = ["일반", "간이", "면세", "간이과세자", "일반 과세자", "Exempt"]
    path = write_csv(
        tmp_path / "vendors.csv",
        [["상호", "대표자", "사업자등록번호", "과세유형"]]
        + [
            [f"공급자{i}", "대표", brn, word]
            for i, (brn, word) in enumerate(zip(brns, words, strict=True))
        ],
    )
    result = run(sqlite_app, "import", "vendors", str(path))
    assert result.exit_code == 0, result.output
    with sqlite_app.app_context():
        stored = dict(db.session.execute(select(Vendor.brn, Vendor.tax_type)).all())
    kinds = ["general", "simplified", "exempt", "simplified", "general", "exempt"]
    assert [stored[b] for b in brns] == kinds
    path = write_csv(
        tmp_path / "bad.csv", [["name", "owner", "brn", "tax_type"], ["x", "y", BRN, "영세"]]
    )
    refused(sqlite_app, "vendors", path, "2행 tax_type", "일반과세자(일반)")


def test_oversized_file_and_too_many_rows_are_refused(sqlite_app, tmp_path, vendor):
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER) + "\n")
        line = f"F1,{'가' * 100},,6000,면세,{vendor},,예\n"
        while fh.tell() < 11 * 1024 * 1024:
            fh.write(line)
    refused(sqlite_app, "products", big, "파일이 너무 큽니다", "10MB")
    rows = [HEADER] + [[f"S{i}", "떡", "", "1000", "면세", vendor] for i in range(10_001)]
    refused(sqlite_app, "products", write_csv(tmp_path / "many.csv", rows), "행이 너무 많습니다")


def test_every_bad_row_is_reported_with_its_row_and_column(sqlite_app, tmp_path, vendor):
    path = write_csv(
        tmp_path / "products.csv",
        [
            ["상품코드", "상품명", "가격", "과세구분", "공급자사업자번호"],
            ["F1", "쑥떡", "6000", "면세", vendor],
            [],  # a blank row still counts in the numbering the user sees in Excel
            ["F2", "", "육천", "과세", vendor],
            ["F1", "쑥떡", "6000", "무엇", vendor, "남는 칸"],
        ],
    )
    refused(
        sqlite_app,
        "products",
        path,
        "4행 상품명: 비울 수 없습니다",
        "4행 가격: 0 이상의 정수",
        "5행 상품코드: 2행과 같은 상품코드입니다",
        "5행 과세구분",
        "5행 6번째 열",
    )


def test_import_file_takes_bytes_and_reports_row_errors(sqlite_app, vendor):
    wb = Workbook()
    wb.active.append(["상품코드", "상품명", "가격", "과세구분", "공급자사업자번호"])
    wb.active.append(["F1", "쑥떡", 6000.0, "면세", vendor])
    wb.active.append(["F2", "떡", -1, "면세", vendor])
    buffer = io.BytesIO()
    wb.save(buffer)
    with sqlite_app.app_context():
        with pytest.raises(ImportFailed) as failed:
            import_file("products", buffer.getvalue(), filename="upload.xlsx")
        db.session.rollback()
        [error] = failed.value.errors
        assert (error.row, error.column) == (3, "가격") and "정수" in error.message
        wb.active.delete_rows(3)
        buffer = io.BytesIO()
        wb.save(buffer)
        assert import_file("products", buffer.getvalue(), filename="upload.xlsx") == 1
        db.session.commit()
        assert db.session.execute(select(Product).filter_by(sku="F1")).scalar_one().price == 6000

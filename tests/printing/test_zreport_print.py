"""The closing slip of a shift (마감 전표) and the day's Z report (일일 마감) printed through the
print queue to a fake printer on a real TCP socket, decoded back: Hangul in FS & … FS . as
CP949, the totals the API gives on the paper, every row within the printer's columns."""

from __future__ import annotations

import re

import pytest
from escpos_decoder import decode_escpos
from live import FakePrinter
from shift_helpers import AMERICANO, MUSHROOM, move, open_till, refund, sell
from sqlalchemy import delete
from support import ApiClient

from pos import money
from pos.db import db
from pos.receipts.models import PrintJob
from pos.receipts.queue import process_due_jobs
from printers.layout import cp949_width


@pytest.fixture
def printer():
    p = FakePrinter()
    yield p
    p.close()


def row(lines: list[str], label: str) -> str:
    """The value printed right of a label (label and value on one row)."""
    for line in lines:
        if line.startswith(label):
            return line[len(label) :].strip()
    raise AssertionError(f"{label!r} not printed in {lines}")


def print_only(app, kind: str, printer: FakePrinter):
    """Drop the other jobs (receipts, bar tickets, drawer kicks print in their own tests), print
    the one of this kind and decode it."""
    with app.app_context():
        db.session.execute(delete(PrintJob).where(PrintJob.kind != kind))
        db.session.commit()
        assert process_due_jobs() == 1
        job = db.session.query(PrintJob).filter_by(kind=kind).one()
        assert job.status == "printed"
    printer.wait_for(1)
    assert len(printer.jobs) == 1
    return decode_escpos(printer.jobs[0])


def a_day(app):
    cashier = ApiClient(app, "cashier3", pin="1234")
    sid = open_till(cashier, 50_000)
    cash = sell(cashier, [AMERICANO, MUSHROOM], "cash")
    card = sell(cashier, [MUSHROOM], "card", discount=1_000, discount_reason="단골 쿠폰")
    sell(
        cashier,
        [AMERICANO],
        "transfer",
        cash_receipt={"purpose": "income_deduction", "identifier": "01012345678"},
    )
    move(cashier, "pay_out", 3_000, "우유 구입")
    refund(app, cash["id"], "cashier3", 4_500, "cash")
    return cashier, sid, cash, card


@pytest.mark.parametrize("columns", [42, 32])
def test_closing_slip_prints_the_count_over_tcp(app_factory, printer, columns):
    app = app_factory(
        "sqlite", PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0, PRINTER_COLUMNS=columns
    )
    cashier, sid, cash, card = a_day(app)
    expected = 50_000 + cash["total"] - 4_500 - 3_000
    closed = cashier.post(f"/api/shifts/{sid}/close", json={"counted_cash": expected - 1_200})
    assert closed.get_json()["over_short"] == -1_200
    stream = print_only(app, "shift", printer)
    hangul = " ".join(stream.hangul_segments)
    assert "?" not in hangul and ("FS &",) in stream.commands
    for word in ("마감 전표", "김하늘", "시작 현금", "예상 현금", "센 현금", "과부족", "우유 구입"):
        assert word in hangul, word
    lines = stream.lines
    assert row(lines, "시작 현금") == "50,000원"
    assert row(lines, "현금 판매") == money.won(cash["total"])
    assert row(lines, "현금 환불") == "-4,500원"
    assert row(lines, "출금") == "-3,000원"
    assert row(lines, "예상 현금") == money.won(expected)
    assert row(lines, "센 현금") == money.won(expected - 1_200)
    assert row(lines, "과부족") == "-1,200원 (모자람)"
    assert row(lines, "  카드") == money.won(card["total"])
    assert row(lines, "할인") == "1,000원"
    assert row(lines, "환불 1건") == "-4,500원"
    assert row(lines, "출금 우유 구입") == "-3,000원"
    assert all(cp949_width(line) <= columns for line in lines), lines
    assert stream.names()[-1] == "cut"


def test_z_report_prints_the_days_totals_over_tcp(app_factory, printer):
    app = app_factory("sqlite", PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0)
    cashier, sid, cash, card = a_day(app)
    manager = ApiClient(app, "manager", password="manager1234")
    z = manager.get("/api/reports/z").get_json()
    assert manager.post("/api/reports/z/print", json={}).status_code == 202
    stream = print_only(app, "zreport", printer)
    hangul = " ".join(stream.hangul_segments)
    assert "?" not in hangul
    for word in ("일일 마감", "순매출", "과세물품가액", "부가세", "면세물품가액", "많이 팔린 상품"):
        assert word in hangul, word
    lines = stream.lines
    assert any(line.strip() == f"영업일 {z['day']}" for line in lines)
    assert row(lines, "총매출") == money.won(z["gross"])
    assert row(lines, "할인") == money.won(-z["discounts"]) == "-1,000원"
    assert row(lines, "환불 1건") == "-4,500원"
    assert row(lines, "순매출") == money.won(z["net"])
    assert z["net"] == sum(s for s in z["by_method"].values())
    assert row(lines, "과세물품가액") == money.won(z["taxable"])
    assert row(lines, "부가세") == money.won(z["vat"])
    assert row(lines, "면세물품가액") == money.won(z["exempt"])
    assert row(lines, "현금") == money.won(z["by_method"]["cash"])
    assert row(lines, "카드") == money.won(z["by_method"]["card"])
    assert row(lines, "계좌이체") == money.won(z["by_method"]["transfer"])
    assert row(lines, "돈통 출금") == "-3,000원"
    assert row(lines, "건표고버섯 100g x2") == money.won(24_000 - 1_000)
    assert row(lines, "김하늘 (영업 중) 예상") == money.won(50_000 + cash["total"] - 4_500 - 3_000)
    assert any("현금영수증 미발급 1건" in line for line in lines)
    assert all(cp949_width(line) <= 42 for line in lines), lines
    # the printed figures are the API's: sum the method rows back to 순매출
    method_rows = [row(lines, label) for label in ("현금", "카드", "계좌이체")]
    assert sum(int(re.sub(r"[^0-9-]", "", v)) for v in method_rows) == z["net"]


def test_image_mode_prints_the_z_report_as_a_picture(app_factory, printer):
    app = app_factory(
        "sqlite", PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0, PRINTER_HANGUL="image"
    )
    a_day(app)
    manager = ApiClient(app, "manager", password="manager1234")
    assert manager.post("/api/reports/z/print", json={}).status_code == 202
    stream = print_only(app, "zreport", printer)
    assert stream.rasters and stream.hangul_segments == []
    assert ("FS &",) not in stream.commands and stream.names()[-1] == "cut"

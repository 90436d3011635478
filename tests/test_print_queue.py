"""Receipts through the persistent print queue to a real TCP printer on 127.0.0.1.

The dead-printer test shows the sale is acknowledged without the printer and the receipt
prints, once, when the printer comes back.
"""

from __future__ import annotations

import pytest
from escpos_decoder import decode_escpos
from live import FakePrinter, free_port
from sqlalchemy import select, update
from support import ApiClient, new_sale_body

from inventory.vendors import format_brn
from pos.db import db, utcnow
from pos.receipts.models import PrintJob
from pos.receipts.queue import PrintWorker, process_due_jobs

WHY = [("아메리카노", 1, [("온도", "ICE"), ("샷 추가", "샷 추가")]), ("건표고버섯 100g", 1, [])]


@pytest.fixture
def printer():
    p = FakePrinter()
    yield p
    p.close()


def sell(app, items=WHY, payments=None):
    api = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        api, items, payments or [{"method": "cash", "amount": 17000, "tendered": 20000}]
    )
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return api, resp.get_json()


def test_receipt_prints_over_tcp_with_hangul_totals_and_qr(app_factory, printer):
    app = app_factory(PRINTER_URL=f"tcp://127.0.0.1:{printer.port}", PRINTER_TIMEOUT=2.0)
    api, sale = sell(app)
    assert sale["print"]["status"] == "pending"
    with app.app_context():
        assert process_due_jobs() == 1
    printer.wait_for(1)
    assert len(printer.jobs) == 1
    stream = decode_escpos(printer.jobs[0])
    text = "\n".join(stream.lines)
    hangul = " ".join(stream.hangul_segments)
    for word in (
        "인천연수지역자활센터",
        "건표고버섯",
        "아메리카노",
        "과세물품가액",
        "부가세",
        "합계",
    ):
        assert word in hangul, word
    assert format_brn(sale["receipts"][0]["vendor"]["brn"]) in text
    assert "사업자등록번호" in hangul
    assert "?" not in "".join(stream.hangul_segments)
    assert "17,000" in text and "3,000" in text and "4,545" in text and "455" in text
    assert stream.qr_data == [sale["receipt_url"].encode()]
    assert "재출력" not in hangul
    assert api.get(f"/api/sales/{sale['id']}").get_json()["print"]["status"] == "printed"


def test_dead_printer_delays_no_sale_and_prints_once_when_back(app_factory):
    port = free_port()  # nothing listens here: the printer is switched off
    app = app_factory(PRINTER_URL=f"tcp://127.0.0.1:{port}", PRINTER_TIMEOUT=1.0)
    api, sale = sell(app)
    assert sale["total"] == 17000  # acknowledged without touching the printer
    with app.app_context():
        assert process_due_jobs() == 0
        job = db.session.scalars(select(PrintJob)).one()
        assert job.status == "retrying" and job.attempts == 1 and job.last_error
    listed = api.get("/api/print-jobs").get_json()["jobs"]
    assert [j["sale_id"] for j in listed] == [sale["id"]]
    assert listed[0]["label"] == "재시도 중"
    assert api.get(f"/api/sales/{sale['id']}").get_json()["print"]["status"] == "retrying"

    printer = FakePrinter(port)  # switched back on
    try:
        with app.app_context():
            assert process_due_jobs() == 0  # backing off: not due yet
            db.session.execute(update(PrintJob).values(next_attempt_at=utcnow()))
            db.session.commit()
            assert process_due_jobs() == 1
            assert process_due_jobs() == 0  # printed once, never again
        printer.wait_for(1)
        assert len(printer.jobs) == 1
        assert "건표고버섯" in " ".join(decode_escpos(printer.jobs[0]).hangul_segments)
        assert api.get("/api/print-jobs").get_json()["jobs"] == []
    finally:
        printer.close()


def test_reprint_is_marked_and_goes_through_the_worker_thread(app_factory, printer):
    app = app_factory(PRINTER_URL=f"tcp://127.0.0.1:{printer.port}", PRINTER_TIMEOUT=2.0)
    worker = PrintWorker(app, interval=0.05).start()
    try:
        api, sale = sell(app)
        printer.wait_for(1)
        resp = api.post(f"/api/sales/{sale['id']}/print")
        assert resp.status_code == 202
        printer.wait_for(2)
    finally:
        worker.stop()
    assert len(printer.jobs) == 2
    first, second = (" ".join(decode_escpos(j).hangul_segments) for j in printer.jobs)
    assert "재출력" not in first
    assert "재출력" in second


def test_reprint_without_printer_is_a_clear_409(sqlite_app):
    api, sale = sell(sqlite_app)
    assert sale["print"]["status"] == "none"
    resp = api.post(f"/api/sales/{sale['id']}/print")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "no_printer"


def test_image_mode_sends_raster_lines_and_a_native_qr(app_factory, printer):
    app = app_factory(
        PRINTER_URL=f"tcp://127.0.0.1:{printer.port}", PRINTER_HANGUL="image", PRINTER_COLUMNS=48
    )
    _, sale = sell(app)
    with app.app_context():
        assert process_due_jobs() == 1
    printer.wait_for(1)
    stream = decode_escpos(printer.jobs[0])
    assert stream.rasters and all(w == 576 for w, _ in stream.rasters)
    assert stream.hangul_segments == []
    assert stream.qr_data == [sale["receipt_url"].encode()]


def test_pos_receipt_command_writes_the_bytes(sqlite_app, tmp_path):
    _, sale = sell(sqlite_app)
    out = tmp_path / "receipt.bin"
    result = sqlite_app.test_cli_runner().invoke(args=["receipt", sale["id"], "--out", str(out)])
    assert result.exit_code == 0, result.output
    stream = decode_escpos(out.read_bytes())
    assert "합계" in " ".join(stream.hangul_segments)
    assert stream.qr_data == [sale["receipt_url"].encode()]
    missing = sqlite_app.test_cli_runner().invoke(args=["receipt", "nope"])
    assert missing.exit_code == 1


def test_e_receipt_page_needs_its_token(sqlite_app):
    _, sale = sell(sqlite_app)
    path = sale["receipt_url"].removeprefix("https://receipts.example.kr")
    client = sqlite_app.test_client()
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for word in ("인천연수지역자활센터", "건표고버섯 100g", "과세물품가액", "17,000원"):
        assert word in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in page.headers  # the customer's page starts no session
    assert client.get(path.split("?")[0] + "?t=wrong").status_code == 404
    assert client.get(path.split("?")[0] + "?t=%ED%95%9C").status_code == 404
    qr = client.get(path.replace("?t=", "/qr.svg?t="))
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"

"""Receipts through the persistent print queue to a real TCP printer on 127.0.0.1.

The dead-printer test shows the sale is acknowledged without the printer and the receipt
prints, once, when the printer comes back. "출력됨" needs the printer's own answer after the
job; a printer that cannot answer is "전송됨"; faults reach the cashier in Korean.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from escpos_decoder import decode_escpos
from live import PAPER_OUT, PRINTER_OK, FakePrinter, free_port
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from support import ApiClient, new_sale_body

from inventory.models import Product
from inventory.vendors import format_brn
from pos.db import db, utcnow
from pos.receipts.models import JobStatus, PrintJob
from pos.receipts.queue import PrintWorker, process_due_jobs

#: a silent printer costs this per attempt; short so the suite stays quick
QUICK = {"PRINTER_STATUS_TIMEOUT": 0.3}

WHY = [("아메리카노", 1, [("온도", "ICE"), ("샷 추가", "샷 추가")]), ("건표고버섯 100g", 1, [])]


@pytest.fixture
def printer():
    p = FakePrinter()
    yield p
    p.close()


def no_bar_tickets(app) -> None:
    """These tests are about the receipt: the demo's drinks print no bar ticket here."""
    with app.app_context():
        for product in db.session.scalars(select(Product).where(Product.made_to_order)):
            product.made_to_order = False
        db.session.commit()


def sell(app, items=WHY, payments=None):
    no_bar_tickets(app)
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
    shown = api.get(f"/api/sales/{sale['id']}").get_json()["print"]
    assert shown["status"] == "printed" and shown["label"] == "출력됨"
    # printed because the printer answered DLE EOT 1-4 after taking the job, not before only
    assert printer.queries == [1, 2, 3, 4, 1, 2, 3, 4]


def test_dead_printer_delays_no_sale_and_prints_once_when_back(app_factory):
    port = free_port()  # nothing listens here: the printer is switched off
    app = app_factory(PRINTER_URL=f"tcp://127.0.0.1:{port}", PRINTER_TIMEOUT=1.0)
    api, sale = sell(app)
    assert sale["total"] == 17000  # acknowledged without touching the printer
    with app.app_context():
        assert process_due_jobs() == 0
        job = db.session.scalars(select(PrintJob)).one()
        assert job.status == "retrying" and job.attempts == 1
        assert job.error_code == "refused"
    listed = api.get("/api/print-jobs").get_json()["jobs"]
    assert [j["sale_id"] for j in listed] == [sale["id"]]
    assert listed[0]["label"] == "재시도 중"
    assert korean(listed[0]["error"]) and "전원" in listed[0]["error"]
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


def korean(message: str | None) -> bool:
    """What the cashier may read: Hangul, no setting name, no English phrase or errno."""
    return (
        bool(message)
        and bool(re.search("[가-힣]", message))
        and "PRINTER" not in message
        and not re.search(r"[A-Za-z]{4,}", message)
    )


def one_job(app) -> PrintJob:
    with app.app_context():
        return db.session.scalars(select(PrintJob)).one()


def make_due(app) -> None:
    with app.app_context():
        db.session.execute(update(PrintJob).values(next_attempt_at=utcnow()))
        db.session.commit()


def printer_app(app_factory, printer: FakePrinter, **config):
    return app_factory(**{"PRINTER_URL": printer.url, "PRINTER_TIMEOUT": 2.0, **QUICK, **config})


def test_printer_that_accepts_and_never_reads_is_not_printed(app_factory):
    printer = FakePrinter(mode="stall")
    try:
        app = printer_app(app_factory, printer)
        api, sale = sell(app)
        with app.app_context():
            process_due_jobs()
        shown = api.get(f"/api/sales/{sale['id']}").get_json()["print"]
        # the kernel took the receipt's bytes for it, the printer never said a word
        assert shown["status"] == "sent" and shown["label"] == "전송됨"
    finally:
        printer.close()


def test_stalled_printer_that_takes_nothing_keeps_its_job(app_factory):
    printer = FakePrinter(mode="stall", rcvbuf=4096)  # a printer's own small buffer
    try:
        app = printer_app(app_factory, printer, PRINTER_HANGUL="image", PRINTER_TIMEOUT=1.0)
        api, sale = sell(app)
        with app.app_context():
            assert process_due_jobs() == 0
        job = one_job(app)
        assert job.status == "retrying" and job.error_code == "not_reading"
        shown = api.get(f"/api/sales/{sale['id']}").get_json()["print"]
        assert shown["status"] == "retrying" and korean(shown["error"])
    finally:
        printer.close()


def test_printer_that_resets_after_accepting_is_not_printed(app_factory):
    printer = FakePrinter(mode="reset")
    try:
        app = printer_app(app_factory, printer)
        api, sale = sell(app)
        with app.app_context():
            assert process_due_jobs() == 0
        job = one_job(app)
        assert job.status == "retrying" and job.error_code == "closed"
        listed = api.get("/api/print-jobs").get_json()["jobs"]
        assert listed[0]["label"] == "재시도 중" and korean(listed[0]["error"])
    finally:
        printer.close()


def test_paper_out_keeps_the_job_with_a_korean_reason_until_paper_is_back(app_factory):
    printer = FakePrinter(status=PAPER_OUT)
    try:
        app = printer_app(app_factory, printer)
        api, sale = sell(app)
        with app.app_context():
            assert process_due_jobs() == 0
        shown = api.get(f"/api/sales/{sale['id']}").get_json()["print"]
        assert shown["status"] == "retrying" and shown["label"] == "재시도 중"
        assert shown["error"].startswith("용지가 없습니다") and korean(shown["error"])
        listed = api.get("/api/print-jobs").get_json()["jobs"]
        assert listed[0]["error_code"] == "paper_out"
        assert printer.jobs == []  # nothing sent that could come out twice later

        printer.status = dict(PRINTER_OK)  # paper put back
        make_due(app)
        with app.app_context():
            assert process_due_jobs() == 1
        printer.wait_for(1)
        assert len(printer.jobs) == 1
        shown = api.get(f"/api/sales/{sale['id']}").get_json()["print"]
        assert shown == {"status": "printed", "label": "출력됨", "error": None}
    finally:
        printer.close()


def test_paper_out_past_the_retry_window_fails_with_its_reason(app_factory):
    printer = FakePrinter(status=PAPER_OUT)
    try:
        app = printer_app(app_factory, printer)
        _, sale = sell(app)
        with app.app_context():
            db.session.execute(update(PrintJob).values(created_at=utcnow() - timedelta(minutes=11)))
            db.session.commit()
            process_due_jobs()
        job = one_job(app)
        assert job.status == "failed" and job.last_error.startswith("용지가 없습니다")
    finally:
        printer.close()


def test_printer_that_never_answers_status_is_sent_not_printed(app_factory):
    printer = FakePrinter(status=None)  # takes every byte, answers no query
    try:
        app = printer_app(app_factory, printer)
        api, sale = sell(app)
        with app.app_context():
            assert process_due_jobs() == 1
            assert process_due_jobs() == 0  # sent is final: never sent twice
        printer.wait_for(1)
        assert len(printer.jobs) == 1
        shown = api.get(f"/api/sales/{sale['id']}").get_json()["print"]
        assert shown["status"] == "sent" and shown["label"] == "전송됨"
        assert api.get("/api/print-jobs").get_json()["jobs"] == []  # nothing to do
        listed = api.get("/api/print-jobs?all=1").get_json()["jobs"]
        assert listed[0]["label"] == "전송됨"
    finally:
        printer.close()


def test_file_printer_cannot_answer_so_it_is_sent(app_factory, tmp_path):
    path = tmp_path / "printer.bin"
    app = app_factory(PRINTER_URL=f"file://{path}")
    api, sale = sell(app)
    with app.app_context():
        assert process_due_jobs() == 1
    assert "합계" in " ".join(decode_escpos(path.read_bytes()).hangul_segments)
    assert api.get(f"/api/sales/{sale['id']}").get_json()["print"]["label"] == "전송됨"


@pytest.mark.parametrize(
    "url", ["tcp://printer:abc", "lpt://1", "usb://zz:0202", "serial:///dev/ttyNONE-xyz"]
)
def test_permanent_printer_fault_fails_at_once_in_korean(app_factory, url):
    app = app_factory(PRINTER_URL=url)
    api, sale = sell(app)
    with app.app_context():
        assert process_due_jobs() == 0
    job = one_job(app)
    assert job.status == "failed" and job.attempts == 1  # no ten minutes of retries
    shown = api.get(f"/api/sales/{sale['id']}").get_json()["print"]
    assert shown["status"] == "failed" and shown["label"] == "출력 실패"
    assert korean(shown["error"])
    listed = api.get("/api/print-jobs").get_json()["jobs"]
    assert listed[0]["label"] == "출력 실패" and korean(listed[0]["error"])


def test_database_refuses_an_unknown_job_status(sqlite_app):
    _, sale = sell(sqlite_app)
    with sqlite_app.app_context():
        db.session.add(PrintJob(sale_id=sale["id"], status="printing"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        for status in JobStatus:
            db.session.add(PrintJob(sale_id=sale["id"], status=status))
        db.session.commit()


def test_print_job_model_and_migrations_agree(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)

    # an item names its table in its repr: Column(..., table=<print_jobs>), Index(...)
    assert [d for d in diff if "print_jobs" in repr(d)] == []

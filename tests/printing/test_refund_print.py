"""The 반품 영수증 through the print queue to a real TCP printer on 127.0.0.1 (issue 7):
Hangul in FS & mode as CP949, negative amounts, the original receipt number, the reason,
the approving manager and the card's cancellation number."""

from __future__ import annotations

import pytest
from escpos_decoder import decode_escpos
from live import FakePrinter
from refund_support import MANAGER, refund_body
from sqlalchemy import select
from support import ApiClient, new_sale_body

from pos.db import db
from pos.receipts.models import PrintJob
from pos.receipts.queue import process_due_jobs

#: 표고버섯 칩 ×2 (과세 5,000 each) + 건표고버섯 100g (면세 12,000), paid by card
ITEMS = [("표고버섯 칩", 2, []), ("건표고버섯 100g", 1, [])]
CARD = [{"method": "card", "amount": 22000, "approval_no": "30012345", "issuer": "신한카드"}]


@pytest.fixture
def printer():
    p = FakePrinter()
    yield p
    p.close()


def test_refund_receipt_prints_negative_amounts_in_hangul(app_factory, printer):
    app = app_factory(PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0, PRINTER_STATUS_TIMEOUT=0.3)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = api.post("/api/sales", json=new_sale_body(api, ITEMS, CARD)).get_json()
    with app.app_context():
        assert process_due_jobs() == 1  # the sale's receipt
    body = refund_body(
        lines=[(1, 1), (2, 1)],
        payments=[{"method": "card", "amount": 17000, "approval_no": "C9876543"}],
        reason="포장 파손",
        approver=MANAGER,
    )
    resp = api.post(f"/api/sales/{sale['id']}/refund", json=body)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["print"]["status"] == "pending"
    with app.app_context():
        job = db.session.scalars(select(PrintJob).where(PrintJob.kind == "refund")).one()
        assert (job.ref, job.sale_id) == (out["id"], sale["id"])
        assert process_due_jobs() == 1
    printer.wait_for(2)
    stream = decode_escpos(printer.jobs[-1])
    text = "\n".join(stream.lines)
    hangul = " ".join(stream.hangul_segments)
    for word in (
        "반품 영수증",
        "인천연수지역자활센터",
        "원 영수증번호",
        "반품 사유",
        "포장 파손",
        "승인",
        "지점 매니저",
        "표고버섯 칩",
        "건표고버섯",
        "과세물품가액",
        "부가세",
        "면세물품가액",
        "합계",
        "카드 환불",
        "취소승인번호",
        # 건표고버섯 is a 만원의 행복 pack: the unit back owes no donation
        "만원의 행복 1팩 기부 적립 취소",
    ):
        assert word in hangul, word
    assert "?" not in "".join(stream.hangul_segments)
    assert "FS &" in stream.names()
    # the refund's own number and the receipt it refunds
    assert out["receipt_no"] == sale["receipt_no"] + "-R1"
    assert out["receipt_no"] in text
    assert text.count(sale["receipt_no"]) >= 2
    # 5,000 과세 → 4,545 + 455; 12,000 면세; all negative
    for amount in ("-5,000", "-12,000", "-4,545", "-455", "-17,000원"):
        assert amount in text, amount
    assert "C9876543" in text
    assert "재출력" not in hangul
    assert stream.qr_data == [sale["receipt_url"].encode()]
    shown = api.get("/api/print-jobs?all=1").get_json()["jobs"]
    refund_job = next(j for j in shown if j["kind"] == "refund")
    assert refund_job["kind_label"] == "반품" and refund_job["receipt_no"] == out["receipt_no"]
    assert refund_job["total"] == 17000 and refund_job["status"] == "printed"


def test_the_sale_receipt_is_unchanged_by_the_refund_fields(app_factory, printer):
    app = app_factory(PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0, PRINTER_STATUS_TIMEOUT=0.3)
    api = ApiClient(app, "cashier3", pin="1234")
    api.post("/api/sales", json=new_sale_body(api, ITEMS, CARD))
    with app.app_context():
        process_due_jobs()
    printer.wait_for(1)
    hangul = " ".join(decode_escpos(printer.jobs[0]).hangul_segments)
    assert "반품" not in hangul and "원 영수증번호" not in hangul and "취소승인번호" not in hangul
    assert "승인번호" in hangul


def test_a_refund_receipt_is_reprinted_with_its_mark(app_factory, printer):
    app = app_factory(PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0, PRINTER_STATUS_TIMEOUT=0.3)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = api.post("/api/sales", json=new_sale_body(api, ITEMS, CARD)).get_json()
    body = refund_body(
        lines=[(2, 1)], payments=[{"method": "card", "amount": 12000, "approval_no": "C1"}]
    )
    out = api.post(f"/api/sales/{sale['id']}/refund", json=body).get_json()
    resp = api.post(f"/api/refunds/{out['id']}/print")
    assert resp.status_code == 202 and resp.get_json()["label"] == "출력 대기"
    with app.app_context():
        assert process_due_jobs() == 3  # the sale, its refund and the reprint
    printer.wait_for(3)
    first, again = (" ".join(decode_escpos(j).hangul_segments) for j in printer.jobs[1:3])
    assert "반품 영수증" in first and "재출력" not in first
    assert "반품 영수증" in again and "재출력" in again
    missing = api.post("/api/refunds/00000000-0000-4000-8000-000000000000/print")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_reprint_of_a_refund_without_printer_is_409(sqlite_app):
    api = ApiClient(sqlite_app, "cashier3", pin="1234")
    sale = api.post(
        "/api/sales", json=new_sale_body(api, ITEMS, [{"method": "cash", "amount": 22000}])
    ).get_json()
    out = api.post(
        f"/api/sales/{sale['id']}/refund", json=refund_body(lines=[(2, 1)], amount=12000)
    ).get_json()
    resp = api.post(f"/api/refunds/{out['id']}/print")
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "no_printer"

"""Receipts show each discount (every line's own, named after the line with its reason, and the
order's with its reason) and 만원의 행복's "N팩 기부 적립", printed over a real TCP socket to a
fake printer and read back by decoding the ESC/POS bytes (Hangul in FS & … FS . as CP949)."""

from __future__ import annotations

import pytest
from escpos_decoder import decode_escpos
from live import FakePrinter
from sqlalchemy import select
from support import ApiClient, new_sale_body

from pos.db import db
from pos.receipts.documents import receipt_documents
from pos.receipts.models import PrintJob
from pos.receipts.queue import process_due_jobs
from pos.sales.models import Sale
from printers import render

#: 2 × 수제 마들렌 5,000 (10 % 직원 할인 = 500) + 2 × 생표고버섯 500g 20,000 (1,000 시식·파손)
#: then 1,000 단골 쿠폰 off the order: 25,000 − 2,500 = 22,500
DRAWER_PULSE = b"\x1bp\x00\x19\xfa"
ITEMS = [("수제 마들렌", 2, []), ("생표고버섯 500g", 2, [])]


@pytest.fixture
def printer():
    p = FakePrinter()
    yield p
    p.close()


def discounted_sale(app, **order) -> dict:
    api = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(api, ITEMS, [{"method": "cash", "amount": 22500, "tendered": 30000}])
    body["lines"][0].update(discount_pct=10, discount_reason="직원 할인")
    body["lines"][1].update(discount=1000, discount_reason="시식·파손")
    body.update(discount=1000, discount_reason="단골 쿠폰", **order)
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_printed_receipt_names_each_discount_and_the_donation(app_factory, printer):
    app = app_factory(PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0)
    sale = discounted_sale(app)
    assert sale["total"] == 22500
    with app.app_context():
        assert process_due_jobs() == 1  # no drink: no bar ticket
    printer.wait_for(1)
    # a cash sale's receipt may start with the drawer's pulse (ESC p 0 25 250)
    stream = decode_escpos(printer.jobs[0].removeprefix(DRAWER_PULSE))
    rows = [" ".join(r.split()) for r in stream.lines]
    assert "?" not in "".join(stream.hangul_segments)

    def row(start: str) -> str:
        found = [r for r in rows if r.startswith(start)]
        assert found, (start, rows)
        return found[0]

    assert row("소계").endswith("25,000")
    assert row("수제 마들렌 할인 (직원 할인)").endswith("-500")
    assert row("생표고버섯 500g 할인 (시식·파손)").endswith("-1,000")
    assert row("할인 (단골 쿠폰)").endswith("-1,000")
    assert row("합계").endswith("22,500원")
    assert "만원의 행복 2팩 기부 적립" in rows
    # the discounts come before the VAT split; the donation line after the payments
    assert rows.index(row("할인 (단골 쿠폰)")) < rows.index(row("과세물품가액"))
    assert rows.index("만원의 행복 2팩 기부 적립") > rows.index(row("현금"))


def test_receipt_documents_split_the_order_discount_per_vendor(app):
    sale = discounted_sale(app)
    with app.app_context():
        docs = receipt_documents(db.session.get(Sale, sale["id"]))
    assert len(docs) == 1
    doc = docs[0]
    assert doc.discounts == (
        ("수제 마들렌 할인 (직원 할인)", 500),
        ("생표고버섯 500g 할인 (시식·파손)", 1000),
        ("할인 (단골 쿠폰)", 1000),
    )
    assert doc.subtotal - sum(a for _, a in doc.discounts) == doc.total == 22500
    assert doc.footer[0] == "만원의 행복 2팩 기부 적립"


def test_a_discount_without_reason_and_no_campaign_is_plain(app):
    api = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        api,
        [("초코칩 쿠키", 1, []), ("표고버섯 칩", 1, [])],
        [{"method": "cash", "amount": 6800, "tendered": 6800}],
    )
    body["lines"][1].update(discount=100)
    body["discount"] = 100
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    with app.app_context():
        doc = receipt_documents(db.session.get(Sale, resp.get_json()["id"]))[0]
    assert doc.discounts == (("표고버섯 칩 할인", 100), ("할인", 100))
    assert not any("기부 적립" in line for line in doc.footer)


def test_forty_two_columns_hold_every_discount_row(app):
    """Rendered straight through printers.render: no row is wider than the paper."""
    sale = discounted_sale(app)
    with app.app_context():
        doc = receipt_documents(db.session.get(Sale, sale["id"]))[0]
        job = db.session.scalars(select(PrintJob)).first()
        assert job is None  # no printer in this app: nothing queued
    stream = decode_escpos(render(doc, columns=42))
    text = "\n".join(stream.lines)
    assert "단골 쿠폰" in text and "만원의 행복 2팩 기부 적립" in text
    for line in stream.lines:
        assert len(line.encode("cp949")) <= 42, line

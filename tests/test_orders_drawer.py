"""The cash drawer: ESC p 0 25 250 opens it at the start of a cash sale's receipt (not a card
sale's, not a reprint's); a ``drawer`` job is the pulse alone. Over a real TCP printer."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from escpos_decoder import decode_escpos
from live import FakePrinter
from orders_support import price_of, sell
from sqlalchemy import select, update
from support import ApiClient, new_sale_body

from pos.db import db, utcnow
from pos.receipts.models import PrintJob
from pos.receipts.queue import DRAWER_LATE, enqueue, process_due_jobs
from pos.sites import Site
from printers.drawer import DRAWER_PULSE, drawer_pulse, open_drawer_job, with_drawer_pulse

COOKIES = [("수제 마들렌", 2, [])]


def test_the_pulse_bytes():
    assert DRAWER_PULSE == b"\x1bp\x00\x19\xfa"
    assert drawer_pulse() == DRAWER_PULSE
    assert drawer_pulse(1, 100, 200) == b"\x1bp\x01\x32\x64"
    assert open_drawer_job() == DRAWER_PULSE
    assert with_drawer_pulse(b"\x1b@") == DRAWER_PULSE + b"\x1b@"
    with pytest.raises(ValueError):
        drawer_pulse(2)


@pytest.fixture
def till():
    printer = FakePrinter()
    yield printer
    printer.close()


@pytest.fixture
def drawer_app(app_factory, backend, till):
    return app_factory(backend, PRINTER_URL=till.url, PRINTER_TIMEOUT=2.0)


def printed(app, printer: FakePrinter, count: int = 1) -> list[bytes]:
    before = len(printer.jobs)
    with app.app_context():
        assert process_due_jobs() == count
    printer.wait_for(before + count)
    return printer.jobs[before:]


def test_cash_sale_opens_the_drawer_and_its_reprint_does_not(drawer_app, till):
    api = ApiClient(drawer_app, "cashier3", pin="1234")
    sale = sell(api, COOKIES)
    (job,) = printed(drawer_app, till)
    assert job.startswith(DRAWER_PULSE + b"\x1b@")
    assert job.count(DRAWER_PULSE) == 1
    assert "수제 마들렌" in " ".join(decode_escpos(job[len(DRAWER_PULSE) :]).hangul_segments)
    assert api.post(f"/api/sales/{sale['id']}/print").status_code == 202
    (again,) = printed(drawer_app, till)
    assert again.startswith(b"\x1b@") and DRAWER_PULSE not in again
    assert "[재출력]" in decode_escpos(again).lines[0]


@pytest.mark.parametrize(
    "method, opens",
    [("card", False), ("transfer", False), ("split", True)],
)
def test_only_a_cash_tender_opens_the_drawer(app_factory, till, method, opens):
    app = app_factory(PRINTER_URL=till.url, PRINTER_TIMEOUT=2.0)
    api = ApiClient(app, "cashier3", pin="1234")
    if method == "split":
        total = price_of(api, COOKIES)
        payments = [
            {"method": "card", "amount": total - 1000, "approval_no": "30012345"},
            {"method": "cash", "amount": 1000, "tendered": 5000},
        ]
        body = new_sale_body(api, COOKIES, payments)
        assert api.post("/api/sales", json=body).status_code == 201
    else:
        sell(api, COOKIES, method=method)
    (job,) = printed(app, till)
    assert job.startswith(DRAWER_PULSE) is opens
    assert job.count(DRAWER_PULSE) == int(opens)


def test_a_drawer_job_is_the_pulse_alone(drawer_app, till):
    with drawer_app.app_context():
        site_id = db.session.execute(select(Site.id).where(Site.code == "CAFE03")).scalar_one()
        assert enqueue(None, kind="drawer", site_id=site_id) == "pending"
        db.session.commit()
    (job,) = printed(drawer_app, till)
    assert job == DRAWER_PULSE
    with drawer_app.app_context():
        (row,) = db.session.scalars(select(PrintJob)).all()
        assert (row.kind, row.status, row.sale_id) == ("drawer", "printed", None)


def test_a_no_sale_and_a_pay_out_open_the_drawer_and_print_nothing(drawer_app, till):
    api = ApiClient(drawer_app, "cashier3", pin="1234")
    opened = api.post("/api/shifts", json={"id": str(uuid.uuid4()), "opening_float": 50000})
    assert opened.status_code == 201, opened.get_json()
    moves = [
        {"id": str(uuid.uuid4()), "kind": "no_sale", "amount": 0, "reason": "잔돈 교환"},
        {"id": str(uuid.uuid4()), "kind": "pay_out", "amount": 4300, "reason": "우유 구입"},
    ]
    for body in moves:
        resp = api.post("/api/cash-movements", json=body)
        assert resp.status_code == 201, resp.get_json()
    jobs = printed(drawer_app, till, 2)
    assert jobs == [DRAWER_PULSE, DRAWER_PULSE]
    with drawer_app.app_context():
        rows = db.session.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        assert [(r.kind, r.ref) for r in rows] == [("drawer", m["id"]) for m in moves]


def test_a_receipt_printed_long_after_the_sale_leaves_the_drawer_shut(drawer_app, till):
    """The printer was off: when it is back minutes later the drawer must not spring open."""
    api = ApiClient(drawer_app, "cashier3", pin="1234")
    sell(api, COOKIES)
    with drawer_app.app_context():
        db.session.execute(
            update(PrintJob).values(created_at=utcnow() - DRAWER_LATE - timedelta(seconds=5))
        )
        db.session.commit()
    (job,) = printed(drawer_app, till)
    assert job.startswith(b"\x1b@") and DRAWER_PULSE not in job

"""The bar's ticket: big type where the barista looks, Hangul as CP949 in FS & … FS ., no
prices; printed over a real TCP socket on KITCHEN_PRINTER_URL, else on the receipt printer
after the receipt."""

from __future__ import annotations

import uuid

import pytest
from live import FakePrinter, free_port
from orders_support import ICED_SHOT, make_drinks_to_order, sell
from support import ApiClient

from pos.receipts.queue import process_due_jobs
from printers.drawer import DRAWER_PULSE
from printers.layout import cp949_width
from printers.output import encode_line
from printers.ticket import TicketDocument, TicketItem, layout_ticket, render_ticket

BIG = b"\x1d!\x11"  #: GS ! 0x11: double width and height
TALL = b"\x1d!\x01"  #: GS ! 0x01: double height

TICKET = TicketDocument(
    number=42,
    items=(
        TicketItem("아메리카노", 2, ("ICE", "라지", "샷 추가")),
        TicketItem("유자차", 1, ("HOT",)),
    ),
    order_type="포장",
    time="14:03",
    cashier="김하늘",
    site_name="인천여성의광장점",
)


def test_number_and_togo_in_double_width_and_height(decode):
    data = render_ticket(TICKET)
    assert BIG + encode_line("주문 42") in data
    assert BIG + encode_line("[포장]") in data
    s = decode(data)
    assert s.lines[0] == "주문 42" and s.lines[1] == "[포장]"
    assert "14:03 · 김하늘 · 인천여성의광장점" in [x.strip() for x in s.lines]
    assert ("GS !", 0x11) in s.commands and s.commands[-1][0] == "cut"


def test_items_and_options_in_double_height_and_nothing_priced(decode):
    data = render_ticket(TICKET)
    for row in ("+ ICE", "+ 라지", "+ 샷 추가", "+ HOT"):
        assert TALL + encode_line("  " + row) in data, row
    s = decode(data)
    rows = [x.strip() for x in s.lines]
    assert any(r.startswith("아메리카노") and r.endswith("x2") for r in rows)
    assert any(r.startswith("유자차") and r.endswith("x1") for r in rows)
    assert "모두 3개" in rows
    text = "\n".join(s.lines)
    assert "원" not in text and "," not in text and "합계" not in text
    assert "?" not in "".join(s.hangul_segments)
    assert s.qr_data == []


def test_reprint_mark_and_no_order_type():
    doc = TicketDocument(7, (TicketItem("에스프레소", 1),), reprint=True)
    data = render_ticket(doc)
    assert BIG + encode_line("[재출력]") in data
    assert "매장".encode("cp949") not in data and "포장".encode("cp949") not in data


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_every_row_fits_the_paper(columns):
    doc = TicketDocument(
        1234,
        (
            TicketItem(
                "유기농 콜드브루 오트밀크 라떼 (디카페인, 시럽 적게) 특대 사이즈",
                12,
                ("얼음 적게, 시럽 반만, 컵홀더 두 개, 빨대 없이 부탁드립니다",),
            ),
        ),
        order_type="매장",
        time="09:00",
        cashier="아주긴이름의계산원선생님",
        site_name="꿈이든 the 카페 3호 인천여성의광장점",
    )
    for line in layout_ticket(doc, columns):
        assert cp949_width(line.text) * (2 if line.double_width else 1) <= columns, line


def test_image_mode_draws_the_ticket(decode):
    s = decode(render_ticket(TICKET, hangul="image"))
    assert s.rasters and "FS &" not in s.names()


def split_pulse(data: bytes) -> tuple[bool, bytes]:
    """(whether the job opened the drawer first, the rest) — the decoder knows no ESC p."""
    if data.startswith(DRAWER_PULSE):
        return True, data[len(DRAWER_PULSE) :]
    return False, data


@pytest.fixture
def printers_on():
    made: list[FakePrinter] = []

    def make() -> FakePrinter:
        made.append(FakePrinter())
        return made[-1]

    yield make
    for p in made:
        p.close()


def test_ticket_prints_after_the_receipt_on_the_receipt_printer(app_factory, printers_on, decode):
    printer = printers_on()
    app = app_factory(PRINTER_URL=printer.url, PRINTER_TIMEOUT=2.0)
    make_drinks_to_order(app)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(api, [("아메리카노", 2, ICED_SHOT), ("수제 마들렌", 1, [])], order_type="togo")
    with app.app_context():
        assert process_due_jobs() == 2
    printer.wait_for(2)
    receipt, ticket = printer.jobs
    opened, receipt = split_pulse(receipt)
    assert opened  # a cash sale: the drawer opens as the receipt prints
    assert "합계" in " ".join(decode(receipt).hangul_segments)
    opened, ticket = split_pulse(ticket)
    assert not opened
    assert BIG + encode_line(f"주문 {sale['number']}") in ticket
    assert BIG + encode_line("[포장]") in ticket
    s = decode(ticket)
    rows = [x.strip() for x in s.lines]
    assert any(r.startswith("아메리카노") and r.endswith("x2") for r in rows)
    assert "+ ICE" in rows and "+ 샷 추가" in rows
    assert not any("마들렌" in r for r in rows)  # not made at the bar
    assert "원" not in "\n".join(s.lines)
    assert "?" not in "".join(s.hangul_segments)


def test_kitchen_printer_takes_the_ticket_and_reprints(app_factory, printers_on, decode):
    till, bar = printers_on(), printers_on()
    app = app_factory(PRINTER_URL=till.url, KITCHEN_PRINTER_URL=bar.url, PRINTER_TIMEOUT=2.0)
    make_drinks_to_order(app)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(api, [("카페라떼", 1, [("온도", "HOT")])], method="card", order_type="here")
    cookies = sell(api, [("초코칩 쿠키", 2, [])], method="card")  # nothing for the bar
    with app.app_context():
        assert process_due_jobs() == 3
    till.wait_for(2)
    bar.wait_for(1)
    assert len(till.jobs) == 2 and len(bar.jobs) == 1
    for job in till.jobs:
        opened, rest = split_pulse(job)
        assert not opened  # card sales: the drawer stays shut
        assert "합계" in " ".join(decode(rest).hangul_segments)
    s = decode(bar.jobs[0])
    assert s.lines[:2] == [f"주문 {sale['number']}", "[매장]"]
    assert "+ HOT" in [x.strip() for x in s.lines]
    assert "[재출력]" not in s.lines

    assert api.post(f"/api/orders/{cookies['id']}/print").status_code == 404
    resp = api.post(f"/api/orders/{sale['id']}/print")
    assert resp.status_code == 202, resp.get_json()
    with app.app_context():
        assert process_due_jobs() == 1
    bar.wait_for(2)
    assert len(bar.jobs) == 2 and len(till.jobs) == 2
    again = decode(bar.jobs[1])
    assert again.lines[0] == "[재출력]" and again.lines[1] == f"주문 {sale['number']}"


def test_the_board_tells_when_the_bar_printer_is_off(app_factory, printers_on):
    till = printers_on()
    app = app_factory(
        PRINTER_URL=till.url,
        KITCHEN_PRINTER_URL=f"tcp://127.0.0.1:{free_port()}",
        PRINTER_TIMEOUT=1.0,
    )
    make_drinks_to_order(app)
    api = ApiClient(app, "cashier3", pin="1234")
    sell(api, [("아메리카노", 1, ICED_SHOT)], method="card")
    with app.app_context():
        assert process_due_jobs() == 1  # the receipt; the bar's ticket waits for its printer
    (order,) = api.get("/api/orders").get_json()["orders"]
    assert order["print"]["status"] == "retrying" and order["print"]["label"] == "재시도 중"
    assert "전원" in order["print"]["error"]  # the Korean reason the tile shows


def test_a_ticket_printed_after_a_void_says_not_to_make_it(app_factory, printers_on, decode):
    till, bar = printers_on(), printers_on()
    app = app_factory(PRINTER_URL=till.url, KITCHEN_PRINTER_URL=bar.url, PRINTER_TIMEOUT=2.0)
    make_drinks_to_order(app)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(api, [("아메리카노", 1, ICED_SHOT)], method="card")
    manager = ApiClient(app, "manager", password="manager1234")
    body = {
        "id": str(uuid.uuid4()),
        "reason": "잘못 찍음",
        "payments": [{"method": "card", "amount": sale["total"], "approval_no": "90001234"}],
    }
    resp = manager.post(f"/api/sales/{sale['id']}/void", json=body)
    assert resp.status_code == 201, resp.get_json()
    with app.app_context():
        process_due_jobs()
    bar.wait_for(1)
    s = decode(bar.jobs[0])
    rows = [x.strip() for x in s.lines]
    assert rows[0] == f"주문 {sale['number']}"
    assert "결제 취소된 주문입니다. 만들지 마세요." in rows
    assert not any(r.startswith("아메리카노") for r in rows) and "모두" not in "".join(rows)

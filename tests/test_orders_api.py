"""The bar's order board API on SQLite and PostgreSQL: today's made-to-order sales of this
site, done and undo, voided or refunded sales dropping off, and the ticket's reprint."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from orders_support import ICED_SHOT, make_drinks_to_order, sell
from sqlalchemy import select, update
from support import ApiClient

from pos.db import db, utcnow
from pos.orders.models import OrderTicket
from pos.orders.schemas import OrderOut, OrdersOut
from pos.receipts.models import PrintJob
from pos.refunds.models import Refund, RefundLine
from pos.sales.models import Sale, SaleLine
from pos.sales.responses import PrintStatusOut
from pos.sites import Site


@pytest.fixture
def bar(app):
    make_drinks_to_order(app)
    return ApiClient(app, "cashier3", pin="1234")


def orders(api: ApiClient, status: str = "waiting") -> list[dict]:
    resp = api.get(f"/api/orders?status={status}")
    assert resp.status_code == 200, resp.get_json()
    OrdersOut.model_validate(resp.get_json())
    return resp.get_json()["orders"]


def test_a_drink_sale_waits_on_the_board_with_its_options(bar):
    sale = sell(
        bar,
        [("아메리카노", 2, ICED_SHOT), ("수제 마들렌", 1, []), ("유자차", 1, [("온도", "HOT")])],
        order_type="togo",
    )
    (order,) = orders(bar)
    assert order["sale_id"] == sale["id"] and order["number"] == sale["number"]
    assert (order["order_type"], order["label"], order["status"]) == ("togo", "포장", "waiting")
    assert order["minutes"] == 0 and order["done_at"] is None
    assert order["print"] == {"status": "none", "label": "프린터 없음", "error": None}
    assert order["created_at"] == sale["created_at"]
    # only what the bar makes: the madeleine is handed over at the till
    assert order["lines"] == [
        {"name": "아메리카노", "qty": 2, "options": ["ICE", "샷 추가"]},
        {"name": "유자차", "qty": 1, "options": ["HOT"]},
    ]
    assert orders(bar, "done") == []
    assert [o["sale_id"] for o in orders(bar, "all")] == [sale["id"]]


def test_a_sale_without_drinks_opens_no_ticket(bar):
    sell(bar, [("수제 마들렌", 2, []), ("초코칩 쿠키", 1, [])])
    assert orders(bar, "all") == []
    with bar.app.app_context():
        assert db.session.query(OrderTicket).count() == 0


def test_here_and_unasked_labels_and_oldest_first(bar):
    first = sell(bar, [("카페라떼", 1, [("온도", "HOT")])], order_type="here")
    second = sell(bar, [("에스프레소", 1, [])])
    waiting = orders(bar)
    assert [o["sale_id"] for o in waiting] == [first["id"], second["id"]]
    assert [o["label"] for o in waiting] == ["매장", ""]
    assert waiting[1]["order_type"] is None and waiting[1]["lines"][0]["options"] == []


def test_done_moves_the_order_to_the_done_list_and_undo_brings_it_back(bar):
    a = sell(bar, [("아메리카노", 1, ICED_SHOT)])
    b = sell(bar, [("유자차", 1, [("온도", "ICE")])])
    resp = bar.post(f"/api/orders/{a['id']}/done")
    assert resp.status_code == 200, resp.get_json()
    done = OrderOut.model_validate(resp.get_json())
    assert done.status == "done" and done.done_at
    assert [o["sale_id"] for o in orders(bar)] == [b["id"]]
    assert [o["sale_id"] for o in orders(bar, "done")] == [a["id"]]
    # done again (two baristas tapping): the same order, first done time kept
    again = bar.post(f"/api/orders/{a['id']}/done").get_json()
    assert again["done_at"] == done.done_at
    with bar.app.app_context():
        ticket = db.session.get(OrderTicket, a["id"])
        assert ticket.status == "done" and ticket.done_by is not None
    bar.post(f"/api/orders/{b['id']}/done")
    # the done list shows the latest done first
    assert [o["sale_id"] for o in orders(bar, "done")] == [b["id"], a["id"]]

    undone = bar.post(f"/api/orders/{a['id']}/undo")
    assert undone.status_code == 200
    assert undone.get_json()["status"] == "waiting" and undone.get_json()["done_at"] is None
    assert bar.post(f"/api/orders/{a['id']}/undo").get_json()["status"] == "waiting"
    assert [o["sale_id"] for o in orders(bar)] == [a["id"]]
    with bar.app.app_context():
        ticket = db.session.get(OrderTicket, a["id"])
        assert (ticket.status, ticket.done_at, ticket.done_by) == ("waiting", None, None)


def test_voided_and_refunded_sales_drop_off_the_board(bar):
    voided = sell(bar, [("아메리카노", 1, ICED_SHOT)])
    refunded = sell(bar, [("카페라떼", 1, [("온도", "HOT")])])
    kept = sell(bar, [("유자차", 1, [("온도", "HOT")])])
    with bar.app.app_context():
        db.session.execute(update(Sale).where(Sale.id == voided["id"]).values(status="voided"))
        db.session.execute(update(Sale).where(Sale.id == refunded["id"]).values(status="refunded"))
        db.session.commit()
    assert [o["sale_id"] for o in orders(bar, "all")] == [kept["id"]]
    for sale in (voided, refunded):
        for action in ("done", "undo", "print"):
            resp = bar.post(f"/api/orders/{sale['id']}/{action}")
            assert resp.status_code == 409, action
            error = resp.get_json()["error"]
            assert error["code"] == "order_cancelled" and "취소" in error["message"]


def refund_units(app, sale: dict, units: dict[int, int]) -> None:
    """A refund of ``units`` {0-based line position: qty} written through the models (the
    refund API is another module's); the sale becomes partly refunded."""
    with app.app_context():
        rec = db.session.get(Sale, sale["id"])
        lines = {
            ln.position: ln
            for ln in db.session.scalars(select(SaleLine).where(SaleLine.sale_id == sale["id"]))
        }
        n = db.session.query(Refund).filter_by(sale_id=sale["id"]).count() + 1
        amount = sum(lines[p].unit_price * q for p, q in units.items())
        refund = Refund(
            id=str(uuid.uuid4()),
            sale_id=rec.id,
            site_id=rec.site_id,
            user_id=rec.user_id,
            kind="refund",
            reason="손님 변심",
            receipt_no=f"{rec.receipt_no}-R{n}",
            business_day=rec.business_day,
            total=amount,
            taxable_total=amount,
            taxable_supply=amount - amount // 11,
            vat=amount // 11,
            exempt=0,
            request_hash="x" * 64,
        )
        for pos, qty in units.items():
            ln = lines[pos]
            refund.lines.append(
                RefundLine(
                    sale_line_position=pos,
                    product_id=ln.product_id,
                    vendor_id=ln.vendor_id,
                    name=ln.name,
                    tax=ln.tax,
                    qty=qty,
                    amount=ln.unit_price * qty,
                )
            )
        db.session.add(refund)
        rec.status = "partly_refunded"
        db.session.commit()


def test_refunded_units_come_off_the_order(bar):
    sale = sell(bar, [("아메리카노", 2, ICED_SHOT), ("유자차", 1, [("온도", "HOT")])])
    refund_units(bar.app, sale, {0: 1})
    (order,) = orders(bar)
    assert [(ln["name"], ln["qty"]) for ln in order["lines"]] == [("아메리카노", 1), ("유자차", 1)]
    refund_units(bar.app, sale, {1: 1})
    (order,) = orders(bar)
    assert [(ln["name"], ln["qty"]) for ln in order["lines"]] == [("아메리카노", 1)]
    refund_units(bar.app, sale, {0: 1})  # nothing left to make: off the board
    assert orders(bar, "all") == []


def test_only_today_and_only_this_site(app, bar):
    old = sell(bar, [("아메리카노", 1, ICED_SHOT)])
    today = sell(bar, [("카페라떼", 1, [("온도", "ICE")])])
    with app.app_context():
        db.session.execute(
            update(OrderTicket)
            .where(OrderTicket.sale_id == old["id"])
            .values(
                business_day=OrderTicket.business_day - timedelta(days=1),
                created_at=utcnow() - timedelta(days=1),
            )
        )
        db.session.commit()
    assert [o["sale_id"] for o in orders(bar, "all")] == [today["id"]]
    # another café's order (moved there) is neither seen nor touched from here
    elsewhere = sell(bar, [("유자차", 1, [("온도", "HOT")])])
    with app.app_context():
        cafe7 = db.session.execute(select(Site.id).where(Site.code == "CAFE07")).scalar_one()
        for model, key in ((OrderTicket, OrderTicket.sale_id), (Sale, Sale.id)):
            db.session.execute(update(model).where(key == elsewhere["id"]).values(site_id=cafe7))
        db.session.commit()
    assert [o["sale_id"] for o in orders(bar, "all")] == [today["id"]]
    for action in ("done", "undo", "print"):
        resp = bar.post(f"/api/orders/{elsewhere['id']}/{action}")
        assert resp.status_code == 404
        assert resp.get_json()["error"]["message"] == "주문을 찾을 수 없습니다"
    assert bar.post(f"/api/orders/{uuid.uuid4()}/done").status_code == 404
    # a manager works at this server's site (CAFE03) and sees the board
    manager = ApiClient(app, "manager", password="manager1234")
    assert [o["sale_id"] for o in orders(manager, "all")] == [today["id"]]


def test_minutes_count_from_the_order(bar):
    sale = sell(bar, [("아메리카노", 1, ICED_SHOT)])
    with bar.app.app_context():
        db.session.execute(
            update(OrderTicket)
            .where(OrderTicket.sale_id == sale["id"])
            .values(created_at=utcnow() - timedelta(minutes=7, seconds=30))
        )
        db.session.commit()
    assert orders(bar)[0]["minutes"] == 7


def test_bad_status_and_strangers_are_refused_in_korean(app, bar):
    resp = bar.get("/api/orders?status=late")
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_status" and error["field"] == "status"
    assert "상태" in error["message"]
    stranger = app.test_client()
    assert stranger.get("/api/orders").status_code == 401
    assert stranger.get("/api/orders").get_json()["error"]["message"] == "로그인이 필요합니다"


def test_reprint_needs_a_printer(bar):
    sale = sell(bar, [("아메리카노", 1, ICED_SHOT)])
    resp = bar.post(f"/api/orders/{sale['id']}/print")
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "no_printer" and "프린터" in error["message"]
    cookie = sell(bar, [("수제 마들렌", 1, [])])
    assert bar.post(f"/api/orders/{cookie['id']}/print").status_code == 404


def test_reprint_queues_a_marked_kitchen_job(app_factory, backend):
    app = app_factory(backend, PRINTER_URL="file:///dev/null")
    make_drinks_to_order(app)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(api, [("아메리카노", 1, ICED_SHOT)], method="card")
    resp = api.post(f"/api/orders/{sale['id']}/print")
    assert resp.status_code == 202
    assert resp.get_json() == {"status": "pending", "label": "출력 대기"}
    PrintStatusOut.model_validate(resp.get_json())
    with app.app_context():
        jobs = db.session.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        assert [(j.kind, j.target, j.reprint) for j in jobs] == [
            ("receipt", "receipt", False),
            ("kitchen", "kitchen", False),
            ("kitchen", "kitchen", True),
        ]
    (order,) = orders(api)
    assert order["print"]["status"] == "pending" and order["print"]["label"] == "출력 대기"
    # the sale's own print state is still its receipt's
    assert api.get(f"/api/sales/{sale['id']}").get_json()["print"]["status"] == "pending"


def test_the_document_describes_the_board(sqlite_app):
    doc = sqlite_app.test_client().get("/api/openapi.json").get_json()
    for path in (
        "/api/orders",
        "/api/orders/{sale_id}/done",
        "/api/orders/{sale_id}/undo",
        "/api/orders/{sale_id}/print",
    ):
        assert path in doc["paths"], path
    assert doc["paths"]["/api/orders/{sale_id}/done"]["post"]["security"] == [
        {"session": [], "csrf": []}
    ]


def test_the_refund_and_void_apis_take_drinks_off_the_board(app, bar):
    """Through the real refund and void calls (a manager needs no approver)."""
    manager = ApiClient(app, "manager", password="manager1234")
    sale = sell(bar, [("아메리카노", 2, ICED_SHOT), ("유자차", 1, [("온도", "HOT")])])
    voided = sell(bar, [("카페라떼", 1, [("온도", "ICE")])])
    body = {
        "id": str(uuid.uuid4()),
        "lines": [{"line": 1, "qty": 1}],
        "reason": "잘못 주문",
        "payments": [{"method": "cash", "amount": 5000}],
    }
    resp = manager.post(f"/api/sales/{sale['id']}/refund", json=body)
    assert resp.status_code == 201, resp.get_json()
    resp = manager.post(
        f"/api/sales/{voided['id']}/void", json={"id": str(uuid.uuid4()), "reason": "중복 결제"}
    )
    assert resp.status_code == 201, resp.get_json()
    (order,) = orders(bar, "all")
    assert order["sale_id"] == sale["id"]
    assert [(ln["name"], ln["qty"]) for ln in order["lines"]] == [("아메리카노", 1), ("유자차", 1)]
    assert bar.post(f"/api/orders/{voided['id']}/done").status_code == 409


def test_the_bar_page_for_cashiers_and_managers(sqlite_app):
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234")
    html = cashier.get("/bar").get_data(as_text=True)
    assert "<title>주문 현황판 · 꿈이든 the 카페 3호 인천여성의광장점</title>" in html
    assert 'href="/pos"' in html and "계산 화면" in html
    assert "js/orders/board.js" in html and "vendor/alpine.min.js" in html
    assert '"poll_ms": 5000' in html
    manager = ApiClient(sqlite_app, "manager", password="manager1234")
    page = manager.get("/bar").get_data(as_text=True)
    assert 'href="/admin"' in page and "계산 화면" not in page
    # the back office's menu links the board now that its page exists
    assert 'href="/bar"' in manager.get("/admin").get_data(as_text=True)
    resp = sqlite_app.test_client().get("/bar")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=/bar"

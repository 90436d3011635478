"""결제 취소 (POST /api/sales/ID/void), today's sales list and concurrent refunds (issue 7)."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

from refund_support import MANAGER, TOTAL, refund, refund_body, sell, stock_of
from sqlalchemy import func, select
from support import ApiClient, new_sale_body

from pos.db import db
from pos.refunds.models import Refund
from pos.refunds.responses import RefundOut, TodaySalesOut
from pos.sales.models import Sale
from pos.sales.responses import SaleOut


def void_body(**extra) -> dict:
    return {"id": str(uuid.uuid4()), "reason": "잘못 찍음", "approver": MANAGER, **extra}


def age(app, sale_id: str, minutes: int) -> None:
    with app.app_context():
        sale = db.session.get(Sale, sale_id)
        sale.created_at -= timedelta(minutes=minutes)
        db.session.commit()


def test_void_gives_back_the_whole_sale_by_its_own_tenders(app, cashier):
    before = stock_of(app, "S002")
    sale = sell(cashier)
    assert sale["voidable"] is True
    resp = cashier.post(f"/api/sales/{sale['id']}/void", json=void_body())
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    RefundOut.model_validate(out)
    assert out["kind"] == "void" and out["label"] == "결제 취소"
    assert out["total"] == TOTAL and out["sale_status"] == "voided"
    assert out["payments"] == [
        {"method": "cash", "label": "현금", "amount": TOTAL, "approval_no": None}
    ]
    assert stock_of(app, "S002") == before
    shown = cashier.get(f"/api/sales/{sale['id']}").get_json()
    SaleOut.model_validate(shown)
    assert shown["status"] == "voided" and shown["voidable"] is False
    assert shown["refundable_total"] == 0
    # nothing more can go back, and a second void is refused
    again = cashier.post(f"/api/sales/{sale['id']}/refund", json=refund_body(amount=1))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "voided"
    twice = cashier.post(f"/api/sales/{sale['id']}/void", json=void_body())
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_voided"


def test_void_retry_is_the_same_void(app, cashier):
    sale = sell(cashier)
    body = void_body()
    assert cashier.post(f"/api/sales/{sale['id']}/void", json=body).status_code == 201
    assert cashier.post(f"/api/sales/{sale['id']}/void", json=body).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 1


def test_void_of_a_card_sale_needs_the_cancellation_number(app, cashier):
    sale = sell(cashier, payments=[{"method": "card", "amount": TOTAL, "approval_no": "30012345"}])
    resp = cashier.post(f"/api/sales/{sale['id']}/void", json=void_body())
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "approval_no_required"
    paid = [{"method": "card", "amount": TOTAL, "approval_no": "C0001"}]
    resp = cashier.post(f"/api/sales/{sale['id']}/void", json=void_body(payments=paid))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["payments"][0]["approval_no"] == "C0001"


def test_void_is_refused_after_the_minutes_and_after_a_refund(app, cashier):
    late = sell(cashier)
    age(app, late["id"], 11)
    assert cashier.get(f"/api/sales/{late['id']}").get_json()["voidable"] is False
    resp = cashier.post(f"/api/sales/{late['id']}/void", json=void_body())
    assert resp.status_code == 409
    err = resp.get_json()["error"]
    assert err["code"] == "void_expired" and "10분" in err["message"]
    # a refund still works then
    assert refund(cashier, late["id"], refund_body(amount=TOTAL))["total"] == TOTAL

    partly = sell(cashier)
    refund(cashier, partly["id"], refund_body(lines=[(1, 1)], amount=4500))
    resp = cashier.post(f"/api/sales/{partly['id']}/void", json=void_body())
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "already_refunded"


def test_void_minutes_come_from_the_config(app_factory):
    app = app_factory("sqlite", VOID_MINUTES=30)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(api)
    age(app, sale["id"], 20)
    assert api.post(f"/api/sales/{sale['id']}/void", json=void_body()).status_code == 201


def test_void_needs_approval_from_a_cashier(app, cashier):
    sale = sell(cashier)
    body = void_body()
    body.pop("approver")
    resp = cashier.post(f"/api/sales/{sale['id']}/void", json=body)
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "approval_required"
    assert "결제 취소에는" in resp.get_json()["error"]["message"]


def test_today_lists_the_sites_sales_newest_first(app, cashier):
    first = sell(cashier)
    second = sell(cashier)
    third = sell(cashier)
    refund(cashier, second["id"], refund_body(lines=[(2, 1)], amount=12000))
    cashier.post(f"/api/sales/{third['id']}/void", json=void_body())
    resp = cashier.get("/api/sales/today?limit=30")
    assert resp.status_code == 200
    body = resp.get_json()
    TodaySalesOut.model_validate(body)
    listed = {s["id"]: s for s in body["sales"]}
    assert [s["id"] for s in body["sales"]] == [third["id"], second["id"], first["id"]]
    assert listed[first["id"]]["voidable"] is True
    assert listed[first["id"]]["refundable_total"] == TOTAL
    assert listed[first["id"]]["label"] == "완료" and listed[first["id"]]["cashier"] == "김하늘"
    assert listed[second["id"]]["status"] == "partly_refunded"
    assert listed[second["id"]]["refundable_total"] == TOTAL - 12000
    assert listed[second["id"]]["voidable"] is False
    assert listed[third["id"]]["label"] == "결제 취소"
    assert listed[third["id"]]["refundable_total"] == 0
    assert len(cashier.get("/api/sales/today?limit=1").get_json()["sales"]) == 1
    assert cashier.get("/api/sales/today?limit=0").status_code == 422


def test_concurrent_refunds_of_one_sale_never_give_back_more_than_sold(app_factory):
    """Eight tablets refund the same line at once on PostgreSQL: the lock on the sale lets
    exactly as many through as there are units."""
    app = app_factory("postgresql")
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(
        api,
        [("아메리카노", 3, [("온도", "HOT")])],
        [{"method": "cash", "amount": 13500}],
    )
    tablets = [ApiClient(app, "manager", password="manager1234") for _ in range(8)]
    barrier = threading.Barrier(len(tablets))
    answers: list[int] = []

    def go(tablet):
        body = refund_body(lines=[(1, 1)], amount=4500, approver=None)
        barrier.wait()
        answers.append(tablet.post(f"/api/sales/{sale['id']}/refund", json=body).status_code)

    threads = [threading.Thread(target=go, args=(t,)) for t in tablets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == [201] * 3 + [409] * 5
    with app.app_context():
        assert db.session.scalar(select(func.sum(Refund.total))) == 13500
        assert db.session.get(Sale, sale["id"]).status == "refunded"


def test_concurrent_whole_refunds_and_twin_retries(app_factory):
    app = app_factory("postgresql")
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(api)
    tablets = [ApiClient(app, "manager", password="manager1234") for _ in range(6)]
    twin = refund_body(amount=TOTAL, approver=None)
    other = refund_body(amount=TOTAL, approver=None)
    bodies = [twin, twin, twin, other, other, other]
    barrier = threading.Barrier(len(tablets))
    answers: list[tuple[str, int]] = []

    def go(tablet, body):
        barrier.wait()
        resp = tablet.post(f"/api/sales/{sale['id']}/refund", json=body)
        answers.append((body["id"], resp.status_code))

    threads = [threading.Thread(target=go, args=tb) for tb in zip(tablets, bodies, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
        winner = db.session.scalar(select(Refund.id))
    codes = sorted(code for rid, code in answers if rid == winner)
    assert codes == [200, 200, 201]
    assert sorted(code for rid, code in answers if rid != winner) == [409, 409, 409]


def test_a_sale_placed_by_another_cashier_is_refundable_here(app, cashier):
    other = ApiClient(app, "cashier3b", pin="5678")
    body = new_sale_body(other, [("건표고버섯 100g", 1, [])], [{"method": "cash", "amount": 12000}])
    sale = other.post("/api/sales", json=body).get_json()
    out = refund(cashier, sale["id"], refund_body(amount=12000))
    assert out["total"] == 12000


def test_the_approvers_pin_is_not_part_of_the_refund_or_its_hash(app, cashier):
    """The tablet resends with the manager's PIN typed again: the same refund (200)."""
    sale = sell(cashier)
    body = refund_body(amount=TOTAL)
    assert cashier.post(f"/api/sales/{sale['id']}/refund", json=body).status_code == 201
    by_password = dict(body, approver={"username": "manager", "password": "manager1234"})
    assert cashier.post(f"/api/sales/{sale['id']}/refund", json=by_password).status_code == 200
    with app.app_context():
        stored = db.session.get(Refund, body["id"])
        assert MANAGER["pin"] not in stored.request_hash and stored.approver_id is not None


def test_the_refund_receipt_in_image_mode(app_factory):
    from escpos_decoder import decode_escpos

    from pos.refunds.printing import render_refund
    from pos.refunds.record import load_refund
    from pos.sales.record import load_sale_record

    app = app_factory("sqlite", PRINTER_HANGUL="image", PRINTER_COLUMNS=48)
    api = ApiClient(app, "cashier3", pin="1234")
    sale = sell(api)
    out = refund(api, sale["id"], refund_body(lines=[(2, 1)], amount=12000))
    with app.app_context():
        data = render_refund(load_refund(out["id"]), load_sale_record(sale["id"]))
    stream = decode_escpos(data)
    assert stream.rasters and not stream.hangul_segments
    assert stream.qr_data == [sale["receipt_url"].encode()]


def test_wrong_pins_lock_the_approver_and_change_nothing(sqlite_app):
    api = ApiClient(sqlite_app, "cashier3", pin="1234")
    sale = sell(api)
    wrong = {"username": "manager", "pin": "0000"}
    codes = [
        api.post(
            f"/api/sales/{sale['id']}/refund", json=refund_body(amount=TOTAL, approver=wrong)
        ).status_code
        for _ in range(6)
    ]
    # LOGIN_MAX_ATTEMPTS (5): the fifth wrong PIN locks the name
    assert codes == [403] * 4 + [423] * 2
    locked = api.post(f"/api/sales/{sale['id']}/refund", json=refund_body(amount=TOTAL))
    assert locked.status_code == 423 and locked.get_json()["error"]["code"] == "approval_refused"
    with sqlite_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 0

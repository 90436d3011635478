"""POST /api/sales/ID/refund (DESIGN §5, issue 7) on SQLite and PostgreSQL: whole and partial
refunds, splits over several requests, idempotent retries, refusals in Korean, restock,
outbox, sale status and the figures of GET /api/sales/ID."""

from __future__ import annotations

import json
import re

from refund_support import TOTAL, refund, refund_body, sell, stock_of
from sqlalchemy import func, select
from support import ApiClient

from inventory.models import StockMove
from pos.db import db
from pos.outbox import OutboxEvent
from pos.refunds.models import Refund, RefundLine, RefundPayment

HANGUL = re.compile("[가-힣]")


def korean_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == code, err
    assert HANGUL.search(err["message"]), err
    return err


def rows(app) -> dict:
    with app.app_context():
        return {
            "refunds": db.session.scalar(select(func.count()).select_from(Refund)),
            "lines": db.session.scalar(select(func.count()).select_from(RefundLine)),
            "payments": db.session.scalar(select(func.count()).select_from(RefundPayment)),
            "moves": db.session.scalar(
                select(func.count()).select_from(StockMove).where(StockMove.reason == "refund")
            ),
            "events": db.session.scalar(
                select(func.count())
                .select_from(OutboxEvent)
                .where(OutboxEvent.type == "refund.completed")
            ),
        }


def test_whole_refund_gives_back_the_total_restocks_and_records_everything(app, cashier):
    before = stock_of(app, "S002")
    sale = sell(cashier)
    assert stock_of(app, "S002") == before - 1
    body = refund_body(amount=TOTAL)
    out = refund(cashier, sale["id"], body)
    assert out["id"] == body["id"] and out["sale_id"] == sale["id"]
    assert out["kind"] == "refund"
    assert out["total"] == TOTAL == sale["total"]
    assert (out["taxable"], out["vat"], out["exempt"]) == (
        sale["taxable"],
        sale["vat"],
        sale["exempt"],
    )
    assert out["taxable"] + out["vat"] + out["exempt"] == out["total"]
    assert out["receipt_no"] == sale["receipt_no"] + "-R1"
    assert out["original_receipt_no"] == sale["receipt_no"]
    assert out["approver"] == "지점 매니저"
    assert out["sale_status"] == "refunded"
    assert [(ln["line"], ln["qty"], ln["amount"]) for ln in out["lines"]] == [
        (1, 2, 9000),
        (2, 1, 12000),
    ]
    assert [ln["restocked"] for ln in out["lines"]] == [False, True]
    assert len(out["receipts"]) == 1
    assert out["receipts"][0]["total"] == TOTAL
    assert stock_of(app, "S002") == before
    assert rows(app) == {"refunds": 1, "lines": 2, "payments": 1, "moves": 1, "events": 1}
    shown = cashier.get(f"/api/sales/{sale['id']}").get_json()
    assert shown["status"] == "refunded"
    assert shown["refundable_total"] == 0 and shown["refunded_total"] == TOTAL
    assert [(ln["refunded"], ln["refundable"]) for ln in shown["lines"]] == [(2, 0), (1, 0)]
    assert shown["refunds"][0]["id"] == body["id"]
    assert shown["refunds"][0]["lines"] == [
        {"line": 1, "qty": 2, "amount": 9000},
        {"line": 2, "qty": 1, "amount": 12000},
    ]
    with app.app_context():
        stored = db.session.get(Refund, body["id"])
        assert stored.business_day.isoformat() == sale["created_at"][:10]
        move = db.session.scalars(select(StockMove).where(StockMove.reason == "refund")).one()
        assert move.ref == f"refund:{body['id']}" and move.qty == 1
        event = db.session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "refund.completed")
        ).one()
        assert event.id == body["id"]
        payload = json.loads(event.payload)
    assert payload["sale_id"] == sale["id"] and payload["total"] == TOTAL
    assert payload["lines"][1]["sku"] == "S002" and payload["lines"][1]["restocked"] is True
    assert payload["sale_status"] == "refunded"


def test_partial_refund_and_the_rest_later_never_more_than_sold(app, cashier):
    sale = sell(cashier)
    first = refund(cashier, sale["id"], refund_body(lines=[(1, 1)], amount=4500))
    assert first["total"] == 4500 and first["sale_status"] == "partly_refunded"
    assert (first["taxable"], first["vat"], first["exempt"]) == (4091, 409, 0)
    shown = cashier.get(f"/api/sales/{sale['id']}").get_json()
    assert shown["status"] == "partly_refunded"
    assert shown["refundable_total"] == TOTAL - 4500
    assert [ln["refundable"] for ln in shown["lines"]] == [1, 1]
    # two more 아메리카노 than are left: refused, nothing written
    before = rows(app)
    err = korean_error(
        cashier.post(
            f"/api/sales/{sale['id']}/refund", json=refund_body(lines=[(1, 2)], amount=9000)
        ),
        409,
        "over_refund",
    )
    assert "1개까지만" in err["message"]
    assert rows(app) == before
    second = refund(cashier, sale["id"], refund_body(lines=[(1, 1), (2, 1)], amount=16500))
    assert second["receipt_no"] == sale["receipt_no"] + "-R2"
    assert second["sale_status"] == "refunded"
    # every refund together is the sale, to the won and in its VAT split
    assert first["total"] + second["total"] == sale["total"]
    assert first["taxable"] + second["taxable"] == sale["taxable"]
    assert first["vat"] + second["vat"] == sale["vat"]
    korean_error(
        cashier.post(f"/api/sales/{sale['id']}/refund", json=refund_body(amount=1)),
        409,
        "over_refund",
    )
    korean_error(
        cashier.post(
            f"/api/sales/{sale['id']}/refund", json=refund_body(lines=[(2, 1)], amount=12000)
        ),
        409,
        "over_refund",
    )


def test_units_refunded_one_by_one_give_back_exactly_the_discounted_line(app, cashier):
    # 3 × 아메리카노 4,500 = 13,500 less 1,000 order discount: 12,500 over 3 units
    sale = sell(
        cashier,
        [("아메리카노", 3, [("온도", "HOT")])],
        [{"method": "cash", "amount": 12500}],
        discount=1000,
        discount_reason="단골 쿠폰",
    )
    assert sale["total"] == 12500
    amounts = []
    # round-half-up(12,500 × k / 3) for k = 1, 2, 3 less what went back before
    for expected in (4167, 4166, 4167):
        out = refund(cashier, sale["id"], refund_body(lines=[(1, 1)], amount=expected))
        amounts.append(out["total"])
    assert sum(amounts) == 12500
    shown = cashier.get(f"/api/sales/{sale['id']}").get_json()
    assert shown["status"] == "refunded" and shown["refundable_total"] == 0


def test_retry_with_the_same_id_and_body_is_the_same_refund(app, cashier):
    sale = sell(cashier)
    body = refund_body(lines=[(2, 1)], amount=12000)
    first = cashier.post(f"/api/sales/{sale['id']}/refund", json=body)
    assert first.status_code == 201
    again = cashier.post(f"/api/sales/{sale['id']}/refund", json=body)
    assert again.status_code == 200
    a, b = first.get_json(), again.get_json()
    a.pop("print"), b.pop("print")
    assert a == b
    assert rows(app)["refunds"] == 1 and rows(app)["moves"] == 1 and rows(app)["events"] == 1


def test_another_body_under_a_used_id_is_409(app, cashier):
    sale = sell(cashier)
    body = refund_body(lines=[(2, 1)], amount=12000)
    refund(cashier, sale["id"], body)
    other = dict(body, lines=[{"line": 1, "qty": 1}], payments=[{"method": "cash", "amount": 4500}])
    korean_error(cashier.post(f"/api/sales/{sale['id']}/refund", json=other), 409, "id_conflict")
    # the same refund id on another sale is another body too
    sale2 = sell(cashier)
    korean_error(cashier.post(f"/api/sales/{sale2['id']}/refund", json=body), 409, "id_conflict")
    assert rows(app)["refunds"] == 1


def test_refund_of_a_refund_and_of_an_unknown_sale(app, cashier):
    sale = sell(cashier)
    out = refund(cashier, sale["id"], refund_body(amount=TOTAL))
    korean_error(
        cashier.post(f"/api/sales/{out['id']}/refund", json=refund_body(amount=TOTAL)),
        409,
        "not_a_sale",
    )
    korean_error(
        cashier.post(
            "/api/sales/00000000-0000-4000-8000-000000000000/refund", json=refund_body(amount=1)
        ),
        404,
        "not_found",
    )


def test_a_cashier_needs_a_managers_approval_a_manager_does_not(app, cashier):
    sale = sell(cashier)
    before = rows(app)
    korean_error(
        cashier.post(
            f"/api/sales/{sale['id']}/refund", json=refund_body(amount=TOTAL, approver=None)
        ),
        403,
        "approval_required",
    )
    assert rows(app) == before
    manager = ApiClient(app, "manager", password="manager1234")
    out = refund(manager, sale["id"], refund_body(amount=TOTAL, approver=None))
    assert out["approver"] is None
    with app.app_context():
        stored = db.session.get(Refund, out["id"])
        assert stored.approver_id is None and stored.user_id is not None


def test_wrong_pin_or_a_cashiers_pin_is_refused(app, cashier):
    sale = sell(cashier)
    before = rows(app)
    wrong = refund_body(amount=TOTAL, approver={"username": "manager", "pin": "0000"})
    err = korean_error(
        cashier.post(f"/api/sales/{sale['id']}/refund", json=wrong), 403, "approval_refused"
    )
    assert "PIN" in err["message"]
    other_cashier = refund_body(amount=TOTAL, approver={"username": "cashier3b", "pin": "5678"})
    korean_error(
        cashier.post(f"/api/sales/{sale['id']}/refund", json=other_cashier),
        403,
        "approval_refused",
    )
    assert rows(app) == before
    assert cashier.get(f"/api/sales/{sale['id']}").get_json()["status"] == "completed"


def test_card_refund_needs_the_cancellation_number(app, cashier):
    sale = sell(cashier, payments=[{"method": "card", "amount": TOTAL, "approval_no": "30012345"}])
    no_number = refund_body(payments=[{"method": "card", "amount": TOTAL}])
    err = korean_error(
        cashier.post(f"/api/sales/{sale['id']}/refund", json=no_number),
        422,
        "approval_no_required",
    )
    assert "취소 승인번호" in err["message"] and err["field"] == "payments.0.approval_no"
    body = refund_body(payments=[{"method": "card", "amount": TOTAL, "approval_no": "C7654321"}])
    out = refund(cashier, sale["id"], body)
    assert out["payments"] == [
        {"method": "card", "label": "카드", "amount": TOTAL, "approval_no": "C7654321"}
    ]
    # a card number typed into the field is refused like at checkout
    sale2 = sell(cashier)
    card = refund_body(
        payments=[{"method": "cash", "amount": TOTAL, "approval_no": "4111111111111111"}]
    )
    assert cashier.post(f"/api/sales/{sale2['id']}/refund", json=card).status_code == 422


def test_payments_must_add_up_and_come_from_the_sales_tenders(app, cashier):
    sale = sell(
        cashier,
        payments=[
            {"method": "card", "amount": 9000, "approval_no": "30012345"},
            {"method": "cash", "amount": 12000},
        ],
    )
    korean_error(
        cashier.post(
            f"/api/sales/{sale['id']}/refund", json=refund_body(lines=[(2, 1)], amount=11000)
        ),
        422,
        "payments_mismatch",
    )
    err = korean_error(
        cashier.post(
            f"/api/sales/{sale['id']}/refund",
            json=refund_body(lines=[(2, 1)], payments=[{"method": "transfer", "amount": 12000}]),
        ),
        422,
        "method_not_paid",
    )
    assert "계좌이체로" in err["message"]
    # more cash back than was paid in cash
    korean_error(
        cashier.post(f"/api/sales/{sale['id']}/refund", json=refund_body(amount=TOTAL)),
        409,
        "over_refund",
    )
    split = refund_body(
        payments=[
            {"method": "cash", "amount": 12000},
            {"method": "card", "amount": 9000, "approval_no": "C1"},
        ]
    )
    assert refund(cashier, sale["id"], split)["total"] == TOTAL
    assert rows(app)["refunds"] == 1


def test_bad_lines_are_refused_in_korean(app, cashier):
    sale = sell(cashier)
    korean_error(
        cashier.post(f"/api/sales/{sale['id']}/refund", json=refund_body(lines=[(3, 1)], amount=1)),
        422,
        "invalid_line",
    )
    resp = cashier.post(
        f"/api/sales/{sale['id']}/refund", json=refund_body(lines=[(1, 0)], amount=1)
    )
    assert resp.status_code == 422
    no_reason = refund_body(amount=TOTAL)
    no_reason.pop("reason")
    assert cashier.post(f"/api/sales/{sale['id']}/refund", json=no_reason).status_code == 422
    blank = refund_body(amount=TOTAL, reason="   ")
    err = korean_error(cashier.post(f"/api/sales/{sale['id']}/refund", json=blank), 422, "invalid")
    assert err["field"] == "reason"
    assert rows(app)["refunds"] == 0


def test_a_cashier_sees_only_their_sites_sales(sqlite_app):
    cafe3 = ApiClient(sqlite_app, "cashier3", pin="1234")
    sale = sell(cafe3)
    with sqlite_app.app_context():
        from pos.sales.models import Sale
        from pos.sites import Site

        other = db.session.scalars(select(Site).where(Site.code == "CAFE07")).one()
        db.session.get(Sale, sale["id"]).site_id = other.id
        db.session.commit()
    korean_error(
        cafe3.post(f"/api/sales/{sale['id']}/refund", json=refund_body(amount=TOTAL)),
        404,
        "not_found",
    )


def test_the_refund_counts_in_the_refunders_open_shift(app, cashier):
    sale = sell(cashier)
    other = ApiClient(app, "cashier3b", pin="5678")
    with app.app_context():
        from pos.shifts.models import Shift
        from pos.sites import Site

        site = db.session.scalars(select(Site).where(Site.code == "CAFE03")).one()
        from pos.auth.models import User

        user = db.session.scalars(select(User).where(User.username == "cashier3b")).one()
        shift = Shift(
            id="11111111-1111-4111-8111-111111111111",
            site_id=site.id,
            user_id=user.id,
            opening_float=50000,
        )
        db.session.add(shift)
        db.session.commit()
    out = refund(other, sale["id"], refund_body(lines=[(2, 1)], amount=12000))
    with app.app_context():
        assert db.session.get(Refund, out["id"]).shift_id == shift.id

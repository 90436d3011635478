"""Discounts through POST /api/sales on SQLite and PostgreSQL: per line and per order, in won
and in percent, with a reason from the manager's list; over the amount refused; over the
site's limit a cashier needs a manager's PIN (a cashier's PIN or a wrong one is refused); an
unknown reason is refused. Every refusal changes nothing."""

from __future__ import annotations

import pytest
from support import ApiClient, new_sale_body

from pos.auth.models import LoginFailure, User
from pos.db import db
from pos.sales.models import Sale
from pos.sites import Site

MADELEINE = ("수제 마들렌", 2, [])  # 2 × 2,500 = 5,000 (과세, tracked)
MUSHROOM = ("생표고버섯 500g", 1, [])  # 10,000 (면세, 만원의 행복)
MANAGER = {"username": "manager", "pin": "2580"}


def sale_body(api: ApiClient, items=(MADELEINE, MUSHROOM), *, line_discounts=None, **order):
    """``line_discounts``: {line index: {discount | discount_pct, discount_reason}}; pays the
    expected total in cash (``total=``) or 1,000,000 tendered when not given."""
    total = order.pop("total", None)
    body = new_sale_body(api, list(items), **order)
    for i, extra in (line_discounts or {}).items():
        body["lines"][i].update(extra)
    if total is not None:
        body["payments"] = [{"method": "cash", "amount": total, "tendered": total}]
    return body


def sales_count(app) -> int:
    with app.app_context():
        return db.session.query(Sale).count()


def stored(app, sale_id: str) -> Sale:
    with app.app_context():
        sale = db.session.get(Sale, sale_id)
        lines = [
            (ln.line_discount, ln.line_discount_reason, ln.discount_share) for ln in sale.lines
        ]
        db.session.expunge(sale)
        sale.stored_lines = lines
        return sale


def test_line_discount_in_won_with_a_reason(app, cashier):
    body = sale_body(
        cashier,
        line_discounts={1: {"discount": 1000, "discount_reason": "시식·파손"}},
        total=14000,
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert sale["subtotal"] == 15000 and sale["discount"] == 1000 and sale["total"] == 14000
    assert sale["order_discount"] == 0 and sale["discount_reason"] is None
    mushroom = sale["lines"][1]
    assert mushroom["line_discount"] == 1000 and mushroom["discount_reason"] == "시식·파손"
    assert sale["lines"][0]["line_discount"] == 0
    # the 면세 line carries the whole discount: exempt 9,000, taxable 5,000 → 4,545 + 455
    assert (sale["taxable"], sale["vat"], sale["exempt"]) == (4545, 455, 9000)
    row = stored(app, sale["id"])
    assert row.stored_lines[1] == (1000, "시식·파손", 1000)
    assert row.discount_approver_id is None


def test_line_discount_in_percent_rounds_half_up(app, cashier):
    # 10 % of 5,000 is 500, exactly the site's limit: no approval needed
    body = sale_body(
        cashier,
        items=(MADELEINE,),
        line_discounts={0: {"discount_pct": 10, "discount_reason": "직원 할인"}},
        total=4500,
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["lines"][0]["line_discount"] == 500
    # an order percent of what the lines left: 1 % of 14,950 = 149.5 → 150 (half up)
    body = sale_body(
        cashier,
        line_discounts={0: {"discount": 50, "discount_reason": "직원 할인"}},
        discount_pct=1,
        discount_reason="행사 할인",
        total=14800,
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["order_discount"] == 150


def test_order_discount_in_won_and_percent_with_its_reason(app, cashier):
    body = sale_body(cashier, discount=1000, discount_reason="단골 쿠폰", total=14000)
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert sale["order_discount"] == 1000 and sale["discount_reason"] == "단골 쿠폰"
    # spread 5,000 : 10,000 → 333 : 667 (the last line gets the remainder)
    assert [ln["discount"] for ln in sale["lines"]] == [333, 667]
    assert sale["taxable"] + sale["vat"] + sale["exempt"] == sale["total"] == 14000

    # percent of what is left after a line's own discount: (15,000 − 500) × 5 % = 725
    body = sale_body(
        cashier,
        line_discounts={0: {"discount": 500, "discount_reason": "직원 할인"}},
        discount_pct=5,
        discount_reason="행사 할인",
        total=13775,
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert sale["discount"] == 1225 and sale["order_discount"] == 725
    assert sale["discount_reason"] == "행사 할인"
    assert sale["lines"][0]["line_discount"] == 500
    assert sum(ln["discount"] for ln in sale["lines"]) == 1225


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda b: b["lines"][0].update(discount=5001), "lines.0.discount"),
        (lambda b: b.update(discount=15001), "discount"),
        # the order discount counts from what the lines' own discounts left
        (lambda b: (b["lines"][1].update(discount=10000), b.update(discount=5001)), "discount"),
        (lambda b: b["lines"][0].update(discount=100, discount_pct=5), "lines.0.discount"),
        (lambda b: b.update(discount=100, discount_pct=5), "discount"),
    ],
    ids=["line over its amount", "order over the sale", "order over the rest", "line both", "both"],
)
def test_a_discount_over_the_amount_is_refused(app, cashier, change, field):
    body = sale_body(cashier)
    body["payments"] = [{"method": "cash", "amount": 15000, "tendered": 15000}]
    change(body)
    resp = cashier.post("/api/sales", json=body, headers={})
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_discount" and error["field"] == field
    assert "할인" in error["message"]
    assert sales_count(app) == 0


def test_percent_out_of_range_is_refused(app, cashier):
    for pct in (0, 101, -5):
        body = sale_body(cashier, discount_pct=pct, total=15000)
        resp = cashier.post("/api/sales", json=body)
        assert resp.status_code == 422
        assert resp.get_json()["error"]["field"] == "discount_pct"
    assert sales_count(app) == 0


def test_over_the_limit_needs_a_managers_pin(app, cashier):
    # 1,000 of 5,000 is 20 % > the site's 10 %
    body = sale_body(
        cashier,
        line_discounts={0: {"discount": 1000, "discount_reason": "직원 할인"}},
        total=14000,
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 403
    error = resp.get_json()["error"]
    assert error["code"] == "approval_required" and error["field"] == "approver"
    assert error["message"] == "한도를 넘는 할인에는 매니저 승인이 필요합니다"
    assert sales_count(app) == 0

    # the tablet resends the same sale with the manager's PIN
    body["approver"] = MANAGER
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert sale["total"] == 14000
    with app.app_context():
        manager_id = db.session.query(User.id).filter_by(username="manager").scalar()
    row = stored(app, sale["id"])
    assert row.discount_approver_id == manager_id
    assert row.user_id != manager_id  # the cashier made the sale; the manager approved
    # a retry (the PIN is not part of the stored fingerprint) is the same sale
    again = cashier.post("/api/sales", json={**body, "approver": {"username": "manager"}})
    assert again.status_code == 200 and again.get_json()["id"] == sale["id"]


def test_an_order_discount_over_the_limit_needs_approval_too(app, cashier):
    body = sale_body(cashier, discount_pct=11, discount_reason="행사 할인", total=13350)
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "approval_required"
    body["approver"] = {"username": "manager", "password": "manager1234"}
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["order_discount"] == 1650


def test_a_cashiers_pin_or_a_wrong_pin_is_refused(app, cashier):
    body = sale_body(cashier, discount=5000, discount_reason="단골 쿠폰", total=10000)
    body["approver"] = {"username": "cashier3b", "pin": "5678"}
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 403
    error = resp.get_json()["error"]
    assert error["code"] == "approval_refused"
    assert error["message"] == "매니저나 관리자의 PIN으로만 승인할 수 있습니다"

    body["approver"] = {"username": "manager", "pin": "0000"}
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 403
    error = resp.get_json()["error"]
    assert error["code"] == "approval_refused" and error["message"] == "승인 PIN이 맞지 않습니다"
    assert sales_count(app) == 0
    with app.app_context():
        # the wrong try counts towards the manager's lock although the sale rolled back
        assert db.session.query(LoginFailure).count() >= 1


def test_a_manager_gives_any_discount_alone(app):
    boss = ApiClient(app, "manager", pin="2580")
    body = sale_body(boss, discount=7500, discount_reason="행사 할인", total=7500)
    resp = boss.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert stored(app, resp.get_json()["id"]).discount_approver_id is None


def test_no_limit_means_no_approval(app, cashier):
    with app.app_context():
        db.session.query(Site).filter_by(code="CAFE03").one().discount_approval_pct = None
        db.session.commit()
    body = sale_body(cashier, discount=7500, discount_reason="행사 할인", total=7500)
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()


def test_an_unknown_or_stopped_reason_is_refused(app, cashier):
    body = sale_body(cashier, discount=500, discount_reason="사장님 친구", total=14500)
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_discount_reason" and error["field"] == "discount_reason"
    assert error["message"] == "할인 사유 '사장님 친구'는 목록에 없습니다"

    body = sale_body(
        cashier, line_discounts={0: {"discount": 100, "discount_reason": "생일"}}, total=14900
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["code"] == "invalid_discount_reason"

    with app.app_context():
        from pos.sales.models import DiscountReason

        db.session.query(DiscountReason).filter_by(name="단골 쿠폰").one().active = False
        db.session.commit()
    body = sale_body(cashier, discount=500, discount_reason="단골 쿠폰", total=14500)
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["message"] == "할인 사유 '단골 쿠폰'은 목록에 없습니다"
    assert sales_count(app) == 0


def test_a_sale_discounted_to_nothing_is_recorded_without_payments(app):
    """시식·파손 at 100 %: a manager approves, the sale is 0원 with no tender, and a 0원 sale
    with a tender or a priced sale without one is refused."""
    from support import ApiClient, new_sale_body

    cashier = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        cashier,
        [("수제 마들렌", 1, [])],
        [],
        discount_pct=100,
        discount_reason="시식·파손",
        approver={"username": "manager", "pin": "2580"},
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert (sale["total"], sale["discount"], sale["payments"]) == (0, 2500, [])
    assert sale["taxable"] + sale["vat"] + sale["exempt"] == 0
    again = cashier.post("/api/sales", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == sale["id"]
    # the e-receipt page and the paper receipt both make a 0원 receipt
    url = sale["receipt_url"].split("receipts.example.kr", 1)[1]
    page = cashier.get(url)
    assert page.status_code == 200 and "시식·파손" in page.get_data(as_text=True)
    out = app.test_cli_runner().invoke(args=["receipt", sale["id"]])
    assert out.exit_code == 0, out.output
    unpaid = new_sale_body(cashier, [("수제 마들렌", 1, [])], [])
    refused = cashier.post("/api/sales", json=unpaid)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "payment_mismatch"


def test_the_sale_page_names_each_discount_once(app):
    """A line's own discount beside the line, the order's in the totals: never the order's
    share counted again on every line (10,000 − 500 − 950 = 8,550)."""
    from support import ApiClient, new_sale_body

    cashier = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(cashier, [("수제 마들렌", 2, []), ("유자차", 1, [("온도", "HOT")])], [])
    body["lines"][0].update(discount=500, discount_reason="직원 할인")
    body.update(discount_pct=10, discount_reason="단골 쿠폰")
    body["payments"] = [{"method": "cash", "amount": 8550}]
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert (sale["discount"], sale["order_discount"], sale["total"]) == (1450, 950, 8550)
    manager = ApiClient(app, "manager", password="manager1234")
    page = manager.get(f"/admin/sales/{sale['id']}").get_data(as_text=True)
    assert "할인 -500원 (직원 할인)" in page
    assert "<dt>상품 할인</dt><dd>-500원</dd>" in page
    assert "<dt>주문 할인 (단골 쿠폰)</dt><dd>-950원</dd>" in page
    assert page.count("할인 -") == 1  # only the 마들렌 line carries a discount of its own

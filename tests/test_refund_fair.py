"""Refunds at a fair (issue 7, DESIGN §5 settlement row): the live board and the settlement
take them off, worked out BY HAND on the HAND fair of test_fairs_settlement.

S1  A1×2 24,000 + B1×1 13,000 = 37,000; cash 17,000 + card 20,000
    → A cash 11,027 card 12,973; B cash 5,973 card 7,027 (see test_fairs_settlement).
S3  A2×1 5,000 + C1×1 6,000 = 11,000 − 500 → A 4,773, C 5,727; local_currency 10,500.
R1  S1 line 1, one 건표고 of two: 24,000 × 1/2 = 12,000, back by card (취소 승인번호).
R2  S3 line 2, the 비누: its net 5,727, back as local_currency.
A: sold 3 − 1 = 2, gross 28,773 − 12,000 = 16,773, refunds 12,000,
   cash 11,027, card 12,973 − 12,000 = 973, local 4,773; commission 1,677.3 → 1,677,
   payable 15,096.
B: sold 1, gross 13,000, cash 5,973, card 7,027; 12.5 % → 1,625, payable 11,375.
C: sold 0, gross 0, refunds 5,727, local 0; commission 0, payable 0.
Board: gross 47,500 − 17,727 = 29,773; A1 sold 1 left 9 (one back on the table), C1 sold 0
left 10. Counted after close A1 9, A2 9, B1 9, C1 10: variance 0 everywhere.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from support import ApiClient
from test_fairs_settlement import URL, hand  # noqa: F401  (the HAND fair fixture)

from inventory.fairs.models import Fair
from inventory.fairs.schemas import SettlementOut
from pos.db import db
from pos.fairs.board import board_fingerprint
from pos.sites import Site


def sale(api, ids, lines, payments, discount=0) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": ids[s], "qty": q, "options": []} for s, q in lines],
        "discount": discount,
        "payments": payments,
    }
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def give_back(api, sale_id, lines, payments) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "lines": [{"line": line, "qty": qty} for line, qty in lines],
        "reason": "불량",
        "payments": payments,
    }
    resp = api.post(f"/api/sales/{sale_id}/refund", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def fingerprint(app):
    with app.app_context():
        site = db.session.scalars(select(Site).where(Site.code == "HAND")).one()
        fair = db.session.get(Fair, site.id)
        return board_fingerprint(fair)


def products(board) -> dict:
    return {p["sku"]: p for v in board["vendors"] for p in v["products"]}


def test_board_and_settlement_take_refunds_off(hand):  # noqa: F811
    app = hand
    api = ApiClient(app, "admin", password="admin1234")
    ids, brn = app.ids, app.brn
    assert api.post(f"{URL}/open", json={}).status_code == 200
    s1 = sale(
        api,
        ids,
        [("A1", 2), ("B1", 1)],
        [
            {"method": "cash", "amount": 17000},
            {"method": "card", "amount": 20000, "approval_no": "1"},
        ],
    )
    s3 = sale(
        api,
        ids,
        [("A2", 1), ("C1", 1)],
        [{"method": "local_currency", "amount": 10500}],
        discount=500,
    )
    board = api.get(f"{URL}/board").get_json()
    assert board["gross"] == 47500 and products(board)["H-A1"]["sold"] == 2
    mark = fingerprint(app)

    r1 = give_back(
        api, s1["id"], [(1, 1)], [{"method": "card", "amount": 12000, "approval_no": "C1"}]
    )
    assert r1["total"] == 12000
    assert fingerprint(app) != mark
    r2 = give_back(api, s3["id"], [(2, 1)], [{"method": "local_currency", "amount": 5727}])
    assert r2["total"] == 5727

    board = api.get(f"{URL}/board").get_json()
    assert board["gross"] == 29773
    assert board["sales"] == 2
    by_vendor = {v["name"]: v["gross"] for v in board["vendors"]}
    assert by_vendor == {
        "산청지역자활센터": 16773,
        "김해지역자활센터": 13000,
        "마산지역자활센터": 0,
    }
    goods = products(board)
    assert (goods["H-A1"]["sold"], goods["H-A1"]["left"]) == (1, 9)
    assert (goods["H-A2"]["sold"], goods["H-B1"]["sold"]) == (1, 1)
    assert (goods["H-C1"]["sold"], goods["H-C1"]["left"]) == (0, 10)
    assert sum(h["gross"] for h in board["per_hour"]) == 29773

    assert api.post(f"{URL}/close", json={}).status_code == 200
    for vendor, counted in (
        ("산청지역자활센터", {"A1": 9, "A2": 9}),
        ("김해지역자활센터", {"B1": 9}),
        ("마산지역자활센터", {"C1": 10}),
    ):
        body = {
            "id": str(uuid.uuid4()),
            "brn": brn[vendor],
            "lines": [{"product_id": ids[s], "counted": n} for s, n in counted.items()],
        }
        assert api.post(f"{URL}/counts", json=body).status_code == 201
    got = api.get(f"{URL}/settlement").get_json()
    SettlementOut.model_validate(got)
    rows = {v["name"]: v for v in got["vendors"]}

    def nonzero(split):
        return {m: won for m, won in split.items() if won}

    a, b, c = rows["산청지역자활센터"], rows["김해지역자활센터"], rows["마산지역자활센터"]
    assert (a["sold"], a["gross"], a["refunds"], a["commission"], a["payable"]) == (
        2,
        16773,
        12000,
        1677,
        15096,
    )
    assert nonzero(a["by_method"]) == {"cash": 11027, "card": 973, "local_currency": 4773}
    assert (a["brought"], a["returned"], a["variance"]) == (20, 18, 0)
    assert (b["sold"], b["gross"], b["refunds"], b["commission"], b["payable"]) == (
        1,
        13000,
        0,
        1625,
        11375,
    )
    assert nonzero(b["by_method"]) == {"cash": 5973, "card": 7027}
    assert (c["sold"], c["gross"], c["refunds"], c["payable"], c["variance"]) == (0, 0, 5727, 0, 0)
    assert nonzero(c["by_method"]) == {}
    totals = got["totals"]
    assert (totals["sold"], totals["gross"], totals["refunds"], totals["payable"]) == (
        3,
        29773,
        17727,
        26471,
    )
    assert nonzero(totals["by_method"]) == {
        "cash": 17000,
        "card": 8000,
        "local_currency": 4773,
    }
    assert sum(totals["by_method"].values()) == totals["gross"]


def test_joint_checkout_refund_prints_one_receipt_per_vendor(hand):  # noqa: F811
    """A refund of lines of two vendors: a 반품 영수증 each, numbered like the sale's receipts,
    the money back split over them in the order of the refund's payments."""
    from escpos_decoder import decode_escpos

    from pos.refunds.printing import refund_documents, render_refund
    from pos.refunds.record import load_refund
    from pos.sales.record import load_sale_record

    app = hand
    api = ApiClient(app, "admin", password="admin1234")
    assert api.post(f"{URL}/open", json={}).status_code == 200
    s1 = sale(
        api,
        app.ids,
        [("A1", 2), ("B1", 1)],
        [
            {"method": "cash", "amount": 17000},
            {"method": "card", "amount": 20000, "approval_no": "1"},
        ],
    )
    out = give_back(
        api,
        s1["id"],
        [(1, 1), (2, 1)],
        [
            {"method": "cash", "amount": 15000},
            {"method": "card", "amount": 10000, "approval_no": "C55"},
        ],
    )
    assert [r["receipt_no"] for r in out["receipts"]] == [
        out["receipt_no"] + "-1",
        out["receipt_no"] + "-2",
    ]
    assert [r["original_receipt_no"] for r in out["receipts"]] == [
        r["receipt_no"] for r in s1["receipts"]
    ]
    assert [r["total"] for r in out["receipts"]] == [12000, 13000]
    with app.app_context():
        refund = load_refund(out["id"])
        docs = refund_documents(refund, load_sale_record(s1["id"]))
        assert [d.total for d in docs] == [-12000, -13000]
        assert [[(p.method, p.amount) for p in d.payments] for d in docs] == [
            [("현금 환불", -12000)],
            [("현금 환불", -3000), ("카드 환불", -10000)],
        ]
        assert [d.header.name for d in docs] == ["산청지역자활센터", "김해지역자활센터"]
        stream = decode_escpos(render_refund(refund, load_sale_record(s1["id"])))
    hangul = " ".join(stream.hangul_segments)
    assert hangul.count("반품 영수증") == 2
    assert "산청지역자활센터" in hangul and "김해지역자활센터" in hangul
    text = "\n".join(stream.lines)
    assert "-12,000원" in text and "-13,000원" in text and "C55" in text


def test_a_closed_fairs_sales_are_not_refunded(hand):  # noqa: F811
    app = hand
    api = ApiClient(app, "admin", password="admin1234")
    assert api.post(f"{URL}/open", json={}).status_code == 200
    s = sale(api, app.ids, [("B1", 1)], [{"method": "cash", "amount": 13000}])
    assert api.post(f"{URL}/close", json={}).status_code == 200
    body = {"id": str(uuid.uuid4()), "reason": "늦은 반품"}
    body["payments"] = [{"method": "cash", "amount": 13000}]
    resp = api.post(f"/api/sales/{s['id']}/refund", json=body)
    assert resp.status_code == 409
    err = resp.get_json()["error"]
    assert err["code"] == "fair_closed" and "조정" in err["message"]

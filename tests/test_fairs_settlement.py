"""Settlement arithmetic for a fair with 3 vendors, mixed 과세/면세, split payments and two
commission rates, checked against figures worked out BY HAND (below), not by the code.

The fair HAND: 산청 (A, default 10 %), 김해 (B, 12.5 %), 마산 (C, default 10 %).
Goods in: A1 건표고 12,000 면세 ×10, A2 표고칩 5,000 과세 ×10, B1 참기름 13,000 과세 ×10,
C1 비누 6,000 과세 ×10.

S1  A1×2 24,000 + B1×1 13,000 = 37,000; cash 17,000 + card 20,000.
    The tenders over the two receipts (largest remainder, as the receipts print them):
    cash: 17,000×24,000/37,000 = 11,027.03 → 11,027; 17,000×13,000/37,000 = 5,972.97 → 5,972;
    one won left goes to the larger fraction (B): A 11,027, B 5,973.
    card takes the rest: A 24,000 − 11,027 = 12,973, B 13,000 − 5,973 = 7,027.
S2  C1×3 18,000 − discount 1,000 = 17,000; zeropay.
S3  A2×1 5,000 + C1×1 6,000 = 11,000 − discount 500: shares 500×5/11 = 227.27 → 227 and
    500×6/11 = 272.73 → 272, the left won to the larger fraction (C) → 273.
    A 4,773, C 5,727; local_currency 10,500.
S4  B1×2 26,000 − discount 4 = 25,996; card.

A: sold 3, gross 24,000 + 4,773 = 28,773; cash 11,027, card 12,973, local 4,773;
   commission 10 % = 2,877.3 → 2,877; payable 25,896.
B: sold 3, gross 13,000 + 25,996 = 38,996; cash 5,973, card 7,027 + 25,996 = 33,023;
   commission 12.5 % = 4,874.5 → half up 4,875; payable 34,121.
C: sold 4, gross 17,000 + 5,727 = 22,727; zeropay 17,000, local 5,727;
   commission 10 % = 2,272.7 → 2,273; payable 20,454.
Counted after close: A1 8, A2 8 (one missing), B1 7, C1 6.
A: brought 20, returned 16, variance 20 − 3 − 16 = 1; B: 10, 7, 0; C: 10, 6, 0.
Totals: brought 40, sold 10, returned 29, variance 1, gross 90,496, commission 10,025,
payable 80,471; cash 17,000, card 45,996, zeropay 17,000, local_currency 10,500.
"""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from escpos_decoder import decode_escpos
from openpyxl import load_workbook
from sqlalchemy import select
from support import ApiClient

from inventory.fairs.schemas import SettlementOut
from inventory.fairs.service import check_in, create_fair, set_vendor
from inventory.models import Product, Vendor
from pos.db import db

URL = "/api/fairs/HAND"
GOODS = {
    "A1": ("산청지역자활센터", "건표고 100g", 12000, "exempt"),
    "A2": ("산청지역자활센터", "표고칩", 5000, "taxable"),
    "B1": ("김해지역자활센터", "참기름", 13000, "taxable"),
    "C1": ("마산지역자활센터", "비누", 6000, "taxable"),
}


@pytest.fixture
def hand(app_factory, backend, tmp_path):
    app = app_factory(backend, POS_SITE="HAND", PRINTER_URL=f"file://{tmp_path}/slip.bin")
    with app.app_context():
        brn = {v.name: v.brn for v in db.session.scalars(select(Vendor))}
        fair = create_fair(
            "HAND",
            name="손셈 장터",
            date=date(2024, 5, 3),
            opens="10:00",
            closes="17:00",
            organiser_brn=brn["경남광역자활센터"],
            commission_pct="10",
        )
        set_vendor(fair, brn["산청지역자활센터"], "A-1")
        set_vendor(fair, brn["김해지역자활센터"], "A-2", "12.5")
        set_vendor(fair, brn["마산지역자활센터"], "A-3")
        ids = {}
        for sku, (vendor, name, price, tax) in GOODS.items():
            vid = db.session.execute(select(Vendor.id).where(Vendor.name == vendor)).scalar()
            p = Product(
                sku=f"H-{sku}", name=name, price=price, tax=tax, vendor_id=vid, track_stock=True
            )
            db.session.add(p)
            db.session.flush()
            ids[sku] = p.id
        for vendor, skus in (("산청", ["A1", "A2"]), ("김해", ["B1"]), ("마산", ["C1"])):
            lines = [(ids[s], 10) for s in skus]
            check_in(fair, str(uuid.uuid4()), brn[f"{vendor}지역자활센터"], lines, user_id=None)
        db.session.commit()
    app.ids = ids
    app.brn = brn
    return app


def _sale(api, ids, lines, payments, discount=0):
    body = {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": ids[s], "qty": q, "options": []} for s, q in lines],
        "discount": discount,
        "payments": payments,
    }
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()


def _run_the_day(app) -> ApiClient:
    api = ApiClient(app, "admin", password="admin1234")
    ids, brn = app.ids, app.brn
    assert api.post(f"{URL}/open", json={}).status_code == 200
    _sale(
        api,
        ids,
        [("A1", 2), ("B1", 1)],
        [
            {"method": "cash", "amount": 17000},
            {"method": "card", "amount": 20000, "approval_no": "1"},
        ],
    )
    _sale(api, ids, [("C1", 3)], [{"method": "zeropay", "amount": 17000}], discount=1000)
    _sale(
        api,
        ids,
        [("A2", 1), ("C1", 1)],
        [{"method": "local_currency", "amount": 10500}],
        discount=500,
    )
    _sale(
        api, ids, [("B1", 2)], [{"method": "card", "amount": 25996, "approval_no": "2"}], discount=4
    )
    assert api.post(f"{URL}/close", json={}).status_code == 200
    for vendor, counted in (
        ("산청지역자활센터", {"A1": 8, "A2": 8}),
        ("김해지역자활센터", {"B1": 7}),
        ("마산지역자활센터", {"C1": 6}),
    ):
        body = {
            "id": str(uuid.uuid4()),
            "brn": brn[vendor],
            "lines": [{"product_id": ids[s], "counted": n} for s, n in counted.items()],
        }
        resp = api.post(f"{URL}/counts", json=body)
        assert resp.status_code == 201, resp.get_json()
    return api


HAND_ROWS = {
    "산청지역자활센터": dict(
        booth="A-1",
        brought=20,
        sold=3,
        returned=16,
        variance=1,
        gross=28773,
        refunds=0,
        by_method={"cash": 11027, "card": 12973, "local_currency": 4773},
        commission_pct=10,
        commission=2877,
        payable=25896,
    ),
    "김해지역자활센터": dict(
        booth="A-2",
        brought=10,
        sold=3,
        returned=7,
        variance=0,
        gross=38996,
        refunds=0,
        by_method={"cash": 5973, "card": 33023},
        commission_pct=12.5,
        commission=4875,
        payable=34121,
    ),
    "마산지역자활센터": dict(
        booth="A-3",
        brought=10,
        sold=4,
        returned=6,
        variance=0,
        gross=22727,
        refunds=0,
        by_method={"zeropay": 17000, "local_currency": 5727},
        commission_pct=10,
        commission=2273,
        payable=20454,
    ),
}
HAND_TOTALS = dict(
    brought=40,
    sold=10,
    returned=29,
    variance=1,
    gross=90496,
    refunds=0,
    commission=10025,
    payable=80471,
    by_method={"cash": 17000, "card": 45996, "zeropay": 17000, "local_currency": 10500},
)


def _nonzero(split: dict) -> dict:
    return {m: won for m, won in split.items() if won}


def test_settlement_equals_the_hand_computed_figures(hand):
    api = _run_the_day(hand)
    body = api.get(f"{URL}/settlement").get_json()
    SettlementOut.model_validate(body)  # what /api/openapi.json documents
    rows = {r["name"]: r for r in body["vendors"]}
    assert list(rows) == list(HAND_ROWS)
    for name, want in HAND_ROWS.items():
        got = rows[name]
        assert got["brn"] == hand.brn[name]
        for key, value in want.items():
            if key == "by_method":
                assert _nonzero(got[key]) == value, name
            else:
                assert got[key] == value, (name, key)
        assert sum(got["by_method"].values()) == got["gross"]
    totals = body["totals"]
    for key, value in HAND_TOTALS.items():
        got = _nonzero(totals[key]) if key == "by_method" else totals[key]
        assert got == value, key
    # the board agrees: 90,496 taken over 4 sales
    board = api.get(f"{URL}/board").get_json()
    assert (board["gross"], board["sales"]) == (90496, 4)
    assert {v["name"]: v["gross"] for v in board["vendors"]} == {
        n: r["gross"] for n, r in HAND_ROWS.items()
    }


def test_xlsx_equals_the_json(hand):
    api = _run_the_day(hand)
    data = api.get(f"{URL}/settlement").get_json()
    resp = api.get(f"{URL}/settlement.xlsx")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[1])
    col = {h: i for i, h in enumerate(header)}
    for h in ("부스", "공급자", "가져온 수량", "판매 수량", "판매액", "수수료", "지급액"):
        assert h in col
    body = rows[2:]
    assert len(body) == len(data["vendors"]) + 1
    for row, want in zip(body, data["vendors"], strict=False):
        assert row[col["공급자"]] == want["name"]
        assert row[col["지급액"]] == want["payable"] == HAND_ROWS[want["name"]]["payable"]
        assert row[col["판매액"]] == want["gross"]
        assert row[col["판매 수량"]] == want["sold"]
        assert row[col["돌려받은 수량"]] == want["returned"]
        assert row[col["차이"]] == want["variance"]
        assert row[col["수수료"]] == want["commission"]
        assert row[col["판매액(카드)"]] == want["by_method"]["card"]
        assert isinstance(row[col["지급액"]], int)
    totals = body[-1]
    assert totals[col["부스"]] == "합계"
    assert totals[col["지급액"]] == 80471 and totals[col["판매액"]] == 90496


def test_printer_slip_per_vendor(hand, tmp_path):
    api = _run_the_day(hand)
    resp = api.post(f"{URL}/settlement/print", json={"brn": hand.brn["김해지역자활센터"]})
    assert resp.status_code == 200, resp.get_json()
    data = (tmp_path / "slip.bin").read_bytes()
    text = " ".join(decode_escpos(data).hangul_segments)
    assert "김해지역자활센터" in text and "지급액" in text and "산청" not in text
    assert b"34,121" in data
    outsider = api.post(f"{URL}/settlement/print", json={"brn": hand.brn["인천광역자활센터"]})
    assert outsider.status_code == 422


def test_no_printer_is_a_korean_refusal(app_factory):
    app = app_factory("sqlite", POS_SITE="GN-FAIR")
    api = ApiClient(app, "organiser", pin="1357")
    resp = api.post("/api/fairs/GN-FAIR/settlement/print", json={})
    assert resp.status_code == 409
    assert "프린터" in resp.get_json()["error"]["message"]


def test_commission_rounds_half_up_in_integers():
    from pos.fairs.settlement import commission

    assert commission(38996, 1250) == 4875  # 4,874.5
    assert commission(38995, 1250) == 4874  # 4,874.375
    assert commission(10, 5000) == 5
    assert commission(1, 5000) == 1  # 0.5 → 1
    assert commission(0, 1000) == 0
    assert commission(10**15 + 1, 1) == 100_000_000_000  # 100,000,000,000.0001

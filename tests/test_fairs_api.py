"""The fair API (DESIGN §5 Fairs rows) against the demo fair GN-FAIR: every contract row and the
bad input of issue 6 that is the fair's (a clear Korean refusal that changes nothing)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from support import ApiClient

from inventory.fairs.models import Consignment, Fair, FairCount
from inventory.fairs.schemas import BoardOut, BoothOut, FairOut
from inventory.fairs.service import ALL_METHODS
from inventory.models import Product, Site, StockLevel, StockMove, Vendor
from pos.auth.models import User
from pos.db import db
from pos.sales.enums import PaymentMethod
from pos.sales.models import Sale

HANGUL = re.compile(r"[가-힣]")
URL = "/api/fairs/GN-FAIR"


@pytest.fixture
def fair_app(app_factory, backend):
    app = app_factory(backend, POS_SITE="GN-FAIR")
    with app.app_context():
        site = db.session.execute(select(Site).where(Site.code == "GN-FAIR")).scalar_one()
        cashier = User(username="faircashier", display_name="부스 계산원", role="cashier")
        cashier.site_id = site.id
        cashier.set_pin("4321")
        db.session.add(cashier)
        db.session.commit()
    return app


@pytest.fixture
def org(fair_app):
    return ApiClient(fair_app, "organiser", pin="1357")


def brn_of(app, name: str) -> str:
    with app.app_context():
        return db.session.execute(select(Vendor.brn).where(Vendor.name == name)).scalar_one()


def product(app, sku: str) -> int:
    with app.app_context():
        return db.session.execute(select(Product.id).where(Product.sku == sku)).scalar_one()


def on_hand(app, sku: str) -> int:
    with app.app_context():
        site = db.session.execute(select(Site.id).where(Site.code == "GN-FAIR")).scalar_one()
        return (
            db.session.execute(
                select(StockLevel.on_hand)
                .join(Product, Product.id == StockLevel.product_id)
                .where(StockLevel.site_id == site, Product.sku == sku)
            ).scalar()
            or 0
        )


def moves(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(StockMove)).scalar_one()


def sale(app, lines, payments=None) -> dict:
    """A sale body: lines [(sku, qty)], paid cash exactly unless payments are given."""
    with app.app_context():
        prices = dict(db.session.execute(select(Product.sku, Product.price)).all())
    total = sum(prices[sku] * qty for sku, qty in lines)
    return {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": product(app, sku), "qty": q, "options": []} for sku, q in lines],
        "payments": payments or [{"method": "cash", "amount": total}],
    }


def refused(resp, status: int, code: str | None = None, field: str | None = None) -> dict:
    body = resp.get_json()
    assert resp.status_code == status, body
    err = body["error"]
    if code:
        assert err["code"] == code, err
    if field:
        assert err["field"] == field, err
    assert HANGUL.search(err["message"]), err
    return err


def test_payment_methods_agree_with_the_sales_enum():
    assert ALL_METHODS == tuple(m.value for m in PaymentMethod)


def test_get_fair_is_the_contract_shape(org, fair_app):
    body = org.get(URL).get_json()
    assert set(body) == {
        "code",
        "name",
        "place",
        "date",
        "opens",
        "closes",
        "rain_date",
        "state",
        "commission_pct",
        "payment_methods",
        "vendors",
    }
    assert body["code"] == "GN-FAIR"
    assert (body["date"], body["opens"], body["closes"]) == ("2024-05-03", "10:00", "17:00")
    assert body["rain_date"] == "2024-05-02" and body["place"] == "경남도청 신관 앞"
    assert body["state"] == "planned" and body["commission_pct"] == 10
    assert body["payment_methods"] == list(ALL_METHODS)
    vendors = {v["name"]: v for v in body["vendors"]}
    assert len(vendors) >= 8
    assert vendors["산청지역자활센터"] == {
        "brn": brn_of(fair_app, "산청지역자활센터"),
        "name": "산청지역자활센터",
        "booth": "A-1",
        "commission_pct": 10,
    }
    assert vendors["김해지역자활센터"]["commission_pct"] == 5
    assert vendors["거제지역자활센터"]["commission_pct"] == 7.5
    listed = org.get("/api/fairs").get_json()["fairs"]
    assert [f["code"] for f in listed] == ["GN-FAIR"]


def test_unknown_fair_and_a_cafe_are_not_fairs(org):
    refused(org.get("/api/fairs/NOPE"), 404, "fair_not_found")


def test_vendor_booth_and_commission(org, fair_app):
    brn = brn_of(fair_app, "경남광역자활센터")
    resp = org.post(f"{URL}/vendors", json={"brn": brn, "booth": "C-1"})
    assert resp.status_code == 200, resp.get_json()
    added = {v["brn"]: v for v in resp.get_json()["vendors"]}[brn]
    assert added["booth"] == "C-1" and added["commission_pct"] == 10  # the fair's default
    resp = org.post(f"{URL}/vendors", json={"brn": brn, "booth": "C-2", "commission_pct": 12.25})
    added = {v["brn"]: v for v in resp.get_json()["vendors"]}[brn]
    assert (added["booth"], added["commission_pct"]) == ("C-2", 12.25)
    before = org.get(URL).get_json()
    refused(
        org.post(f"{URL}/vendors", json={"brn": brn, "booth": "C-2", "commission_pct": 1.005}),
        422,
        "invalid",
        "commission_pct",
    )
    refused(
        org.post(f"{URL}/vendors", json={"brn": brn, "booth": "C-2", "commission_pct": 101}),
        422,
    )
    refused(org.post(f"{URL}/vendors", json={"brn": brn, "booth": "A-1"}), 409, "booth_taken")
    refused(org.post(f"{URL}/vendors", json={"brn": "1234567890", "booth": "Z-1"}), 422)
    assert org.get(URL).get_json() == before


def test_consignment_is_idempotent_and_books_consign_in(org, fair_app):
    brn = brn_of(fair_app, "마산지역자활센터")
    pid = product(fair_app, "GNF-MS2")
    before = on_hand(fair_app, "GNF-MS2")
    body = {"id": str(uuid.uuid4()), "brn": brn, "lines": [{"product_id": pid, "qty": 5}]}
    resp = org.post(f"{URL}/consignments", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["lines"] == [{"product_id": pid, "qty": 5}]
    assert on_hand(fair_app, "GNF-MS2") == before + 5
    again = org.post(f"{URL}/consignments", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    assert on_hand(fair_app, "GNF-MS2") == before + 5
    other = {**body, "lines": [{"product_id": pid, "qty": 6}]}
    refused(org.post(f"{URL}/consignments", json=other), 409, "id_conflict")
    with fair_app.app_context():
        refs = db.session.scalars(
            select(StockMove.reason).where(StockMove.ref == f"consignment:{body['id']}")
        ).all()
        assert refs == ["consign_in"]
    signed = org.post(f"{URL}/consignments/{body['id']}/sign", json={"signed_by": "문마산"})
    assert signed.status_code == 200 and signed.get_json()["signed_by"] == "문마산"


@pytest.mark.parametrize(
    "qty, field",
    [(0, "lines.0.qty"), (-3, "lines.0.qty"), ("3", "lines.0.qty"), (2.5, "lines.0.qty")],
)
def test_bad_consignment_quantities_change_nothing(org, fair_app, qty, field):
    brn = brn_of(fair_app, "마산지역자활센터")
    pid = product(fair_app, "GNF-MS2")
    n = moves(fair_app)
    body = {"id": str(uuid.uuid4()), "brn": brn, "lines": [{"product_id": pid, "qty": qty}]}
    refused(org.post(f"{URL}/consignments", json=body), 422, "invalid", field)
    assert moves(fair_app) == n
    with fair_app.app_context():
        assert db.session.get(Consignment, body["id"]) is None


def test_consigning_another_vendors_product_is_refused(org, fair_app):
    brn = brn_of(fair_app, "마산지역자활센터")
    n = moves(fair_app)
    lines = [
        {"product_id": product(fair_app, "GNF-MS1"), "qty": 2},
        {"product_id": product(fair_app, "GNF-GH1"), "qty": 2},  # 김해's 참기름
    ]
    body = {"id": str(uuid.uuid4()), "brn": brn, "lines": lines}
    refused(org.post(f"{URL}/consignments", json=body), 422, "wrong_vendor", "lines.1.product_id")
    assert moves(fair_app) == n
    # a vendor that does not take part in the fair
    body = {**body, "id": str(uuid.uuid4()), "brn": brn_of(fair_app, "인천광역자활센터")}
    body["lines"] = [{"product_id": product(fair_app, "D001"), "qty": 1}]
    refused(org.post(f"{URL}/consignments", json=body), 422, "not_fair_vendor", "brn")
    assert moves(fair_app) == n


def test_states_and_sales(org, fair_app):
    cash = sale(fair_app, [("GNF-MS3", 2)])
    refused(org.post("/api/sales", json=cash), 409, "fair_not_open")
    refused(org.post(f"{URL}/close", json={}), 409, "fair_not_open")
    opened = org.post(f"{URL}/open", json={})
    assert opened.status_code == 200 and opened.get_json()["state"] == "open"
    refused(org.post(f"{URL}/open", json={}), 409, "already_open")
    placed = org.post("/api/sales", json=cash)
    assert placed.status_code == 201, placed.get_json()
    closed = org.post(f"{URL}/close", json={})
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    refused(org.post(f"{URL}/close", json={}), 409, "already_closed")
    refused(org.post(f"{URL}/open", json={}), 409, "fair_closed")
    left = on_hand(fair_app, "GNF-MS3")
    refused(org.post("/api/sales", json=sale(fair_app, [("GNF-MS3", 1)])), 409, "fair_not_open")
    assert on_hand(fair_app, "GNF-MS3") == left
    # a tablet's retry of the sale placed while open still gets its sale
    again = org.post("/api/sales", json=cash)
    assert again.status_code == 200 and again.get_json()["id"] == cash["id"]
    body = {
        "id": str(uuid.uuid4()),
        "brn": brn_of(fair_app, "마산지역자활센터"),
        "lines": [{"product_id": product(fair_app, "GNF-MS3"), "qty": 1}],
    }
    refused(org.post(f"{URL}/consignments", json=body), 409, "fair_closed")
    refused(
        org.post(f"{URL}/vendors", json={"brn": body["brn"], "booth": "Z-9"}), 409, "fair_closed"
    )


def test_narrowed_payment_methods(org, fair_app):
    with fair_app.app_context():
        site = db.session.execute(select(Site.id).where(Site.code == "GN-FAIR")).scalar_one()
        db.session.get(Fair, site).payment_methods = "cash,card,local_currency"
        db.session.commit()
    assert org.get(URL).get_json()["payment_methods"] == ["cash", "card", "local_currency"]
    org.post(f"{URL}/open", json={})
    body = sale(fair_app, [("GNF-MS3", 1)], [{"method": "zeropay", "amount": 3000}])
    err = refused(
        org.post("/api/sales", json=body), 422, "method_not_accepted", "payments.0.method"
    )
    assert "제로페이" in err["message"]
    split = [{"method": "cash", "amount": 1000}, {"method": "onnuri", "amount": 2000}]
    refused(
        org.post("/api/sales", json=sale(fair_app, [("GNF-MS3", 1)], split)),
        422,
        "method_not_accepted",
        "payments.1.method",
    )
    ok = [{"method": "local_currency", "amount": 3000}]
    assert org.post("/api/sales", json=sale(fair_app, [("GNF-MS3", 1)], ok)).status_code == 201


def _count_body(app, counted: dict[str, int], vendor="마산지역자활센터") -> dict:
    return {
        "id": str(uuid.uuid4()),
        "brn": brn_of(app, vendor),
        "lines": [{"product_id": product(app, s), "counted": n} for s, n in counted.items()],
    }


def test_counts_after_close_return_the_remainder(org, fair_app):
    body = _count_body(fair_app, {"GNF-MS1": 20, "GNF-MS2": 14, "GNF-MS3": 50})
    refused(org.post(f"{URL}/counts", json=body), 409, "fair_not_closed")
    org.post(f"{URL}/open", json={})
    assert org.post("/api/sales", json=sale(fair_app, [("GNF-MS3", 3)])).status_code == 201
    org.post(f"{URL}/close", json={})
    n = moves(fair_app)
    for bad in ("열다섯", "15개", "1e3", None):
        letters = _count_body(fair_app, {"GNF-MS1": 20})
        letters["lines"][0]["counted"] = bad
        err = refused(org.post(f"{URL}/counts", json=letters), 422, "invalid", "lines.0.counted")
        assert "센 수량" in err["message"]
    negative = _count_body(fair_app, {"GNF-MS1": -1, "GNF-MS2": 14, "GNF-MS3": 45})
    refused(org.post(f"{URL}/counts", json=negative), 422, "invalid", "lines.0.counted")
    partial = _count_body(fair_app, {"GNF-MS1": 20})
    err = refused(org.post(f"{URL}/counts", json=partial), 422, "count_incomplete")
    assert "업사이클 에코백" in err["message"]
    assert moves(fair_app) == n
    # 47 were left of 천연 수세미; 45 counted: variance 2
    body = _count_body(fair_app, {"GNF-MS1": 20, "GNF-MS2": 15, "GNF-MS3": 45})
    resp = org.post(f"{URL}/counts", json=body)
    assert resp.status_code == 201, resp.get_json()
    lines = {ln["product_id"]: ln for ln in resp.get_json()["lines"]}
    sponge = lines[product(fair_app, "GNF-MS3")]
    assert (sponge["expected"], sponge["counted"], sponge["variance"]) == (47, 45, 2)
    for sku in ("GNF-MS1", "GNF-MS2", "GNF-MS3"):
        assert on_hand(fair_app, sku) == 0
    again = org.post(f"{URL}/counts", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    second = _count_body(fair_app, {"GNF-MS1": 0, "GNF-MS2": 0, "GNF-MS3": 0})
    refused(org.post(f"{URL}/counts", json=second), 409, "already_counted")
    changed = {**body, "lines": body["lines"][:2]}
    refused(org.post(f"{URL}/counts", json=changed), 409, "id_conflict")
    with fair_app.app_context():
        assert db.session.get(FairCount, second["id"]) is None


def test_adjustments_are_explicit_after_close(org, fair_app):
    brn = brn_of(fair_app, "마산지역자활센터")
    pid = product(fair_app, "GNF-MS3")
    adj = {"brn": brn, "reason": "상자 하나를 늦게 찾음", "product_id": pid, "qty": 2}
    refused(org.post(f"{URL}/adjustments", json=adj), 409, "fair_not_closed")
    org.post(f"{URL}/open", json={})
    org.post(f"{URL}/close", json={})
    refused(org.post(f"{URL}/adjustments", json={**adj, "reason": "  "}), 422)
    refused(org.post(f"{URL}/adjustments", json={"brn": brn, "reason": "없음"}), 422)
    resp = org.post(f"{URL}/adjustments", json={**adj, "id": str(uuid.uuid4())})
    assert resp.status_code == 201, resp.get_json()
    assert on_hand(fair_app, "GNF-MS3") == 50  # nothing counted yet: the adjustment nets to 0
    money = {"id": str(uuid.uuid4()), "brn": brn, "reason": "현장 할인 보전", "amount": 3000}
    assert org.post(f"{URL}/adjustments", json=money).status_code == 201
    assert org.post(f"{URL}/adjustments", json=money).status_code == 200
    row = {v["brn"]: v for v in org.get(f"{URL}/settlement").get_json()["vendors"]}[brn]
    assert row["returned"] == 2 and row["adjustments"] == 3000 and row["payable"] == 3000


def test_cashier_reads_but_may_not_run_the_fair(fair_app):
    cashier = ApiClient(fair_app, "faircashier", pin="4321")
    assert cashier.get(URL).status_code == 200
    assert cashier.get(f"{URL}/board").status_code == 200
    refused(cashier.post(f"{URL}/open", json={}), 403, "forbidden")
    refused(cashier.post(f"{URL}/close", json={}), 403, "forbidden")
    refused(cashier.get(f"{URL}/settlement"), 403, "forbidden")
    brn = brn_of(fair_app, "마산지역자활센터")
    body = {"id": str(uuid.uuid4()), "brn": brn, "lines": [{"product_id": 1, "qty": 1}]}
    refused(cashier.post(f"{URL}/consignments", json=body), 403, "forbidden")


def test_an_organiser_of_another_fair_is_refused(app_factory):
    app = app_factory("sqlite", POS_SITE="GN-FAIR")
    with app.app_context():
        from inventory.fairs.service import create_fair

        create_fair(
            "FAIR2",
            name="다른 장터",
            date=__import__("datetime").date(2024, 6, 1),
            opens="10:00",
            closes="16:00",
            organiser_brn=brn_of(app, "경남광역자활센터"),
        )
        site = db.session.execute(select(Site.id).where(Site.code == "FAIR2")).scalar_one()
        other = User(username="organiser2", display_name="다른 담당", role="organiser")
        other.site_id = site
        other.set_pin("9753")
        db.session.add(other)
        db.session.commit()
    # the other fair's own server, on the same database
    there = app_factory("sqlite", POS_SITE="FAIR2")
    api = ApiClient(there, "organiser2", pin="9753")
    assert api.get("/api/fairs/FAIR2").get_json()["state"] == "planned"
    refused(api.get(URL), 403, "forbidden")
    refused(api.post(f"{URL}/open", json={}), 403, "forbidden")
    refused(api.get(f"{URL}/board"), 403, "forbidden")
    assert [f["code"] for f in api.get("/api/fairs").get_json()["fairs"]] == ["FAIR2"]
    with app.app_context():
        site = db.session.execute(select(Site.id).where(Site.code == "GN-FAIR")).scalar_one()
        assert db.session.get(Fair, site).state == "planned"


def test_booth_binding(org, fair_app):
    booth = org.get("/api/booth").get_json()
    assert booth["booth"] is None and booth["joint"] is True
    assert {v["booth"] for v in booth["vendors"]} >= {"A-1", "A-4", "A-5"}
    org.post(f"{URL}/open", json={})
    gimhae = brn_of(fair_app, "김해지역자활센터")
    bound = org.post("/api/booth", json={"brn": gimhae}).get_json()
    assert bound["booth"] == {"brn": gimhae, "name": "김해지역자활센터", "booth": "A-4"}
    err = refused(
        org.post("/api/sales", json=sale(fair_app, [("GNF-GH1", 1), ("GNF-MS3", 1)])),
        422,
        "wrong_booth",
        "lines.1.product_id",
    )
    assert "천연 수세미" in err["message"]
    assert org.post("/api/sales", json=sale(fair_app, [("GNF-GH1", 1)])).status_code == 201
    refused(
        org.post("/api/booth", json={"brn": brn_of(fair_app, "인천광역자활센터")}),
        422,
        "not_fair_vendor",
    )
    assert org.get("/api/booth").get_json()["booth"]["brn"] == gimhae
    joint = org.post("/api/booth", json={"brn": None}).get_json()
    assert joint["joint"] is True
    both = sale(fair_app, [("GNF-GH1", 1), ("GNF-MS3", 1)])
    assert org.post("/api/sales", json=both).status_code == 201


def test_booth_at_a_cafe_is_refused(app_factory):
    app = app_factory("sqlite")
    api = ApiClient(app, "cashier3", pin="1234")
    refused(api.get("/api/booth"), 409, "not_a_fair")
    # the demo fair's goods stay off the café's screen
    assert not [p for p in api.catalog().values() if p["sku"].startswith("GNF-")]


def test_board_shape(org, fair_app):
    org.post(f"{URL}/open", json={})
    assert org.post("/api/sales", json=sale(fair_app, [("GNF-HA3", 9)])).status_code == 201
    board = org.get(f"{URL}/board").get_json()
    BoardOut.model_validate(board)  # what /api/openapi.json documents
    FairOut.model_validate(org.get(URL).get_json())
    BoothOut.model_validate(org.get("/api/booth").get_json())
    assert set(board) == {"state", "gross", "sales", "per_hour", "vendors"}
    assert board["state"] == "open" and board["sales"] == 1 and board["gross"] == 180000
    hours = {h["hour"]: h["gross"] for h in board["per_hour"]}
    assert set(range(10, 17)) <= set(hours) and list(hours) == sorted(hours)
    with fair_app.app_context():
        placed = db.session.execute(select(Sale.created_at)).scalar_one()
    local = placed.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Seoul")).hour
    assert hours[local] == 180000 and sum(hours.values()) == 180000
    haman = {v["name"]: v for v in board["vendors"]}["함안지역자활센터"]
    assert set(haman) == {"brn", "name", "booth", "gross", "products"}
    assert haman["gross"] == 180000
    rice = {p["sku"]: p for p in haman["products"]}["GNF-HA3"]
    assert set(rice) == {"product_id", "sku", "name", "brought", "sold", "left", "low", "sold_out"}
    assert (rice["brought"], rice["sold"], rice["left"]) == (10, 9, 1)
    assert rice["low"] is True and rice["sold_out"] is False  # threshold 2
    soap = {p["sku"]: p for p in haman["products"]}["GNF-HA2"]
    assert (soap["low"], soap["sold_out"]) == (False, False)
    assert org.post("/api/sales", json=sale(fair_app, [("GNF-HA3", 1)])).status_code == 201
    rice = {
        p["sku"]: p for v in org.get(f"{URL}/board").get_json()["vendors"] for p in v["products"]
    }["GNF-HA3"]
    assert (rice["left"], rice["sold_out"]) == (0, True)


def test_cli_fair_add_and_vendor(app_factory):
    app = app_factory("sqlite")
    runner = app.test_cli_runner()
    organiser = brn_of(app, "경남광역자활센터")
    args = ["fair", "add", "SPRING", "--name", "봄 장터", "--date", "2024-04-01"]
    args += ["--opens", "10:00", "--closes", "16:00", "--vendor", organiser]
    result = runner.invoke(args=[*args, "--commission", "12.5", "--rain-date", "2024-04-02"])
    assert result.exit_code == 0, result.output
    assert "봄 장터" in result.output
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "이미" in again.output
    bad = runner.invoke(args=[*args[:-1], "0000000000"])
    assert bad.exit_code == 1 and HANGUL.search(bad.output)
    late = [a if a != "16:00" else "09:00" for a in args]
    late[2] = "LATE"
    assert runner.invoke(args=late).exit_code == 1
    brn = brn_of(app, "밀양지역자활센터")
    done = runner.invoke(args=["fair", "vendor", "SPRING", brn, "--booth", "D-1"])
    assert done.exit_code == 0 and "12.5%" in done.output
    with app.app_context():
        site = db.session.execute(select(Site).where(Site.code == "SPRING")).scalar_one()
        fair = db.session.get(Fair, site.id)
        assert site.kind == "fair" and fair.state == "planned" and fair.commission_bp == 1250
        assert str(fair.rain_date) == "2024-04-02"


def test_board_follows_check_ins_sales_and_sold_out_marks(org, fair_app):
    """The board reuses its answer between polls: every change must still show on the next."""

    def soap() -> dict:
        board = org.get(f"{URL}/board").get_json()
        return {p["sku"]: p for v in board["vendors"] for p in v["products"]}["GNF-HA2"]

    assert (soap()["brought"], soap()["sold_out"]) == (30, False)
    body = {
        "id": str(uuid.uuid4()),
        "brn": brn_of(fair_app, "함안지역자활센터"),
        "lines": [{"product_id": product(fair_app, "GNF-HA2"), "qty": 4}],
    }
    assert org.post(f"{URL}/consignments", json=body).status_code == 201
    assert (soap()["brought"], soap()["left"]) == (34, 34)
    org.post(f"{URL}/open", json={})
    assert org.post("/api/sales", json=sale(fair_app, [("GNF-HA2", 3)])).status_code == 201
    assert (soap()["sold"], soap()["left"]) == (3, 31)
    with fair_app.app_context():
        from inventory.site_terms import set_sold_out

        site = db.session.execute(select(Site.id).where(Site.code == "GN-FAIR")).scalar_one()
        set_sold_out(site, db.session.get(Product, product(fair_app, "GNF-HA2")), True)
        db.session.commit()
    assert soap()["sold_out"] is True
    assert org.get(f"{URL}/board").get_json()["state"] == "open"

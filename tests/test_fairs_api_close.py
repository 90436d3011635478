"""The fair API against GN-FAIR after the day and around it: counts and adjustments after
close, who may run which fair, booth binding and the live board (DESIGN §5 Fairs rows)."""

from __future__ import annotations

import uuid
from datetime import UTC
from zoneinfo import ZoneInfo

import fairs_api
from fairs_api import URL, brn_of, moves, on_hand, product, refused, sale
from sqlalchemy import select
from support import ApiClient

from inventory.fairs.models import Fair, FairCount
from inventory.fairs.schemas import BoardOut, BoothOut, FairOut
from inventory.models import Product, Site
from pos.auth.models import User
from pos.db import db
from pos.sales.models import Sale

fair_app, org = fairs_api.fair_app, fairs_api.org


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
    # another vendor's product: the body's own field is named (there is no "lines" here)
    wrong = {**adj, "product_id": product(fair_app, "GNF-GH1")}  # 김해's 참기름
    refused(org.post(f"{URL}/adjustments", json=wrong), 422, "wrong_vendor", "product_id")
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
    soap_id = product(fair_app, "GNF-HA2")  # its own app context, so outside ours (see below)
    with fair_app.app_context():
        from inventory.site_terms import set_sold_out

        # one session per thread at a time: a second one opened inside this block would wait
        # for the write lock this session already holds
        site = db.session.execute(select(Site.id).where(Site.code == "GN-FAIR")).scalar_one()
        set_sold_out(site, db.session.get(Product, soap_id), True)
        db.session.commit()
    assert soap()["sold_out"] is True
    assert org.get(f"{URL}/board").get_json()["state"] == "open"

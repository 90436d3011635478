"""The fair API (DESIGN §5 Fairs rows) against the demo fair GN-FAIR, before and during the
day: the contract shape, vendors, check-ins, states and sales, payment methods, `pos fair add`;
bad input gets a clear Korean refusal that changes nothing. After close, roles, booths and the
board: tests/test_fairs_api_close.py."""

from __future__ import annotations

import uuid

import fairs_api
import pytest
from fairs_api import HANGUL, URL, brn_of, moves, on_hand, product, refused, sale
from sqlalchemy import select
from support import ApiClient

from inventory.fairs.models import Consignment, Fair
from inventory.fairs.service import ALL_METHODS, set_payment_methods
from inventory.models import Site, StockMove
from pos.api import ApiError
from pos.db import db
from pos.sales.enums import PaymentMethod

fair_app, org = fairs_api.fair_app, fairs_api.org


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


def test_organiser_changes_the_payment_methods_on_the_overview(org, fair_app):
    """After `pos fair add`: ticked methods only, none ticked = every method, bad input and a
    closed fair change nothing; the booths read the new list from GET /api/fairs/CODE."""
    page = "/fairs/GN-FAIR"
    assert 'name="methods" value="zeropay" checked' in org.get(page).get_data(as_text=True)
    done = org.post(f"{page}/methods", data={"methods": ["transfer", "card"]})
    assert done.status_code == 302
    assert org.get(URL).get_json()["payment_methods"] == ["card", "transfer"]
    shown = org.get(page).get_data(as_text=True)
    assert "결제 수단을 저장했습니다" in shown
    assert 'value="card" checked' in shown and 'value="cash" checked' not in shown
    org.post(f"{URL}/open", json={})
    cash = sale(fair_app, [("GNF-MS3", 1)])
    refused(org.post("/api/sales", json=cash), 422, "method_not_accepted", "payments.0.method")

    # an unknown method: refused in Korean, the choice stays as it was
    bad = org.post(f"{page}/methods", data={"methods": ["card", "bitcoin"]}, follow_redirects=True)
    assert "알 수 없는 결제 수단입니다" in bad.get_data(as_text=True)
    assert org.get(URL).get_json()["payment_methods"] == ["card", "transfer"]
    cashier = ApiClient(fair_app, "faircashier", pin="4321")
    assert cashier.post(f"{page}/methods", data={"methods": ["cash"]}).status_code == 403

    # none ticked, or every one: every method again, stored as "" (new methods included)
    org.post(f"{page}/methods", data={})
    assert org.get(URL).get_json()["payment_methods"] == list(ALL_METHODS)
    org.post(f"{page}/methods", data={"methods": list(ALL_METHODS)})
    with fair_app.app_context():
        site = db.session.execute(select(Site.id).where(Site.code == "GN-FAIR")).scalar_one()
        assert db.session.get(Fair, site).payment_methods == ""
    assert org.post("/api/sales", json=sale(fair_app, [("GNF-MS3", 1)])).status_code == 201

    # closed: the settlement's methods are final
    org.post(f"{URL}/close", json={})
    shut = org.post(f"{page}/methods", data={"methods": ["cash"]}, follow_redirects=True)
    assert "마감된 행사는 결제 수단을 바꿀 수 없습니다" in shut.get_data(as_text=True)
    assert org.get(URL).get_json()["payment_methods"] == list(ALL_METHODS)
    with fair_app.app_context():
        fair = db.session.get(Fair, site)
        with pytest.raises(ApiError) as err:
            set_payment_methods(fair, ["cash"])
        assert err.value.status == 409


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

"""A joint checkout at a fair: one receipt per vendor, each with its own VAT split, and the
tenders spread so that every receipt and every payment adds up."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from escpos_decoder import decode_escpos
from sqlalchemy import select
from support import ApiClient

from inventory.fairs.models import Fair, FairVendor
from inventory.models import Product, Site, Vendor
from pos.db import db
from pos.receipts.documents import receipt_documents
from pos.sales.models import Sale
from printers import render


@pytest.fixture
def fair(app_factory, backend):
    app = app_factory(backend, POS_SITE="GN-FAIR")
    with app.app_context():
        vendors = {v.name: v for v in db.session.scalars(select(Vendor))}
        db.session.add_all(
            [
                Product(
                    sku="GH-1",
                    name="김해 단감 1kg",
                    price=5500,
                    tax="exempt",
                    vendor_id=vendors["김해지역자활센터"].id,
                ),
                Product(
                    sku="MS-1",
                    name="마산 수제 비누",
                    price=8000,
                    tax="taxable",
                    vendor_id=vendors["마산지역자활센터"].id,
                ),
            ]
        )
        # the two vendors take part in the fair, and it is open (sales need both)
        site = db.session.execute(select(Site).where(Site.code == "GN-FAIR")).scalar_one()
        fair_row = db.session.get(Fair, site.id) or Fair(
            site_id=site.id, date=date(2024, 5, 3), opens="10:00", closes="17:00"
        )
        fair_row.state = "open"
        db.session.add(fair_row)
        db.session.flush()
        for name in ("김해지역자활센터", "마산지역자활센터"):
            if db.session.get(FairVendor, (site.id, vendors[name].id)) is None:
                db.session.add(FairVendor(site_id=site.id, vendor_id=vendors[name].id))
        db.session.commit()
    return app


def test_joint_checkout_prints_one_receipt_per_vendor(fair):
    api = ApiClient(fair, "organiser", pin="1357")
    cat = api.catalog()
    body = {
        "id": str(uuid.uuid4()),
        "lines": [
            {"product_id": cat["김해 단감 1kg"]["id"], "qty": 1, "options": []},
            {"product_id": cat["마산 수제 비누"]["id"], "qty": 1, "options": []},
        ],
        "payments": [
            {"method": "cash", "amount": 1000, "tendered": 5000},
            {"method": "card", "amount": 12500, "approval_no": "77"},
        ],
    }
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    gimhae, masan = sale["receipts"]
    assert gimhae["vendor"]["name"] == "김해지역자활센터" and gimhae["total"] == 5500
    assert (gimhae["taxable"], gimhae["vat"], gimhae["exempt"]) == (0, 0, 5500)
    assert masan["vendor"]["name"] == "마산지역자활센터" and masan["total"] == 8000
    assert (masan["taxable"], masan["vat"], masan["exempt"]) == (7273, 727, 0)
    assert gimhae["receipt_no"].endswith("-1") and masan["receipt_no"].endswith("-2")
    with fair.app_context():
        docs = receipt_documents(db.session.get(Sale, body["id"]))
        assert [d.header.name for d in docs] == ["김해지역자활센터", "마산지역자활센터"]
        for doc in docs:
            assert sum(p.amount for p in doc.payments) == doc.total  # tenders add up per vendor
        assert sum(p.amount for d in docs for p in d.payments if p.method == "현금") == 1000
        changes = [p.change for d in docs for p in d.payments if p.change is not None]
        assert changes == [4000]  # change printed once, on the last receipt with cash
        hangul = " ".join(decode_escpos(render(docs[1])).hangul_segments)
        assert "마산지역자활센터" in hangul and "김해" not in hangul


def test_cafe_cashier_cannot_log_in_at_the_fair(fair):
    resp = fair.test_client().post("/api/login", json={"username": "cashier3", "pin": "1234"})
    # refused like a wrong PIN: the fair's server does not confirm the café cashier's PIN
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "bad_credentials"


def test_huge_ids_are_invalid_input(fair):
    api = ApiClient(fair, "organiser", pin="1357")
    body = {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": 2**63, "qty": 1, "options": [2**40]}],
        "payments": [{"method": "cash", "amount": 1000}],
    }
    assert api.post("/api/sales", json=body).status_code == 422
    move = {"product_id": 2**63, "qty": 1, "kind": "receive"}
    assert api.post("/api/stock/moves", json=move).status_code == 422
    with fair.app_context():
        assert (
            db.session.execute(select(Site).filter_by(code="GN-FAIR")).scalar_one().kind == "fair"
        )


def test_joint_checkout_lines_keep_the_order_sent(fair):
    api = ApiClient(fair, "organiser", pin="1357")
    products = api.get("/api/catalog").get_json()["products"]
    by_vendor: dict[str, list[dict]] = {}
    for p in products:
        if not p["option_groups"] and p["price"] > 0:
            by_vendor.setdefault(p["vendor"]["name"], []).append(p)
    (a, *_), (b, *_) = list(by_vendor.values())[:2]
    order = [a, b, a] if a["id"] != b["id"] else [a, b]
    lines = [{"product_id": p["id"], "qty": 1, "options": []} for p in order]
    total = sum(p["price"] for p in order)
    body = {
        "id": str(uuid.uuid4()),
        "lines": lines,
        "payments": [{"method": "cash", "amount": total}],
    }
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sent = [line["product_id"] for line in lines]
    assert [ln["product_id"] for ln in resp.get_json()["lines"]] == sent
    again = api.get(f"/api/sales/{body['id']}").get_json()
    assert [ln["product_id"] for ln in again["lines"]] == sent
    assert len(again["receipts"]) == 2

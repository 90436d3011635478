"""A branch applies central's pull document (pos.sync.pull.apply_catalog): by identity key and
in place, so local ids stay, a cart in progress still sells (at the new price) and old sales
keep their snapshot; applying twice changes nothing; a bad document changes nothing; a branch
made with only ``pos init`` gets its site, vendors, catalog and users and sells."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support import ApiClient
from sync_catalog_kit import apply, dispose, fresh_branch, pull, token_for

from inventory.models import Category, Option, OptionGroup, Product, SiteProduct, Vendor
from pos.auth.models import User
from pos.db import db
from pos.sites import Site
from pos.sync.pull import CatalogRejected, apply_catalog

REFUSED = "받은 카탈로그를 적용하지 않았습니다: "


def uids(app, model, key) -> dict:
    with app.app_context():
        return dict(db.session.execute(select(key, model.uid)).all())


def ids(app) -> dict:
    with app.app_context():
        return dict(db.session.execute(select(Product.uid, Product.id)).all())


@pytest.fixture
def pair(app_factory):
    """A central on PostgreSQL and a branch (3호점) on SQLite, both loaded with ``pos demo``."""
    central = app_factory("postgresql", POS_ROLE="central")
    branch = app_factory("sqlite")
    return central, branch, token_for(central)


def test_demo_data_has_the_same_uids_on_central_and_branch(pair):
    central, branch, _ = pair
    for model, key in (
        (Product, Product.sku),
        (Category, Category.name),
        (OptionGroup, OptionGroup.name),
    ):
        assert uids(central, model, key) == uids(branch, model, key), model.__name__
    with central.app_context():
        central_options = set(db.session.scalars(select(Option.uid)))
    with branch.app_context():
        assert set(db.session.scalars(select(Option.uid))) == central_options


def test_applying_twice_changes_nothing_and_local_ids_stay(pair):
    central, branch, token = pair
    before = ids(branch)
    doc = pull(central, token)
    first = apply(branch, doc)
    assert first["users"] >= 1  # same people, but central's own password hashes
    assert ids(branch) == before
    again = apply(branch, doc)
    assert set(again.values()) == {0}, again
    assert ids(branch) == before
    cashier = ApiClient(branch, "cashier3", pin="1234")
    assert "아메리카노" in cashier.catalog()


def test_a_price_change_pulled_during_a_sale(pair):
    central, branch, token = pair
    cashier = ApiClient(branch, "cashier3", pin="1234")
    cart = cashier.catalog()["아메리카노"]
    hot = cashier.option(cart, "온도", "HOT")
    first = cashier.post(
        "/api/sales",
        json={
            "id": "6a3c1a4e-0b7d-4c55-9f11-1d2e3f405060",
            "lines": [{"product_id": cart["id"], "qty": 1, "options": [hot]}],
            "payments": [{"method": "cash", "amount": 4500}],
        },
    )
    assert first.status_code == 201 and first.get_json()["total"] == 4500
    v0 = pull(central, token)["version"]
    with central.app_context():
        product = db.session.execute(select(Product).where(Product.sku == "C001")).scalar_one()
        product.price = 4800
        db.session.commit()
    doc = pull(central, token, v0)
    assert [p["sku"] for p in doc["products"]] == ["C001"]
    counts = apply(branch, doc)
    assert counts["products"] == 1
    # the cart made before the pull still names the same product id and option id
    resp = cashier.post(
        "/api/sales",
        json={
            "id": "6a3c1a4e-0b7d-4c55-9f11-1d2e3f405061",
            "lines": [{"product_id": cart["id"], "qty": 1, "options": [hot]}],
            "payments": [{"method": "cash", "amount": 4800}],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["total"] == 4800
    old = cashier.get(f"/api/sales/{first.get_json()['id']}").get_json()
    assert old["total"] == 4500 and old["lines"][0]["product_id"] == cart["id"]
    assert cashier.catalog()["아메리카노"]["price"] == 4800


def test_site_prices_leave_the_branchs_own_sold_out_and_threshold(pair):
    central, branch, token = pair
    with branch.app_context():
        site = db.session.execute(select(Site).where(Site.code == "CAFE03")).scalar_one()
        product = db.session.execute(select(Product).where(Product.sku == "D001")).scalar_one()
        from datetime import date

        db.session.add(
            SiteProduct(
                site_id=site.id, product_id=product.id, sold_out_on=date(2026, 12, 2), low_stock=3
            )
        )
        db.session.commit()
    v0 = pull(central, token)["version"]
    with central.app_context():
        site = db.session.execute(select(Site).where(Site.code == "CAFE03")).scalar_one()
        product = db.session.execute(select(Product).where(Product.sku == "D001")).scalar_one()
        db.session.add(SiteProduct(site_id=site.id, product_id=product.id, price=2200, low_stock=9))
        db.session.commit()
    doc = pull(central, token, v0)
    assert doc["site_prices"] == [{"product_uid": product.uid, "price": 2200, "hidden": False}]
    apply(branch, doc)
    with branch.app_context():
        row = db.session.execute(
            select(SiteProduct).join(Product).where(Product.sku == "D001")
        ).scalar_one()
        assert (row.price, row.sold_out_on.isoformat(), row.low_stock) == (2200, "2026-12-02", 3)


def test_a_deletion_on_central_turns_the_row_off_here(pair):
    central, branch, token = pair
    with central.app_context():
        db.session.add(User(username="temp3", display_name="임시", role="cashier"))
        db.session.commit()
    apply(branch, pull(central, token))
    v = pull(central, token)["version"]
    with central.app_context():
        db.session.delete(db.session.execute(select(User).filter_by(username="temp3")).scalar())
        db.session.commit()
    counts = apply(branch, pull(central, token, v))
    assert counts["deleted"] == 1
    with branch.app_context():
        user = db.session.execute(select(User).filter_by(username="temp3")).scalar_one()
        assert user.active is False


def test_a_bad_document_changes_nothing(pair):
    central, branch, token = pair
    doc = pull(central, token)
    with central.app_context():
        count = db.session.scalar(select(func.count()).select_from(Product))
    broken = {**doc, "products": [*doc["products"], {**doc["products"][0], "price": "비쌈"}]}
    wrong_vendor = {
        **doc,
        "products": [{**doc["products"][0], "uid": "new-1", "sku": "NEW1", "vendor_brn": "1" * 10}],
    }
    other_site = {**doc, "site": {**doc["site"], "code": "CAFE07"}}
    with branch.app_context():
        before = db.session.scalar(select(func.count()).select_from(Product))
        for bad, message in (
            (broken, REFUSED + "상품 항목이 올바르지 않습니다"),
            (
                wrong_vendor,
                REFUSED + "모르는 공급자를 가리키는 상품이나 매장이 있습니다",
            ),
            (other_site, REFUSED + "다른 매장(CAFE07)의 카탈로그입니다"),
            ([], REFUSED + "문서 형식이 아닙니다"),
        ):
            with pytest.raises(CatalogRejected) as caught:
                apply_catalog(bad)
            assert str(caught.value) == message
            db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Product)) == before == count


def test_a_branch_made_with_only_pos_init_gets_everything_and_sells(app_factory, tmp_path):
    central = app_factory("postgresql", POS_ROLE="central")
    token = token_for(central)
    branch = fresh_branch(tmp_path / "fresh")
    with branch.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 0
    counts = apply(branch, pull(central, token))
    assert counts["site"] == 1 and counts["products"] >= 15 and counts["users"] >= 3
    with branch.app_context():
        assert db.session.execute(select(Site.code)).scalars().all() == ["CAFE03"]
        assert db.session.scalar(select(func.count()).select_from(Vendor)) >= 3
        names = set(db.session.scalars(select(User.username)))
        assert {"cashier3", "cashier3b", "manager", "admin"} <= names and "cashier7" not in names
    assert uids(branch, Product, Product.sku) == {
        sku: uid for sku, uid in uids(central, Product, Product.sku).items()
    }
    cashier = ApiClient(branch, "cashier3", pin="1234")
    catalog = cashier.catalog()
    latte = catalog["카페라떼"]
    assert [g["name"] for g in latte["option_groups"]] == ["온도", "사이즈", "샷 추가", "시럽"]
    body = {
        "id": "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
        "lines": [
            {
                "product_id": latte["id"],
                "qty": 2,
                "options": [
                    cashier.option(latte, "온도", "ICE"),
                    cashier.option(latte, "사이즈", "라지"),
                ],
            }
        ],
        "payments": [{"method": "cash", "amount": 11000}],
    }
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert sale["total"] == 11000 and len(sale["receipts"]) == 1
    with branch.app_context():
        brns = set(db.session.scalars(select(Vendor.brn)))
    assert sale["receipts"][0]["vendor"]["brn"] in brns
    manager = ApiClient(branch, "manager", password="manager1234")
    assert manager.get("/api/catalog").status_code == 200
    dispose(branch)


def test_a_clash_with_a_product_made_at_the_branch_undoes_the_whole_document(pair):
    central, branch, token = pair
    with branch.app_context():
        vendor_id = db.session.execute(select(Vendor.id)).scalars().first()
        db.session.add(Product(sku="LOCAL1", name="지점 상품", price=1000, vendor_id=vendor_id))
        db.session.commit()
    v0 = pull(central, token)["version"]
    with central.app_context():
        db.session.execute(select(Product).where(Product.sku == "T001")).scalar_one().price = 5100
        renamed = db.session.execute(select(Product).where(Product.sku == "C001")).scalar_one()
        renamed.sku = "LOCAL1"
        db.session.commit()
    doc = pull(central, token, v0)
    assert sorted(p["sku"] for p in doc["products"]) == ["LOCAL1", "T001"]
    with branch.app_context():
        with pytest.raises(CatalogRejected) as caught:
            apply_catalog(doc)
        assert str(caught.value) == REFUSED + (
            "이 지점에서 만든 자료와 겹치는 항목(상품코드, 바코드, 이름)이 있습니다"
        )
        db.session.commit()
        prices = dict(db.session.execute(select(Product.sku, Product.price)).all())
    assert prices["T001"] == 5000 and prices["C001"] == 4500 and prices["LOCAL1"] == 1000


def test_a_fair_tablet_made_with_only_pos_init_knows_its_fair(app_factory, tmp_path):
    central = app_factory("postgresql", POS_ROLE="central")
    token = token_for(central, "GN-FAIR")
    planned = ApiClient(central, "organiser", password="organiser1234").get("/api/fairs/GN-FAIR")
    tablet = fresh_branch(tmp_path / "fair", "GN-FAIR")
    doc = pull(central, token)
    assert doc["fair"]["vendors"] and doc["site"]["kind"] == "fair"
    assert apply(tablet, doc)["fair"] == 1
    assert apply(tablet, doc)["fair"] == 0
    organiser = ApiClient(tablet, "organiser", password="organiser1234")
    fair = organiser.get("/api/fairs/GN-FAIR").get_json()
    expected = planned.get_json()
    for key in ("code", "name", "place", "date", "opens", "closes", "state", "commission_pct"):
        assert fair[key] == expected[key], key
    assert fair["vendors"] == expected["vendors"]
    dispose(tablet)

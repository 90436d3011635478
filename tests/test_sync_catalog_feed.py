"""Central's catalog feed (GET /api/sync/catalog?since=V): versions only grow, since=V gives
exactly the later changes (back-office edits, not log-ins or 품절 taps), deletions come as
tombstones, a site sees only its own prices and users, and tokens are checked first."""

from __future__ import annotations

import pytest
from catalog_pages import Pages
from sqlalchemy import select
from support import ApiClient
from sync_catalog_kit import by_key, pull, pull_resp, token_for

from inventory.models import Option, OptionGroup, Product
from pos.auth.models import User
from pos.central.tokens import revoke
from pos.db import db
from pos.sites import Site

EMPTY = ("vendors", "categories", "campaigns", "option_groups", "products", "site_prices")


@pytest.fixture(params=["sqlite", "postgresql"])
def central(app_factory, request):
    return app_factory(request.param, POS_ROLE="central")


def nothing_but(doc: dict, **expected) -> None:
    """The document carries exactly ``expected`` (kind → keys) and nothing else."""
    keys = {
        "vendors": "brn",
        "categories": "uid",
        "campaigns": "name",
        "option_groups": "name",
        "products": "sku",
        "site_prices": "product_uid",
        "users": "username",
    }
    for kind, key in keys.items():
        assert sorted(r[key] for r in doc[kind]) == sorted(expected.get(kind, [])), kind
    assert doc["deleted"] == expected.get("deleted", [])
    assert (doc["site"] is not None) == expected.get("site", False)


def product_form(app, sku: str, **changes) -> tuple[int, dict]:
    with app.app_context():
        p = db.session.execute(select(Product).where(Product.sku == sku)).scalar_one()
        data = {
            "name": p.name,
            "sku": p.sku,
            "price": str(p.price),
            "tax": p.tax,
            "vendor_id": str(p.vendor_id),
            "category_id": str(p.category_id or ""),
            "barcode": p.barcode or "",
            "option_group_ids": [str(g.id) for g in p.option_groups],
        }
        return p.id, {**data, **changes}


def test_versions_grow_and_since_gives_exactly_the_later_changes(central):
    token = token_for(central)
    full = pull(central, token)
    v0 = full["version"]
    assert v0 > 0 and full["site"]["code"] == "CAFE03"
    assert {"C001", "V002", "S001"} <= set(by_key(full["products"], "sku"))
    assert {"cashier3", "manager", "admin"} <= set(by_key(full["users"], "username"))
    americano = by_key(full["products"], "sku")["C001"]
    assert americano["vendor_brn"] and len(americano["option_group_uids"]) == 3
    nothing_but(pull(central, token, v0))
    # a branch ahead of central (central restored from a backup) gets everything again
    ahead = pull(central, token, v0 + 1000)
    assert ahead["version"] == v0 and ahead["since"] == 0
    assert len(ahead["products"]) == len(full["products"]) and ahead["site"] is not None

    manager = Pages(central, "manager", password="manager1234")
    pid, data = product_form(central, "C001", price="4800")
    assert manager.form(f"/products/{pid}", data).status_code == 302
    doc = pull(central, token, v0)
    v1 = doc["version"]
    assert v1 > v0
    nothing_but(doc, products=["C001"])
    assert doc["products"][0]["price"] == 4800

    # log-ins, log-outs and a cashier's 품절 tap stay where they are: nothing to pull
    cashier = ApiClient(central, "cashier3", pin="1234")
    assert cashier.post("/api/logout").status_code in (200, 204)
    ApiClient(central, "cashier3", pin="1234")
    assert (
        manager.htmx(f"/availability/{pid}", {"what": "sold_out", "value": "1"}).status_code == 200
    )
    nothing_but(pull(central, token, v1))
    assert pull(central, token, v1)["version"] == v1

    # a site price, an option's price (its group comes again), a product's option links
    manager.htmx(f"/availability/{pid}", {"what": "price", "price": "5,300"})
    with central.app_context():
        shot = db.session.execute(select(Option).where(Option.name == "샷 추가")).scalar_one()
        shot.price_delta = 700
        latte = db.session.execute(select(Product).where(Product.sku == "T002")).scalar_one()
        size = db.session.execute(
            select(OptionGroup).where(OptionGroup.name == "사이즈")
        ).scalar_one()
        latte.option_groups = [size]
        db.session.commit()
        americano_uid = db.session.get(Product, pid).uid
    doc = pull(central, token, v1)
    assert doc["version"] > v1
    nothing_but(doc, site_prices=[americano_uid], option_groups=["샷 추가"], products=["T002"])
    assert doc["site_prices"] == [{"product_uid": americano_uid, "price": 5300, "hidden": False}]
    assert doc["option_groups"][0]["options"][0]["price_delta"] == 700
    assert doc["products"][0]["option_group_uids"] == [size.uid]
    versions = [v0, v1, doc["version"]]
    assert versions == sorted(set(versions))


def test_back_office_pages_bump_vendors_categories_options_and_users(central):
    token = token_for(central)
    v0 = pull(central, token)["version"]
    manager = Pages(central, "manager", password="manager1234")
    assert manager.form("/categories", {"name": "한과", "sort": "7"}).status_code == 302
    options = {
        "name": "당도",
        "max_select": "1",
        "required": "1",
        "opt-0-name": "보통",
        "opt-0-delta": "0",
        "opt-0-active": "1",
    }
    assert manager.form("/options/new", options).status_code == 302
    with central.app_context():
        vid = db.session.execute(select(Site.vendor_id).where(Site.code == "CAFE03")).scalar()
    assert manager.form(f"/vendors/{vid}/active", {"active": "0"}).status_code == 302
    new_user = {
        "username": "cashier3c",
        "display_name": "정새봄",
        "role": "cashier",
        "site": "CAFE03",
        "pin": "4321",
        "pin_again": "4321",
    }
    assert manager.form("/admin/users/new", new_user).status_code == 302
    doc = pull(central, token, v0)
    assert [c["name"] for c in doc["categories"]] == ["한과"]
    assert [g["name"] for g in doc["option_groups"]] == ["당도"]
    assert [(v["active"]) for v in doc["vendors"]] == [False]
    assert [u["username"] for u in doc["users"]] == ["cashier3c"]
    assert doc["users"][0]["pin_hash"] and doc["users"][0]["site"] == "CAFE03"


def test_a_deleted_row_comes_as_a_tombstone(central):
    token = token_for(central)
    with central.app_context():
        db.session.add(User(username="temp3", display_name="임시", role="cashier"))
        db.session.commit()
    v0 = pull(central, token)["version"]
    with central.app_context():
        db.session.delete(db.session.execute(select(User).filter_by(username="temp3")).scalar())
        db.session.commit()
    doc = pull(central, token, v0)
    assert doc["deleted"] == [{"kind": "user", "key": "temp3"}]
    assert doc["version"] > v0 and doc["users"] == []
    assert pull(central, token, doc["version"])["deleted"] == []


def test_a_site_gets_only_its_own_prices_and_users(app_factory):
    central = app_factory("postgresql", POS_ROLE="central")
    token = token_for(central, "CAFE03")
    with central.app_context():
        seven = db.session.execute(select(Site).where(Site.code == "CAFE07")).scalar_one()
        from inventory.models import SiteProduct

        product = db.session.execute(select(Product).where(Product.sku == "C001")).scalar_one()
        db.session.add(SiteProduct(site_id=seven.id, product_id=product.id, price=3900))
        db.session.commit()
    doc = pull(central, token)
    users = set(by_key(doc["users"], "username"))
    assert {"cashier3", "cashier3b", "manager", "admin"} <= users
    assert "cashier7" not in users and "organiser" not in users
    assert product.uid not in {p["product_uid"] for p in doc["site_prices"]}
    assert all(p["price"] != 3900 for p in doc["site_prices"])
    # a cashier moved from 3호 to 7호 is turned off on 3호's next pull
    v = doc["version"]
    with central.app_context():
        user = db.session.execute(select(User).filter_by(username="cashier3b")).scalar_one()
        user.site_id = seven.id
        db.session.commit()
    doc = pull(central, token, v)
    assert doc["users"] == [] and doc["deleted"] == [{"kind": "user_elsewhere", "key": "cashier3b"}]


def test_tokens_are_checked_and_since_must_be_a_version(app_factory):
    central = app_factory("postgresql", POS_ROLE="central")
    token = token_for(central)
    resp = pull_resp(central, None)
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "sync_token_required"
    assert pull_resp(central, "pos_sync_not-a-token").status_code == 403
    for bad in ("-1", "abc", "1.5", "99999999999999999999"):
        resp = pull_resp(central, token, bad)
        assert resp.status_code == 400, bad
        assert (
            resp.get_json()["error"]["message"]
            == "받은 버전 번호가 올바르지 않습니다 (0 이상의 정수)"
        )
    assert pull_resp(central, token).status_code == 200  # since missing: everything
    with central.app_context():
        revoke(db.session.execute(select(Site).where(Site.code == "CAFE03")).scalar_one())
        db.session.commit()
    assert pull_resp(central, token, 0).status_code == 403


def test_a_branch_does_not_serve_the_feed(app_factory):
    branch = app_factory("sqlite")
    resp = branch.test_client().get("/api/sync/catalog?since=0")
    assert resp.status_code == 404 and resp.is_json

"""Helpers of the fair API tests (tests/test_fairs_api*.py): the demo fair GN-FAIR with a booth
cashier, the organiser's client, readers of products, stock and moves, a sale body, and the
check of a Korean refusal. Test modules take the fixtures with `fair_app = fairs_api.fair_app`."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Product, Site, StockLevel, StockMove, Vendor
from pos.auth.models import User
from pos.db import db

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

"""Model-level guarantees on both databases: constraints, the ledger, the outbox transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from inventory.models import Product, Site, StockLevel, StockMove, Vendor
from inventory.stock import InsufficientStock, move_stock
from pos.db import db
from pos.outbox import OutboxEvent


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_negative_price_and_bad_tax_are_refused_by_the_database(app):
    with app.app_context():
        vendor = db.session.scalars(select(Vendor)).first()
        db.session.add(Product(sku="BAD", name="x", price=-1, tax="taxable", vendor_id=vendor.id))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.add(Product(sku="BAD", name="x", price=1, tax="zero", vendor_id=vendor.id))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_on_hand_always_equals_the_ledger(app):
    with app.app_context():
        site = db.session.execute(select(Site).filter_by(code="CAFE03")).scalar_one()
        product = db.session.execute(select(Product).filter_by(sku="S001")).scalar_one()
        for qty, reason in ((5, "receive"), (-3, "sale"), (-1, "waste"), (2, "adjust")):
            move_stock(site, product, qty, reason)
        with pytest.raises(InsufficientStock):
            move_stock(site, product, -1000, "sale")
        db.session.commit()
        level = db.session.get(StockLevel, (site.id, product.id)).on_hand
        ledger = db.session.scalar(
            select(func.sum(StockMove.qty)).where(
                StockMove.site_id == site.id, StockMove.product_id == product.id
            )
        )
        assert level == ledger


def test_site_that_allows_negative_stock_can_sell_past_zero(app):
    with app.app_context():
        site = db.session.execute(select(Site).filter_by(code="CAFE08")).scalar_one()
        site.allow_negative_stock = True
        product = db.session.execute(select(Product).filter_by(sku="S001")).scalar_one()
        assert move_stock(site, product, -2, "sale").on_hand == -2


def test_outbox_row_goes_with_its_transaction(app):
    with app.app_context():
        site = db.session.execute(select(Site).filter_by(code="CAFE03")).scalar_one()
        product = db.session.execute(select(Product).filter_by(sku="S001")).scalar_one()
        before = db.session.scalar(select(func.count()).select_from(OutboxEvent))
        move_stock(site, product, 1, "receive")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == before
        move_stock(site, product, 1, "receive")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == before + 1

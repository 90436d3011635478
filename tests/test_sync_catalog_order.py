"""On PostgreSQL catalog writers take versions in commit order: a pull made while a change is
still uncommitted does not name its version, and the next pull gets it, so ``since=V`` never
skips a row committed later with a smaller version."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sync_catalog_kit import pull, token_for

from inventory.models import Product
from pos.db import db


def _change(app, sku: str, price: int, flushed=None, release=None, done=None) -> None:
    with app.app_context():
        product = db.session.execute(select(Product).where(Product.sku == sku)).scalar_one()
        product.price = price
        db.session.flush()
        if flushed is not None:
            flushed.set()
            release.wait(20)
        db.session.commit()
        if done is not None:
            done.set()


def test_a_pull_never_skips_a_change_committed_after_it(app_factory):
    central = app_factory("postgresql", POS_ROLE="central")
    token = token_for(central)
    v0 = pull(central, token)["version"]
    flushed, release, second = threading.Event(), threading.Event(), threading.Event()
    first = threading.Thread(target=_change, args=(central, "C001", 4700, flushed, release))
    first.start()
    assert flushed.wait(20)
    later = threading.Thread(target=_change, args=(central, "T002", 5600), kwargs={"done": second})
    later.start()
    try:
        doc = pull(central, token, v0)
        assert doc["version"] == v0 and doc["products"] == []
        assert not second.wait(0.5)  # the second writer queues behind the first's version
    finally:
        release.set()
        first.join(20)
        later.join(20)
    doc = pull(central, token, v0)
    assert sorted(p["sku"] for p in doc["products"]) == ["C001", "T002"]
    with central.app_context():
        versions = dict(db.session.execute(select(Product.sku, Product.version)).all())
    assert v0 < versions["C001"] < versions["T002"] <= doc["version"]
    assert pull(central, token, doc["version"])["products"] == []

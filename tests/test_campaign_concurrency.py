"""Donations at once never hand over more than is outstanding (the campaign row is locked on
PostgreSQL; SQLite serialises writes), and a double tap of one donation records it once; the
demo's campaign, made-to-order drinks and approval PIN are loaded once however often."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select
from support import ApiClient, new_sale_body

from inventory.campaigns.models import Campaign, Donation
from inventory.models import Category, Product, StockMove
from pos.db import db
from pos.demo import load_demo


def run_at_once(jobs) -> list[tuple[int, str | None]]:
    barrier = threading.Barrier(len(jobs))
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def run(job) -> None:
        barrier.wait()
        resp = job()
        code = (resp.get_json().get("error") or {}).get("code")
        with lock:
            results.append((resp.status_code, code))

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_donations_never_exceed_outstanding(app_factory, backend):
    app = app_factory(backend)
    cashier = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        cashier,
        [("생표고버섯 500g", 3, [])],
        [{"method": "cash", "amount": 30000, "tendered": 30000}],
    )
    assert cashier.post("/api/sales", json=body).status_code == 201
    with app.app_context():
        cid = db.session.scalars(select(Campaign.id).filter_by(name="만원의 행복")).one()
        pid = db.session.scalars(select(Product.id).filter_by(sku="S001")).one()
    tablets = [ApiClient(app, "cashier3", pin="1234") for _ in range(6)]

    def job(api):
        give = {"id": str(uuid.uuid4()), "day": "2026-12-01", "qty": 1, "product_id": pid}
        return lambda: api.post(f"/api/campaigns/{cid}/donations", json=give)

    results = run_at_once([job(t) for t in tablets])
    assert sorted(results) == [(201, None)] * 3 + [(409, "over_outstanding")] * 3
    with app.app_context():
        assert db.session.execute(select(func.sum(Donation.qty))).scalar() == 3
        moves = select(func.sum(StockMove.qty)).where(StockMove.reason == "donation")
        assert db.session.execute(moves).scalar() == -3

    # one donation sent twice at once (a double tap) is recorded once
    body = new_sale_body(
        cashier, [("생표고버섯 500g", 1, [])], [{"method": "cash", "amount": 10000}]
    )
    assert cashier.post("/api/sales", json=body).status_code == 201
    give = {"id": str(uuid.uuid4()), "day": "2026-12-01", "qty": 1, "product_id": pid}
    twice = [
        (lambda api=api: api.post(f"/api/campaigns/{cid}/donations", json=give))
        for api in tablets[:2]
    ]
    assert sorted(code for code, _ in run_at_once(twice)) == [200, 201]
    with app.app_context():
        assert db.session.execute(select(func.sum(Donation.qty))).scalar() == 4


def test_demo_flags_and_their_idempotence(app):
    with app.app_context():
        drinks = db.session.scalars(
            select(Product.made_to_order)
            .join(Category, Category.id == Product.category_id)
            .where(Category.name.in_(("커피", "차·음료")))
        ).all()
        assert drinks and all(drinks)
        others = db.session.scalars(
            select(Product.made_to_order).where(Product.sku.in_(("D001", "S001", "V001")))
        ).all()
        assert others == [False, False, False]
        campaign = db.session.scalars(select(Campaign)).one()
        assert (campaign.name, campaign.unit, campaign.recipient) == (
            "만원의 행복",
            "팩",
            "만수7단지 무료급식소",
        )
        flagged = db.session.scalars(
            select(Product.sku).where(Product.campaign_id == campaign.id).order_by(Product.sku)
        ).all()
        assert flagged == ["S001", "S002"]
        # a manager unflags a drink; the demo run again leaves it so and adds nothing
        db.session.scalars(select(Product).filter_by(sku="C005")).one().made_to_order = False
        db.session.commit()
        load_demo()
        db.session.commit()
        assert db.session.query(Campaign).count() == 1
        espresso = db.session.scalars(select(Product).filter_by(sku="C005")).one()
        assert espresso.made_to_order is False
    assert ApiClient(app, "manager", pin="2580").csrf

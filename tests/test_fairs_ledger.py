"""Property: whatever sequence of consignments, sales (some refused for want of stock), the close,
the counts and adjustments a fair goes through, on-hand equals the ledger sum for every product,
never goes below zero, equals a simple model of the books, and ends at zero once every vendor
is counted. Real SQLite database, the real services (the same ones the API calls)."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from apps import make_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from inventory.fairs.service import (
    adjust,
    check_in,
    close_fair,
    count_remainder,
    create_fair,
    open_fair,
    set_vendor,
)
from inventory.models import Product, StockLevel, StockMove, Vendor
from pos.api import ApiError
from pos.db import db
from pos.sales.schemas import SaleIn
from pos.sales.service import place_sale
from pos.sites import site_directory

#: (vendor, sku) of demo fair goods, two vendors
GOODS = [
    ("마산지역자활센터", "GNF-MS1"),
    ("마산지역자활센터", "GNF-MS3"),
    ("김해지역자활센터", "GNF-GH1"),
]
_codes = itertools.count(1)

good = st.integers(0, len(GOODS) - 1)
units = st.integers(1, 6)
before_close = st.lists(
    st.one_of(
        st.tuples(st.just("consign"), good, units),
        st.tuples(st.just("sell"), st.lists(st.tuples(good, units), min_size=1, max_size=3)),
    ),
    max_size=12,
)
counts = st.lists(st.integers(0, 12), min_size=len(GOODS), max_size=len(GOODS))
adjustments = st.lists(st.tuples(good, st.integers(-3, 3).filter(bool)), max_size=3)


@pytest.fixture(scope="module")
def ledger_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("fairs-ledger"), "sqlite")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _books(site_id: int, ids: list[int]) -> list[tuple[int, int]]:
    out = []
    for pid in ids:
        level = db.session.scalar(
            select(StockLevel.on_hand).where(
                StockLevel.site_id == site_id, StockLevel.product_id == pid
            )
        )
        total = db.session.scalar(
            select(func.coalesce(func.sum(StockMove.qty), 0)).where(
                StockMove.site_id == site_id, StockMove.product_id == pid
            )
        )
        out.append((level or 0, int(total)))
    return out


def _check(site_id: int, ids: list[int], model: list[int]) -> None:
    books = _books(site_id, ids)
    for (level, total), want in zip(books, model, strict=True):
        assert level == total == want
        assert level >= 0


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before_close, counts, adjustments)
def test_fair_ledger_holds(ledger_app, ops, counted, fixes):
    code = f"PROP{next(_codes)}"
    with ledger_app.app_context():
        brn = dict(db.session.execute(select(Vendor.name, Vendor.brn)).all())
        fair = create_fair(
            code,
            name="성질 검사 장터",
            date=date(2024, 5, 3),
            opens="10:00",
            closes="17:00",
            organiser_brn=brn["경남광역자활센터"],
        )
        for booth, vendor in enumerate(sorted({v for v, _ in GOODS})):
            set_vendor(fair, brn[vendor], f"P-{booth}")
        products = [db.session.scalar(select(Product).where(Product.sku == s)) for _, s in GOODS]
        ids = [p.id for p in products]
        prices = [p.price for p in products]
        site_id = fair.site_id
        db.session.commit()
    model = [0] * len(GOODS)
    with ledger_app.app_context():
        user = SimpleNamespace(id=None, username="prop", display_name="검사", site_id=None)
        fair = _fair(site_id)
        open_fair(fair, None)
        db.session.commit()
        site = site_directory().get(site_id)
        for op in ops:
            if op[0] == "consign":
                _, g, n = op
                check_in(fair, str(uuid.uuid4()), brn[GOODS[g][0]], [(ids[g], n)], user_id=None)
                model[g] += n
                db.session.commit()
            else:
                lines = op[1]
                total = sum(prices[g] * n for g, n in lines)
                payload = SaleIn.model_validate_json(
                    json.dumps(
                        {
                            "id": str(uuid.uuid4()),
                            "lines": [{"product_id": ids[g], "qty": n} for g, n in lines],
                            "payments": [{"method": "cash", "amount": total}],
                        }
                    )
                )
                need = [0] * len(GOODS)
                for g, n in lines:
                    need[g] += n
                enough = all(model[g] >= need[g] for g in range(len(GOODS)))
                try:
                    place_sale(payload, site=site, user=user, receipt_base_url="http://x/")
                    db.session.commit()
                    assert enough
                    model = [m - k for m, k in zip(model, need, strict=True)]
                except ApiError as exc:
                    db.session.rollback()
                    assert not enough and exc.code == "insufficient_stock"
            _check(site_id, ids, model)
        fair = _fair(site_id)
        close_fair(fair, None)
        db.session.commit()
        # a sale after close is refused and changes nothing
        with pytest.raises(ApiError) as refused:
            payload = SaleIn.model_validate_json(
                json.dumps(
                    {
                        "id": str(uuid.uuid4()),
                        "lines": [{"product_id": ids[0], "qty": 1}],
                        "payments": [{"method": "cash", "amount": prices[0]}],
                    }
                )
            )
            place_sale(payload, site=site, user=user, receipt_base_url="http://x/")
        db.session.rollback()
        assert refused.value.code == "fair_not_open"
        _check(site_id, ids, model)
        for vendor in sorted({v for v, _ in GOODS}):
            mine = [g for g, (v, _s) in enumerate(GOODS) if v == vendor]
            lines = [(ids[g], counted[g]) for g in mine]
            count_remainder(_fair(site_id), str(uuid.uuid4()), brn[vendor], lines, user_id=None)
            db.session.commit()
            for g in mine:
                model[g] = 0
            _check(site_id, ids, model)
        back = list(counted)
        for g, n in fixes:
            try:
                adjust(
                    _fair(site_id),
                    brn[GOODS[g][0]],
                    reason="검사 조정",
                    product_id=ids[g],
                    qty=n,
                    user_id=None,
                )
                db.session.commit()
                assert back[g] + n >= 0
                back[g] += n
            except ApiError as exc:
                db.session.rollback()
                assert back[g] + n < 0 and exc.status == 422
            _check(site_id, ids, model)
        returned = -db.session.scalar(
            select(func.coalesce(func.sum(StockMove.qty), 0)).where(
                StockMove.site_id == site_id, StockMove.reason == "consign_return"
            )
        )
        assert returned == sum(back)


def _fair(site_id: int):
    from inventory.fairs.models import Fair

    fair = db.session.get(Fair, site_id)
    db.session.refresh(fair)
    return fair

"""Property: whatever sequence of receive, waste, count, transfer, sale-like, refund and
consignment moves happens (batches, retries of a batch, refusals), on-hand equals the ledger
sum for every site and product, equals a simple model of the books, and never goes below zero
at a site that refuses it. Run on a real database (SQLite, and PostgreSQL with fewer cases)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from inventory import stock_service as service
from inventory.models import Product, Site, StockLevel, StockMove
from inventory.stock import InsufficientStock, move_stock
from pos.db import db
from pos.sites import site_directory

SITES = ("CAFE03", "CAFE07", "FARM02")
#: FARM02 sells past zero (made to order) in this test; the others refuse
NEGATIVE_OK = "FARM02"
SKUS = ("D001", "D002", "S001")

qty = st.integers(min_value=1, max_value=30)
site = st.sampled_from(SITES)
sku = st.sampled_from(SKUS)
batch_lines = st.lists(st.tuples(sku, qty), min_size=1, max_size=4)

op = st.one_of(
    st.tuples(st.just("receive"), site, batch_lines),
    st.tuples(st.just("waste"), site, batch_lines),
    st.tuples(st.just("transfer"), site, batch_lines, site),
    st.tuples(st.just("count"), site, st.dictionaries(sku, st.integers(0, 40), min_size=1)),
    st.tuples(st.just("sale"), site, sku, qty),
    st.tuples(st.just("refund"), site, sku, qty),
    st.tuples(st.just("consign_in"), site, sku, qty),
    st.tuples(st.just("consign_return"), site, sku, qty),
    st.tuples(st.just("retry")),
)


def _books() -> dict[tuple[str, str], tuple[int, int]]:
    """(on-hand, ledger sum) per (site code, sku) from the database."""
    out = {}
    for code in SITES:
        sid = db.session.scalar(select(Site.id).where(Site.code == code))
        for s in SKUS:
            pid = db.session.scalar(select(Product.id).where(Product.sku == s))
            level = db.session.scalar(
                select(StockLevel.on_hand).where(
                    StockLevel.site_id == sid, StockLevel.product_id == pid
                )
            )
            total = db.session.scalar(
                select(func.coalesce(func.sum(StockMove.qty), 0)).where(
                    StockMove.site_id == sid, StockMove.product_id == pid
                )
            )
            out[(code, s)] = (level or 0, total)
    return out


def _merge(lines):
    merged: dict[str, int] = {}
    for s, q in lines:
        merged[s] = merged.get(s, 0) + q
    return merged


def _apply(step, model, pids, last):
    """Book one step like the pages do (commit, or roll back when refused); return the model
    after it and the batch to retry next."""
    kind = step[0]
    info = {c: site_directory().by_code(c) for c in SITES}
    new = dict(model)
    if kind == "retry":
        if last is None:
            return model, None
        kind, code, lines, extra, batch_id = last
        # the same batch again (a double submit, a retried request) must change nothing
        done = _book(kind, info, code, lines, extra, pids, batch_id)
        assert done.replayed
        db.session.commit()
        return model, last
    code = step[1]
    batch_id = str(uuid.uuid4())
    if kind in ("receive", "waste", "transfer"):
        lines = step[2]
        extra = step[3] if kind == "transfer" else None
        merged = _merge(lines)
        sign = 1 if kind == "receive" else -1
        for s, q in merged.items():
            new[(code, s)] += sign * q
            if kind == "transfer" and extra != code:
                new[(extra, s)] += q
        refused_expected = kind != "receive" and any(
            new[(code, s)] < 0 for s in merged if code != NEGATIVE_OK
        )
        same_site = kind == "transfer" and extra == code
        try:
            _book(kind, info, code, lines, extra, pids, batch_id)
            db.session.commit()
        except InsufficientStock:
            db.session.rollback()
            assert refused_expected
            return model, last
        except service.StockInputError as exc:
            db.session.rollback()
            assert same_site and exc.message == "같은 매장으로는 이동할 수 없습니다"
            return model, last
        assert not refused_expected and not same_site
        return new, (kind, code, lines, extra, batch_id)
    if kind == "count":
        counted = {pids[s]: n for s, n in step[2].items()}
        expected = {pids[s]: model[(code, s)] for s in step[2]}
        service.commit_count(
            info[code],
            count_id=batch_id,
            category_id=None,
            counted=counted,
            expected=expected,
            user_id=None,
        )
        db.session.commit()
        for s, n in step[2].items():
            new[(code, s)] = n
        return new, last
    s, q = step[2], step[3]
    sign = 1 if kind in ("refund", "consign_in") else -1
    new[(code, s)] += sign * q
    refused_expected = sign < 0 and code != NEGATIVE_OK and new[(code, s)] < 0
    product = db.session.get(Product, pids[s])
    try:
        move_stock(info[code], product, sign * q, kind, ref=f"{kind}:{batch_id}")
        db.session.commit()
    except InsufficientStock:
        db.session.rollback()
        assert refused_expected
        return model, last
    assert not refused_expected
    return new, last


def _book(kind, info, code, lines, extra, pids, batch_id):
    pairs = [(pids[s], q) for s, q in lines]
    if kind == "receive":
        return service.receive(info[code], pairs, batch_id=batch_id, user_id=None)
    if kind == "waste":
        return service.waste(info[code], pairs, reason="damaged", batch_id=batch_id, user_id=None)
    return service.transfer(info[code], pairs, to_code=extra, batch_id=batch_id, user_id=None)


def _run_property(app, max_examples: int):
    with app.app_context():
        farm = db.session.scalar(select(Site).where(Site.code == NEGATIVE_OK))
        farm.allow_negative_stock = True
        db.session.commit()

    @settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(op, min_size=1, max_size=12))
    def check(steps):
        with app.app_context():
            pids = {s: db.session.scalar(select(Product.id).where(Product.sku == s)) for s in SKUS}
            books = _books()
            model = {key: level for key, (level, _) in books.items()}
            last = None
            for step in steps:
                model, last = _apply(step, model, pids, last)
                books = _books()
                for key, (level, total) in books.items():
                    assert level == total, (key, step)
                    assert level == model[key], (key, step)
                    if key[0] != NEGATIVE_OK:
                        assert level >= 0, (key, step)
            db.session.remove()

    check()


def test_on_hand_is_the_ledger_sum_whatever_happens(sqlite_app):
    _run_property(sqlite_app, max_examples=60)


@pytest.mark.parametrize("backend_name", ["postgresql"])
def test_on_hand_is_the_ledger_sum_on_postgresql(app_factory, backend_name):
    _run_property(app_factory(backend_name), max_examples=15)

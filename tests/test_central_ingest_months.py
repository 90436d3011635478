"""Month partitions on PostgreSQL: ingest makes a month's partitions before its first row, so
rows never land in the DEFAULT partition; a rolled-back batch leaves no memory of partitions
that do not exist; a refund counts on its own business day, in its own month."""

from __future__ import annotations

import copy
import uuid
from datetime import date

from central_ingest_helpers import MANAGER, MIXED, apply, outbox_events, post, sell, site_of
from sqlalchemy import select, text
from support import ApiClient

from pos.central.facts import PARTITIONED
from pos.central.partitions import ensure_months, forget
from pos.central.rollups import RSiteDay
from pos.db import db


def _children() -> set[str]:
    rows = db.session.execute(text("SELECT inhrelid::regclass::text FROM pg_inherits"))
    return set(rows.scalars())


def _moved(event, day: str):
    """The event as if it happened on another business day (a new id)."""
    payload = copy.deepcopy(event.payload)
    payload["id"] = str(uuid.uuid4())
    payload["business_day"] = day
    return event.model_copy(update={"id": payload["id"], "payload": payload})


def test_each_month_gets_its_partition_and_the_default_stays_empty(app_factory):
    branch = app_factory("sqlite")
    cashier = ApiClient(branch, "cashier3", pin="1234")
    sale = sell(cashier, MIXED, [{"method": "cash", "amount": 14500}])
    body = {
        "id": str(uuid.uuid4()),
        "reason": "손님 변심",
        "lines": [{"line": 1, "qty": 1}],
        "payments": [{"method": "cash", "amount": 4500}],
        "approver": MANAGER,
    }
    post(cashier, f"/api/sales/{sale['id']}/refund", body)
    events = outbox_events(branch)["CAFE03"]
    sold = next(ev for ev in events if ev.type == "sale.completed")
    refunded = next(ev for ev in events if ev.type == "refund.completed")
    batch = [
        _moved(sold, "2026-11-30"),
        _moved(sold, "2027-01-02"),
        _moved(refunded, "2027-02-01"),
    ]
    central = app_factory("postgresql", POS_ROLE="central")
    assert apply(central, {"CAFE03": batch}) == []
    with central.app_context():
        children = _children()
        for month in ("202611", "202701", "202702"):
            for table in PARTITIONED:
                assert f"{table.name}_{month}" in children
        for table in PARTITIONED:
            empty = f"SELECT count(*) FROM {table.name}_default"  # noqa: S608
            assert db.session.execute(text(empty)).scalar_one() == 0, table.name
        assert db.session.execute(text("SELECT count(*) FROM c_sales_202701")).scalar_one() == 1
        assert db.session.execute(text("SELECT count(*) FROM c_refunds_202702")).scalar_one() == 1
        site = site_of("CAFE03")
        days = {
            r.day: (r.sales, r.refunds, r.total, r.taxable, r.vat, r.exempt)
            for r in db.session.scalars(select(RSiteDay).where(RSiteDay.site_id == site.id))
        }
        assert days == {
            date(2026, 11, 30): (1, 0, 14500, 4091, 409, 10000),
            date(2027, 1, 2): (1, 0, 14500, 4091, 409, 10000),
            # the refund takes its amount off its own day, not the sale's
            date(2027, 2, 1): (0, 1, -4500, -4091, -409, 0),
        }


def test_a_rolled_back_batch_leaves_no_partition_behind(app_factory):
    central = app_factory("postgresql", POS_ROLE="central")
    with central.app_context():
        forget()
        assert ensure_months([date(2031, 3, 5), date(2031, 3, 9)]) == [date(2031, 3, 1)]
        assert "c_sales_203103" in _children()
        db.session.rollback()
        assert "c_sales_203103" not in _children()
        # not remembered: the next batch of that month makes it again
        assert ensure_months([date(2031, 3, 20)]) == [date(2031, 3, 1)]
        db.session.commit()
        assert "c_sales_203103" in _children()
        assert ensure_months([date(2031, 3, 21)]) == []
        # another process (no memory) meets the month: IF NOT EXISTS, under the lock
        forget()
        assert ensure_months([date(2031, 3, 22)]) == [date(2031, 3, 1)]
        db.session.commit()


def test_sqlite_has_no_partitions(app_factory):
    app = app_factory("sqlite", POS_ROLE="central")
    with app.app_context():
        assert ensure_months([date(2031, 3, 5)]) == []

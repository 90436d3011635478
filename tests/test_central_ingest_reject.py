"""Events central cannot apply are refused with a Korean reason before anything is written:
an unknown product, vendor or event type, a payload that does not fit or does not add up."""

from __future__ import annotations

import copy
import re

import pytest
from central_ingest_helpers import MIXED, outbox_events, sell, site_of
from sqlalchemy import func, select
from support import ApiClient

from pos.central import ingest
from pos.central.errors import Rejected
from pos.central.facts import PARTITIONED, CStockLevel
from pos.central.rollups import ROLLUP_KEYS, CFair
from pos.db import db

HANGUL = re.compile(r"[가-힣]")


def _sale_event(branch):
    cashier = ApiClient(branch, "cashier3", pin="1234")
    sell(cashier, MIXED, [{"method": "cash", "amount": 14500}])
    return next(ev for ev in outbox_events(branch)["CAFE03"] if ev.type == "sale.completed")


def _changed(event, change):
    payload = copy.deepcopy(event.payload)
    change(payload)
    return event.model_copy(update={"payload": payload})


def _rows() -> int:
    tables = [*PARTITIONED, *ROLLUP_KEYS, CStockLevel.__table__, CFair.__table__]
    return sum(db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in tables)


def _set_line(key, value):
    def change(p):
        p["lines"][0][key] = value

    return change


CASES = [
    ("unknown_product", _set_line("product_uid", "00000000-0000-4000-8000-000000000000")),
    ("unknown_vendor", _set_line("vendor_brn", "1234567890")),
    ("malformed", lambda p: p.pop("business_day")),
    ("malformed", lambda p: p.update(total="14500")),
    ("malformed", lambda p: p.update(lines=[])),
    ("malformed", lambda p: p.update(total=p["total"] + 1)),
    ("malformed", lambda p: p["receipts"][0].update(total=1)),
    ("malformed", _set_line("tax", "zero_rated")),
]


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_bad_events_are_rejected_with_a_reason_and_write_nothing(app_factory, backend_name):
    branch = app_factory("sqlite")
    good = _sale_event(branch)
    central = app_factory(backend_name, POS_ROLE="central")
    with central.app_context():
        site = site_of("CAFE03")
        for code, change in CASES:
            with pytest.raises(Rejected) as caught:
                ingest.prepare(site, _changed(good, change))
            assert caught.value.code == code
            assert HANGUL.search(caught.value.message), caught.value.message
            assert not re.search(r"[a-z_]{3,}", caught.value.message), caught.value.message
        unknown = good.model_copy(update={"type": "sale.teleported"})
        with pytest.raises(Rejected) as caught:
            ingest.prepare(site, unknown)
        assert caught.value.code == "unknown_type"
        assert caught.value.message == "알 수 없는 이벤트 종류입니다 (sale.teleported)"
        assert _rows() == 0
        # the good one still applies
        ingest.write(site, [ingest.prepare(site, good)])
        db.session.commit()
        assert _rows() > 0

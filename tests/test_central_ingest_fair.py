"""A fair opened, sold at with a joint checkout and closed at a branch: central keeps its
summary (state, times, gross, sales, vendors), its open state for the status page, and the
VAT per vendor exactly as each vendor's receipt printed it."""

from __future__ import annotations

import uuid

import pytest
from central_ingest_helpers import apply, outbox_events, site_of
from sqlalchemy import select
from support import ApiClient

from inventory.models import Vendor
from pos.central.facts import open_site_ids
from pos.central.rollups import CFair, RSiteDay, RVendorDay
from pos.db import db

URL = "/api/fairs/GN-FAIR"


def _sell(org: ApiClient) -> dict:
    cat = org.catalog()
    body = {
        "id": str(uuid.uuid4()),
        "lines": [
            {"product_id": cat["산청 건표고버섯 100g"]["id"], "qty": 1, "options": []},
            {"product_id": cat["밀양 얼음골 사과즙 15포"]["id"], "qty": 2, "options": []},
        ],
        "payments": [
            {"method": "cash", "amount": 2000, "tendered": 2000},
            {"method": "card", "amount": 40000, "approval_no": "77"},
        ],
    }
    resp = org.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_a_fair_day_is_summarised_on_central(app_factory, backend_name):
    branch = app_factory("sqlite", POS_SITE="GN-FAIR")
    org = ApiClient(branch, "organiser", pin="1357")
    assert org.post(f"{URL}/open", json={}).status_code == 200
    central = app_factory(backend_name, POS_ROLE="central")
    first = outbox_events(branch)
    assert apply(central, first) == []
    with central.app_context():
        site = site_of("GN-FAIR")
        fair = db.session.get(CFair, site.id)
        assert (fair.code, fair.state, fair.place) == ("GN-FAIR", "open", "경남도청 신관 앞")
        assert fair.opened_at is not None and fair.closed_at is None
        assert site.id in open_site_ids()

    sale = _sell(org)
    assert org.post(f"{URL}/close", json={}).status_code == 200
    board = org.get(f"{URL}/board").get_json()
    # the next push carries only what came after
    sent = {ev.id for evs in first.values() for ev in evs}
    later = {c: [ev for ev in evs if ev.id not in sent] for c, evs in outbox_events(branch).items()}
    assert [ev.type for ev in later["GN-FAIR"]] == ["sale.completed", "fair.closed"]
    assert apply(central, later) == []
    with central.app_context():
        site = site_of("GN-FAIR")
        fair = db.session.get(CFair, site.id)
        assert fair.state == "closed" and fair.closed_at is not None
        assert (fair.gross, fair.sales) == (board["gross"], board["sales"]) == (42000, 1)
        assert fair.vendors == 9
        assert site.id not in open_site_ids()
        (day,) = db.session.scalars(select(RSiteDay).where(RSiteDay.site_id == site.id)).all()
        assert (day.sales, day.total) == (1, 42000)
        brn = dict(db.session.execute(select(Vendor.id, Vendor.brn)).all())
        vendors = {
            brn[v.vendor_id]: (v.total, v.taxable, v.vat, v.exempt)
            for v in db.session.scalars(select(RVendorDay).where(RVendorDay.site_id == site.id))
        }
        printed = {
            r["vendor"]["brn"]: (r["total"], r["taxable"], r["vat"], r["exempt"])
            for r in sale["receipts"]
        }
        assert vendors == printed
        assert printed["6088200042"] == (12000, 0, 0, 12000)
        assert printed["6088200057"] == (30000, 27273, 2727, 0)

"""A day of trade at a branch, applied on central: the facts and every rollup equal the
branch's own figures (sales, refunds, VAT per vendor as printed, payments, products, stock,
the campaign, the shift), and on PostgreSQL the rows sit in their month's partition."""

from __future__ import annotations

from collections import Counter

import pytest
from central_ingest_helpers import apply, outbox_events, site_of, trade_day
from sqlalchemy import func, select, text

from inventory.models import Product, StockLevel, Vendor
from pos.central.facts import (
    PARTITIONED,
    CCashMove,
    CDonation,
    CRefund,
    CSale,
    CSaleLine,
    CSalePayment,
    CShift,
    CStockLevel,
    open_site_ids,
)
from pos.central.rollups import (
    RCampaignDay,
    RMethodDay,
    RProductDay,
    RSiteDay,
    RSiteHour,
    RVendorDay,
)
from pos.db import db
from pos.refunds.models import Refund, RefundLine, RefundPayment
from pos.sales.models import Payment, Sale, SaleLine, SaleReceipt


def branch_figures(branch) -> dict:
    """What the branch itself says about CAFE03, read from its own tables."""
    with branch.app_context():
        site = site_of("CAFE03")
        sales = db.session.scalars(select(Sale).where(Sale.site_id == site.id)).all()
        refunds = db.session.scalars(select(Refund).where(Refund.site_id == site.id)).all()
        (day,) = {s.business_day for s in sales}
        vendors: dict[str, Counter] = {}
        for r in db.session.scalars(select(SaleReceipt)):
            vendors.setdefault(r.vendor_brn, Counter()).update(
                total=r.total, taxable=r.taxable_supply, vat=r.vat, exempt=r.exempt, sales=1
            )
        methods: Counter = Counter()
        for p in db.session.scalars(select(Payment)):
            methods[p.method] += p.amount
        for p in db.session.scalars(select(RefundPayment)):
            methods[p.method] -= p.amount
        products: Counter = Counter()
        sku = dict(db.session.execute(select(Product.id, Product.sku)).all())
        for ln in db.session.scalars(select(SaleLine)):
            products[sku[ln.product_id]] += ln.qty
        for ln in db.session.scalars(select(RefundLine)):
            products[sku[ln.product_id]] -= ln.qty
        stock = {
            sku[lv.product_id]: lv.on_hand
            for lv in db.session.scalars(select(StockLevel).where(StockLevel.site_id == site.id))
        }
        return {
            "day": day,
            "sales": len(sales),
            "refunds": len(refunds),
            "gross": sum(s.total for s in sales),
            "refunded": sum(r.total for r in refunds),
            "taxable": sum(s.taxable_supply for s in sales)
            - sum(r.taxable_supply for r in refunds),
            "vat": sum(s.vat for s in sales) - sum(r.vat for r in refunds),
            "exempt": sum(s.exempt for s in sales) - sum(r.exempt for r in refunds),
            "discount": sum(s.subtotal - s.total for s in sales),
            "vendors": vendors,
            "methods": {m: v for m, v in methods.items()},
            "products": dict(products),
            "stock": stock,
        }


def central_rows(model, site_id: int) -> list:
    return db.session.scalars(select(model).where(model.site_id == site_id)).all()


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_a_trade_day_lands_on_central_as_the_branch_counted_it(app_factory, backend_name):
    branch = app_factory("sqlite")
    done = trade_day(branch)
    want = branch_figures(branch)
    events = outbox_events(branch)
    central = app_factory(backend_name, POS_ROLE="central")
    assert apply(central, events) == []
    with central.app_context():
        site = site_of("CAFE03")
        day = want["day"]
        (row,) = central_rows(RSiteDay, site.id)
        assert row.day == day
        assert (row.sales, row.refunds, row.gross, row.refunded) == (
            want["sales"],
            want["refunds"],
            want["gross"],
            want["refunded"],
        )
        assert row.total == want["gross"] - want["refunded"] == 14500 + 14000 + 30000 - 10000
        assert (row.taxable, row.vat, row.exempt) == (want["taxable"], want["vat"], want["exempt"])
        assert row.taxable + row.vat + row.exempt == row.total
        assert row.discount == want["discount"] == 1000
        assert row.items == sum(want["products"].values())

        brn = dict(db.session.execute(select(Vendor.id, Vendor.brn)).all())
        got_vendors = {
            brn[v.vendor_id]: Counter(
                total=v.total, taxable=v.taxable, vat=v.vat, exempt=v.exempt, sales=v.sales
            )
            for v in central_rows(RVendorDay, site.id)
        }
        refund_receipts = {r["vendor"]["brn"]: r for r in done["refund"]["receipts"]}
        for vendor_brn, sold in want["vendors"].items():
            back = refund_receipts.get(vendor_brn, {})
            expected = Counter(sold)
            for key in ("total", "taxable", "vat", "exempt"):
                expected[key] -= back.get(key, 0)
            assert +got_vendors[vendor_brn] == +expected, vendor_brn
        # the VAT filing: per vendor 과세 + 부가세 + 면세 = what the vendor took in
        for v in got_vendors.values():
            assert v["taxable"] + v["vat"] + v["exempt"] == v["total"]

        methods = {m.method: m.amount for m in central_rows(RMethodDay, site.id)}
        assert methods == want["methods"]
        counts = {m.method: m.count for m in central_rows(RMethodDay, site.id)}
        assert counts == {"cash": 2, "card": 1, "transfer": 1}

        sku = dict(db.session.execute(select(Product.id, Product.sku)).all())
        products = {sku[p.product_id]: p.qty for p in central_rows(RProductDay, site.id)}
        assert products == want["products"]
        won = sum(p.total for p in central_rows(RProductDay, site.id))
        assert won == row.total

        hours = central_rows(RSiteHour, site.id)
        assert sum(h.sales for h in hours) == 3 and sum(h.total for h in hours) == row.gross

        (campaign,) = central_rows(RCampaignDay, site.id)
        assert (campaign.sold, campaign.donated) == (1 + 3 - 1, 2)

        # facts
        assert len(central_rows(CSale, site.id)) == 3
        assert len(central_rows(CSaleLine, site.id)) == 5
        assert len(central_rows(CSalePayment, site.id)) == 4
        (refund,) = central_rows(CRefund, site.id)
        assert (refund.total, refund.exempt, refund.day) == (10000, 10000, day)
        (donation,) = central_rows(CDonation, site.id)
        assert (donation.qty, donation.recipient) == (2, "만수7단지 무료급식소")
        (cash,) = central_rows(CCashMove, site.id)
        assert (cash.kind, cash.amount) == ("pay_in", 20000)
        (shift,) = central_rows(CShift, site.id)
        closed = done["closed"]
        assert shift.closed_at is not None and shift.day == day
        assert (shift.opening_float, shift.counted_cash, shift.over_short) == (
            50000,
            closed["counted_cash"],
            closed["over_short"],
        )
        assert (shift.sales, shift.refunds) == (closed["sales"], closed["refunds"])
        # on-hand on central = the branch's own, product by product (ledger moves replayed)
        levels = {sku[lv.product_id]: lv.on_hand for lv in central_rows(CStockLevel, site.id)}
        assert levels == want["stock"]
        assert site.id not in open_site_ids()  # the shift was closed

        if backend_name == "postgresql":
            month = f"{day:%Y%m}"
            children = set(
                db.session.execute(
                    text("SELECT inhrelid::regclass::text FROM pg_inherits")
                ).scalars()
            )
            for table in PARTITIONED:
                assert f"{table.name}_{month}" in children
                assert f"{table.name}_default" in children
                empty = f"SELECT count(*) FROM {table.name}_default"  # noqa: S608
                assert db.session.execute(text(empty)).scalar_one() == 0
            in_month = f"SELECT count(*) FROM c_sales_{month}"  # noqa: S608
            assert db.session.execute(text(in_month)).scalar_one() == 3


def test_an_open_shift_makes_its_site_open(app_factory):
    """Central status highlights a silent site only while it is open."""
    import uuid

    from support import ApiClient

    branch = app_factory("sqlite")
    cashier = ApiClient(branch, "cashier3", pin="1234")
    resp = cashier.post("/api/shifts", json={"id": str(uuid.uuid4()), "opening_float": 0})
    assert resp.status_code == 201
    central = app_factory("sqlite", POS_ROLE="central")
    assert apply(central, outbox_events(branch)) == []
    with central.app_context():
        assert open_site_ids() == {site_of("CAFE03").id}
        assert db.session.execute(select(func.count()).select_from(CShift)).scalar_one() == 1

"""Helpers of the shift and Z report tests: sell at the demo café, open and close tills, and
refunds written through the models (as B's refund API records them: shift of the refunder)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from support import ApiClient, new_sale_body

from pos import money
from pos.auth.models import User
from pos.db import db, utcnow
from pos.refunds.models import Refund, RefundLine, RefundPayment
from pos.sales.models import Sale, SaleLine
from pos.sales.record import local_time
from pos.shifts.models import open_shift_id

AMERICANO = ("아메리카노", 1, [("온도", "ICE")])
MUSHROOM = ("건표고버섯 100g", 1, [])


def price_of(api: ApiClient, items) -> int:
    cat = api.catalog()
    total = 0
    for name, qty, options in items:
        product = cat[name]
        deltas = {
            (g["name"], o["name"]): o["price_delta"]
            for g in product["option_groups"]
            for o in g["options"]
        }
        total += qty * (product["price"] + sum(deltas[opt] for opt in options))
    return total


def sell(api: ApiClient, items=(AMERICANO,), method: str = "cash", **extra) -> dict:
    """A sale paid in full by one method (card with an approval number)."""
    total = price_of(api, items) - extra.get("discount", 0)
    pay = {"method": method, "amount": total}
    if method == "cash":
        pay["tendered"] = total
    if method == "card":
        pay["approval_no"] = "30012345"
    body = new_sale_body(api, list(items), [pay], **extra)
    resp = api.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def open_till(api: ApiClient, opening_float: int = 50_000) -> str:
    shift_id = str(uuid.uuid4())
    resp = api.post("/api/shifts", json={"id": shift_id, "opening_float": opening_float})
    assert resp.status_code == 201, resp.get_json()
    return shift_id


def move(api: ApiClient, kind: str, amount: int = 0, reason: str = "우유 구입"):
    return api.post(
        "/api/cash-movements",
        json={"id": str(uuid.uuid4()), "kind": kind, "amount": amount, "reason": reason},
    )


def refund(app, sale_id: str, username: str, amount: int | None = None, method: str = "cash"):
    """A refund row of ``amount`` won (the whole sale when None) of the sale's first line,
    paid back by ``method``, counted in the refunder's open shift like POST .../refund does."""
    with app.app_context():
        sale = db.session.get(Sale, sale_id)
        user = db.session.scalar(select(User).where(User.username == username))
        line = db.session.scalar(
            select(SaleLine).where(SaleLine.sale_id == sale_id).order_by(SaleLine.position)
        )
        amount = sale.total if amount is None else amount
        n = db.session.query(Refund).filter(Refund.sale_id == sale_id).count() + 1
        taxable = amount if line.tax == "taxable" else 0
        split = money.vat_split(taxable, amount - taxable)
        rid = str(uuid.uuid4())
        now = utcnow()
        db.session.add(
            Refund(
                id=rid,
                sale_id=sale_id,
                site_id=sale.site_id,
                user_id=user.id,
                shift_id=open_shift_id(sale.site_id, user.id),
                kind="refund",
                reason="손님 변심",
                receipt_no=f"{sale.receipt_no}-R{n}",
                business_day=local_time(now).date(),
                total=amount,
                taxable_total=taxable,
                taxable_supply=split.taxable_supply,
                vat=split.vat,
                exempt=split.exempt,
                request_hash="x" * 64,
                created_at=now,
                lines=[
                    RefundLine(
                        sale_line_position=line.position,
                        product_id=line.product_id,
                        vendor_id=line.vendor_id,
                        name=line.name,
                        tax=line.tax,
                        qty=1,
                        amount=amount,
                    )
                ],
                payments=[RefundPayment(position=0, method=method, amount=amount)],
            )
        )
        db.session.commit()
        return rid

"""Yesterday's café day for the demo, so 일일 마감 has a day to show from the first `make run`.

이바다 (cashier3b) at CAFE03 opens the till with a float, sells five orders (cash, card,
지역화폐, a 현금영수증 and two 만원의 행복 packs, a coupon discount), buys milk from the till,
refunds a lemonade rung up twice with the manager's PIN, and closes with a count 500원 short.
Everything goes through the same services a tablet uses, under fixed ids and with the clock
set back a day: a second ``pos demo --day`` finds the day and changes nothing, and today's
till starts empty. Only ``pos demo --day`` (what ``make run`` calls) loads it; plain
``pos demo`` and the tests build their own days.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from inventory.cache import pricing_catalog
from pos.auth.models import User
from pos.db import clock_set_back, db
from pos.orders.board import set_done
from pos.refunds.schemas import RefundIn
from pos.refunds.service import place_refund
from pos.sales.schemas import SaleIn
from pos.sales.service import place_sale
from pos.shifts.models import Shift
from pos.shifts.schemas import CashMovementIn, ShiftIn
from pos.shifts.service import close_shift, open_shift, record_movement
from pos.sites import site_directory

NAMESPACE = uuid.UUID("5b1c2f9e-8d0a-4e57-9b6a-2d0c7e0f4a11")
SITE = "CAFE03"
CASHIER = "cashier3b"
FLOAT = 50_000
COUNTED = 72_000  # expected 72,500: 500원 short

#: (key, [(sku, qty, [option names])], payments, extra body)
ORDERS = [
    ("americano", [("C001", 2, ["HOT"])], [("cash", 9000, 10000)], {"order_type": "here"}),
    (
        "latte",
        [("C002", 1, ["ICE"]), ("D001", 2, [])],
        [("card", 10000, None)],
        {"order_type": "togo"},
    ),
    (
        "mushrooms",
        [("S001", 2, [])],
        [("cash", 20000, 20000)],
        {"cash_receipt": {"purpose": "income_deduction", "identifier": "010-1234-5678"}},
    ),
    (
        "coupon",
        [("T001", 1, ["HOT"]), ("D002", 1, [])],
        [("local_currency", 6300, None)],
        {"discount_pct": 10, "discount_reason": "단골 쿠폰", "order_type": "here"},
    ),
    ("lemonade", [("T002", 2, [])], [("cash", 11000, 20000)], {"order_type": "togo"}),
]


def _id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def _sale_body(key: str, items, payments, extra: dict) -> SaleIn:
    catalog = pricing_catalog()
    by_sku = {p.sku: p for p in catalog.products.values()}
    lines = []
    for sku, qty, option_names in items:
        product = by_sku[sku]
        options = {o.name: oid for g in product.groups for oid, o in g.options.items()}
        lines.append(
            {"product_id": product.id, "qty": qty, "options": [options[n] for n in option_names]}
        )
    tenders = []
    for method, amount, tendered in payments:
        tender = {"method": method, "amount": amount}
        if tendered is not None:
            tender["tendered"] = tendered
        if method == "card":
            tender.update(approval_no="30012345", issuer="신한카드")
        tenders.append(tender)
    return SaleIn.model_validate({"id": _id(key), "lines": lines, "payments": tenders, **extra})


def load_cafe_day() -> str:
    """The demo's café day at CAFE03, once; returns what it did, in Korean."""
    shift_id = str(_id("shift"))
    if db.session.get(Shift, shift_id) is not None:
        return "데모 영업일: 이미 있습니다"
    site = site_directory().by_code(SITE)
    cashier = db.session.scalars(select(User).where(User.username == CASHIER)).first()
    if site is None or cashier is None:
        return "데모 영업일: CAFE03 또는 이바다 계정이 없어 건너뜁니다"
    manager = db.session.scalars(select(User).where(User.username == "manager")).first()
    base = current_app.config.get("RECEIPT_BASE_URL") or "http://localhost:5000"
    with current_app.test_request_context("/"), clock_set_back(timedelta(days=1)):
        open_shift(ShiftIn(id=_id("shift"), opening_float=FLOAT), site=site, user=cashier)
        placed = {}
        for key, items, payments, extra in ORDERS:
            body = _sale_body(key, items, payments, extra)
            placed[key] = place_sale(body, site=site, user=cashier, receipt_base_url=base).record
        record_movement(
            CashMovementIn(id=_id("milk"), kind="pay_out", amount=12000, reason="우유 구입"),
            site=site,
            user=cashier,
        )
        refund = RefundIn.model_validate(
            {
                "id": _id("refund"),
                "lines": [{"line": 1, "qty": 1}],
                "reason": "주문을 잘못 받음",
                "payments": [{"method": "cash", "amount": 5500}],
                "approver": {"username": "manager", "pin": "2580"} if manager else None,
            }
        )
        place_refund(refund, placed["lemonade"].id, cashier)
        for rec in placed.values():
            if any(ln.made_to_order for ln in rec.lines):
                set_done(site.id, rec.id, cashier.id)
        figures = close_shift(db.session.get(Shift, shift_id), COUNTED)
    db.session.flush()
    return (
        f"데모 영업일 (어제): {site.name} 이바다 님의 영업 (판매 {len(placed)}건, 환불 1건, "
        f"과부족 {figures['over_short']:,}원)"
    )

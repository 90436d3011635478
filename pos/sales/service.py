"""Placing a sale: the one entry point that prices it on the server, takes the stock, writes the
sale, its outbox event and its print job, all in the caller's transaction.

Rows are written through Core from the ``SaleRecord`` kept in memory, so the answer is built
from what was written without reading it back. Functions here flush; the request commits.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from flask import current_app
from sqlalchemy import insert, select

from inventory.cache import PricingCatalog, pricing_catalog
from inventory.fairs.gate import check_booth, check_sale_allowed
from inventory.stock import InsufficientStock, move_stock
from pos import money
from pos.api import ApiError
from pos.auth.approval import approve
from pos.db import db, dialect_insert, utcnow
from pos.korean import particle
from pos.orders.service import open_ticket
from pos.receipts.queue import enqueue, latest_job
from pos.shifts.models import open_shift_id

from .enums import SaleStatus
from .events import record_sale_event
from .identifiers import BadIdentifier, mask_card, mask_cash_receipt_id
from .models import DiscountReason, OrderCounter, Sale
from .pricing import PricedLine, check_cash_receipt, check_payments, over_limit, price_lines
from .record import (
    LineOption,
    SaleLineRecord,
    SaleRecord,
    VendorReceipt,
    load_sale_record,
    local_time,
)
from .schemas import SaleIn

if TYPE_CHECKING:
    from pos.sites import SiteInfo


class Cashier(Protocol):
    """Who rings the sale up (the logged-in user)."""

    id: int
    username: str
    display_name: str
    site_id: int | None


@dataclass(frozen=True)
class PlacedSale:
    """The sale and its print job's state; ``created`` is False for a retried checkout."""

    record: SaleRecord
    created: bool
    #: the print job's status, or "none" without a printer
    print_status: str = "none"
    print_error: str | None = None


def request_hash(payload: SaleIn) -> str:
    """Fingerprint of a checkout body, taken after masking card numbers and 현금영수증 ids so
    the stored hash cannot be brute-forced back into them."""
    body = payload.model_dump(mode="json")
    if body.get("approver"):
        # never a PIN in a stored hash: a 4-digit PIN would be found by trying them all
        body["approver"] = {"username": body["approver"]["username"]}
    for p in body["payments"]:
        p["card_no"] = mask_card(p["card_no"])
    if body["cash_receipt"]:
        try:
            body["cash_receipt"]["identifier"] = mask_cash_receipt_id(
                body["cash_receipt"]["identifier"]
            )[1]
        except BadIdentifier:
            body["cash_receipt"]["identifier"] = None
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def visible_sale_id(sale_id: str, user: Cashier) -> str:
    """The sale's id if this user may see it: cashiers only their own site's sales (404
    otherwise, as for a sale that does not exist)."""
    site_id = db.session.execute(select(Sale.site_id).where(Sale.id == sale_id)).scalar()
    if site_id is None or (user.site_id and site_id != user.site_id):
        raise ApiError(404, "not_found", "판매를 찾을 수 없습니다")
    return sale_id


def stored_sale(sale_id: str, user: Cashier) -> PlacedSale:
    """A stored sale with its latest print job, if this user may see it."""
    rec = load_sale_record(visible_sale_id(sale_id, user))
    job = latest_job(sale_id)
    return PlacedSale(rec, False, job.status if job else "none", job.last_error if job else None)


def replay_sale(payload: SaleIn, user: Cashier) -> PlacedSale | None:
    """The sale already placed under this id (a tablet's retry), None if there is none, 409 if
    that id was used with another body."""
    sale_id = str(payload.id)
    stored_hash = db.session.execute(select(Sale.request_hash).where(Sale.id == sale_id)).scalar()
    if stored_hash is None:
        return None
    if stored_hash != request_hash(payload):
        raise ApiError(409, "id_conflict", "이미 다른 내용으로 처리된 판매 번호입니다", "id")
    return stored_sale(sale_id, user)


def place_sale(
    payload: SaleIn,
    *,
    site: SiteInfo,
    user: Cashier,
    receipt_base_url: str,
    booth_vendor_id: int | None = None,
) -> PlacedSale:
    """Place the sale, or return the one already placed under its id; raise ApiError before
    anything is written that the caller keeps (it rolls back on any error).

    At a fair the sale must pass the fair's gate (open, methods taken) after the replay, so a
    retry of a sale placed before close still answers; ``booth_vendor_id`` is the vendor a
    booth tablet sells for (None: a joint checkout)."""
    if (replayed := replay_sale(payload, user)) is not None:
        return replayed
    shift_id = open_shift_id(site.id, user.id)
    if shift_id is None and current_app.config.get("REQUIRE_SHIFT"):
        raise ApiError(
            409, "no_shift", "영업을 시작하세요: 시작 현금을 입력해야 판매할 수 있습니다"
        )
    if site.kind == "fair":
        check_sale_allowed(site, payload.payments)
    catalog = pricing_catalog()
    priced = price_lines(payload, site, catalog)
    check_discount_reasons(payload)
    approver = None
    if over_limit(priced, site.discount_approval_pct):
        approver = approve(payload.approver, actor=user, site_id=site.id, need="한도를 넘는 할인")
    if site.kind == "fair":
        check_booth(
            [p.product.vendor_id for p in priced], booth_vendor_id, [p.product.name for p in priced]
        )
    total = sum(p.net for p in priced)
    payments, change_due = check_payments(payload, total)
    cash_receipt = check_cash_receipt(payload)
    # Stock first: a refusal here leaves nothing behind (the caller rolls back).
    _take_stock(priced, site, catalog, f"sale:{payload.id}", user.id)

    now = utcnow()
    day = local_time(now).date()
    number = next_order_number(site.id, day)
    receipt_no = f"{site.code}-{day:%Y%m%d}-{number:04d}"
    token = secrets.token_urlsafe(18)
    taxable_total = sum(p.net for p in priced if p.product.tax == "taxable")
    split = money.vat_split(taxable_total, total - taxable_total)
    receipts, lines = _receipts_and_lines(priced, receipt_no)
    record = SaleRecord(
        id=str(payload.id),
        site_id=site.id,
        site_code=site.code,
        site_name=site.name,
        user_id=user.id,
        username=user.username,
        cashier=user.display_name,
        number=number,
        business_day=day,
        receipt_no=receipt_no,
        status=SaleStatus.COMPLETED,
        subtotal=sum(p.amount for p in priced),
        discount=sum(p.discount_share for p in priced),
        total=total,
        taxable_total=taxable_total,
        taxable_supply=split.taxable_supply,
        vat=split.vat,
        exempt=split.exempt,
        change_due=change_due,
        request_hash=request_hash(payload),
        receipt_token=token,
        receipt_url=f"{receipt_base_url.rstrip('/')}/r/{payload.id}?t={token}",
        created_at=now,
        receipts=receipts,
        lines=lines,
        payments=payments,
        cash_receipt=cash_receipt,
        shift_id=shift_id,
        order_type=payload.order_type,
        discount_reason=payload.discount_reason if record_order_discount(priced) else None,
        discount_approver_id=approver.id if approver else None,
    )
    for model, rows in record.table_rows().items():
        if rows:  # a 0원 sale has no payments
            db.session.execute(insert(model.__table__), rows)
    record_sale_event(record)
    print_status = enqueue(record.id)
    open_ticket(record)
    db.session.flush()
    return PlacedSale(record, True, print_status or "none")


def record_order_discount(priced: list[PricedLine]) -> bool:
    """The sale has an order discount (beyond the lines' own)."""
    return any(p.discount_share > p.line_discount for p in priced)


def check_discount_reasons(payload: SaleIn) -> None:
    """Every reason given is one of the manager's active reasons (DiscountReason)."""
    given = {payload.discount_reason} | {ln.discount_reason for ln in payload.lines}
    given.discard(None)
    if not given:
        return
    known = set(
        db.session.scalars(
            select(DiscountReason.name).where(
                DiscountReason.name.in_(given), DiscountReason.active.is_(True)
            )
        )
    )
    if unknown := given - known:
        name = sorted(unknown)[0]
        raise ApiError(
            422,
            "invalid_discount_reason",
            f"할인 사유 '{name}'{particle(name, '은/는')} 목록에 없습니다",
            "discount_reason",
        )


def next_order_number(site_id: int, day: date) -> int:
    """Atomic upsert: concurrent sales at one site never share a number."""
    stmt = dialect_insert(OrderCounter.__table__).values(site_id=site_id, day=day, last_number=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["site_id", "day"],
        set_={"last_number": OrderCounter.__table__.c.last_number + 1},
    ).returning(OrderCounter.__table__.c.last_number)
    return db.session.execute(stmt).scalar_one()


def _take_stock(
    priced: list[PricedLine], site, catalog: PricingCatalog, ref: str, user_id: int | None
) -> None:
    """One ledger move per tracked product, in id order so two sales never deadlock."""
    needed: Counter[int] = Counter()
    for p in priced:
        if p.product.track_stock:
            needed[p.product.id] += p.qty
    for product_id in sorted(needed):
        product = catalog.products[product_id]
        try:
            move_stock(
                site,
                product,
                -needed[product_id],
                "sale",
                ref=ref,
                user_id=user_id,
                emit_event=False,
            )
        except InsufficientStock as exc:
            raise ApiError(
                409,
                "insufficient_stock",
                str(exc),
                "lines",
                product_id=product.id,
                available=exc.available,
            ) from None


def _receipts_and_lines(
    priced: list[PricedLine], receipt_no: str
) -> tuple[tuple[VendorReceipt, ...], tuple[SaleLineRecord, ...]]:
    """One receipt per seller in the cart, in order of first appearance, each with its own
    totals and VAT split (DESIGN §4); lines in the order sent."""
    groups: dict[int, list[PricedLine]] = {}
    for p in priced:
        groups.setdefault(p.seller.id, []).append(p)
    position = {seller_id: r for r, seller_id in enumerate(groups)}
    receipts = []
    for r, group in enumerate(groups.values()):
        seller = group[0].seller
        g_total = sum(p.net for p in group)
        g_taxable = sum(p.net for p in group if p.product.tax == "taxable")
        g_split = money.vat_split(g_taxable, g_total - g_taxable)
        receipts.append(
            VendorReceipt(
                position=r,
                receipt_no=receipt_no if len(groups) == 1 else f"{receipt_no}-{r + 1}",
                vendor_id=seller.id,
                vendor_name=seller.name,
                vendor_owner=seller.owner,
                vendor_brn=seller.brn,
                vendor_address=seller.address,
                vendor_phone=seller.phone,
                subtotal=sum(p.amount for p in group),
                discount=sum(p.discount_share for p in group),
                total=g_total,
                taxable_supply=g_split.taxable_supply,
                vat=g_split.vat,
                exempt=g_split.exempt,
            )
        )
    # lines keep the order the tablet sent (DESIGN §5); each names its receipt
    ordered = priced
    lines = tuple(
        SaleLineRecord(
            position=i,
            receipt_position=position[p.seller.id],
            product_id=p.product.id,
            sku=p.product.sku,
            name=p.product.name,
            options=tuple(LineOption(o.id, o.group_name, o.name, o.price_delta) for o in p.options),
            unit_price=p.unit_price,
            qty=p.qty,
            amount=p.amount,
            discount_share=p.discount_share,
            tax=p.product.tax,
            vendor_id=p.seller.id,
            track_stock=p.product.track_stock,
            line_discount=p.line_discount,
            line_discount_reason=p.line_discount_reason,
            made_to_order=p.product.made_to_order,
            campaign_id=p.product.campaign_id,
        )
        for i, p in enumerate(ordered)
    )
    return tuple(receipts), lines

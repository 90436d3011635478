"""Checkout: price on the server, move stock, write the sale, its outbox event and print job in
one transaction. Flushes only; the request boundary commits.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from inventory.models import Option, OptionGroup, Product, Site, Vendor
from inventory.stock import InsufficientStock, move_stock
from pos import money
from pos.api import ApiError
from pos.db import db, utcnow

from .identifiers import BadIdentifier, mask_card, mask_cash_receipt_id
from .models import (
    CASH_LIKE,
    CashReceipt,
    OrderCounter,
    Payment,
    Sale,
    SaleLine,
    SaleReceipt,
)
from .schemas import SaleIn

KST = ZoneInfo("Asia/Seoul")


def local_time(utc_naive: datetime) -> datetime:
    return utc_naive.replace(tzinfo=UTC).astimezone(KST)


def request_hash(payload: SaleIn) -> str:
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def next_order_number(site_id: int, day: date) -> int:
    """Atomic upsert: concurrent sales at one site never share a number."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(OrderCounter).values(site_id=site_id, day=day, last_number=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["site_id", "day"],
        set_={"last_number": OrderCounter.last_number + 1},
    ).returning(OrderCounter.last_number)
    return db.session.execute(stmt).scalar_one()


@dataclass
class _PricedLine:
    product: Product
    qty: int
    options: list[Option]
    unit_price: int
    amount: int
    seller: Vendor
    discount_share: int = 0


@dataclass
class _ReceiptGroup:
    seller: Vendor
    lines: list[_PricedLine] = field(default_factory=list)


def _load_products(ids: set[int]) -> dict[int, Product]:
    rows = db.session.scalars(
        select(Product)
        .where(Product.id.in_(ids))
        .options(
            selectinload(Product.option_groups).selectinload(OptionGroup.options),
            selectinload(Product.vendor),
        )
    )
    return {p.id: p for p in rows}


def _price_line(index: int, product: Product, option_ids: list[int]) -> tuple[list[Option], int]:
    """Validate the chosen options against the product's groups; return them and the unit price."""
    by_id = {o.id: o for g in product.option_groups for o in g.options if o.active}
    where = f"lines.{index}.options"
    chosen: list[Option] = []
    for oid in option_ids:
        if oid not in by_id:
            raise ApiError(422, "invalid_option", f"{product.name}에 없는 옵션입니다", where)
        chosen.append(by_id[oid])
    per_group = Counter(o.group_id for o in chosen)
    for group in product.option_groups:
        count = per_group.get(group.id, 0)
        if group.required and count == 0:
            raise ApiError(
                422, "option_required", f"{product.name}: {group.name}을(를) 선택하세요", where
            )
        if count > group.max_select:
            raise ApiError(
                422,
                "too_many_options",
                f"{product.name}: {group.name}은(는) {group.max_select}개까지 선택할 수 있습니다",
                where,
            )
    chosen.sort(key=lambda o: (o.group.sort, o.group_id, o.sort, o.id))
    return chosen, product.price + sum(o.price_delta for o in chosen)


def _seller(site: Site, product: Product) -> Vendor:
    """At a café the centre running it sells everything; at a fair, whoever brought the goods."""
    return product.vendor if site.kind == "fair" else site.vendor


def checkout(payload: SaleIn, site: Site, user_id: int | None, receipt_base: str) -> Sale:
    """Create the sale, or raise ApiError; the caller commits."""
    sale_id = str(payload.id)
    products = _load_products({line.product_id for line in payload.lines})
    priced: list[_PricedLine] = []
    for i, line in enumerate(payload.lines):
        product = products.get(line.product_id)
        if product is None or not product.active:
            raise ApiError(
                422, "unknown_product", "판매할 수 없는 상품입니다", f"lines.{i}.product_id"
            )
        if product.sold_out:
            raise ApiError(
                409,
                "sold_out",
                f"{product.name}은(는) 품절입니다",
                f"lines.{i}.product_id",
                product_id=product.id,
            )
        options, unit_price = _price_line(i, product, line.options)
        if unit_price < 0:
            raise ApiError(422, "invalid_option", "옵션 가격이 상품 가격보다 큽니다", f"lines.{i}")
        priced.append(
            _PricedLine(
                product=product,
                qty=line.qty,
                options=options,
                unit_price=unit_price,
                amount=unit_price * line.qty,
                seller=_seller(site, product),
            )
        )
    subtotal = sum(p.amount for p in priced)
    if payload.discount > subtotal:
        raise ApiError(422, "invalid_discount", "할인 금액이 판매 금액보다 큽니다", "discount")
    for p, share in zip(
        priced, money.allocate(payload.discount, [p.amount for p in priced]), strict=True
    ):
        p.discount_share = share
    total = subtotal - payload.discount

    payments, change_due = _check_payments(payload, total)
    cash_receipt = _check_cash_receipt(payload)

    groups: dict[int, _ReceiptGroup] = {}
    for p in priced:
        groups.setdefault(p.seller.id, _ReceiptGroup(p.seller)).lines.append(p)

    # Stock first: refusing here leaves nothing behind (the caller rolls back).
    needed: Counter[int] = Counter()
    for p in priced:
        if p.product.track_stock:
            needed[p.product.id] += p.qty
    for product_id in sorted(needed):
        product = products[product_id]
        try:
            move_stock(
                site,
                product,
                -needed[product_id],
                "sale",
                ref=f"sale:{sale_id}",
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

    now = utcnow()
    day = local_time(now).date()
    number = next_order_number(site.id, day)
    receipt_no = f"{site.code}-{day:%Y%m%d}-{number:04d}"
    token = secrets.token_urlsafe(18)
    taxable_total = sum(p.amount - p.discount_share for p in priced if p.product.tax == "taxable")
    split = money.vat_split(taxable_total, total - taxable_total)
    sale = Sale(
        id=sale_id,
        site_id=site.id,
        user_id=user_id,
        number=number,
        business_day=day,
        receipt_no=receipt_no,
        status="completed",
        subtotal=subtotal,
        discount=payload.discount,
        total=total,
        taxable_total=taxable_total,
        taxable_supply=split.taxable_supply,
        vat=split.vat,
        exempt=split.exempt,
        change_due=change_due,
        request_hash=request_hash(payload),
        receipt_token=token,
        receipt_url=f"{receipt_base.rstrip('/')}/r/{sale_id}?t={token}",
        created_at=now,
    )
    position = 0
    for r_index, group in enumerate(groups.values()):
        g_total = sum(p.amount - p.discount_share for p in group.lines)
        g_taxable = sum(
            p.amount - p.discount_share for p in group.lines if p.product.tax == "taxable"
        )
        g_split = money.vat_split(g_taxable, g_total - g_taxable)
        seller = group.seller
        sale.receipts.append(
            SaleReceipt(
                position=r_index,
                receipt_no=receipt_no if len(groups) == 1 else f"{receipt_no}-{r_index + 1}",
                vendor_id=seller.id,
                vendor_name=seller.name,
                vendor_owner=seller.owner,
                vendor_brn=seller.brn,
                vendor_address=seller.address,
                vendor_phone=seller.phone,
                subtotal=sum(p.amount for p in group.lines),
                discount=sum(p.discount_share for p in group.lines),
                total=g_total,
                taxable_supply=g_split.taxable_supply,
                vat=g_split.vat,
                exempt=g_split.exempt,
            )
        )
        for p in group.lines:
            sale.lines.append(
                SaleLine(
                    position=position,
                    receipt_position=r_index,
                    product_id=p.product.id,
                    sku=p.product.sku,
                    name=p.product.name,
                    options_json=json.dumps(
                        [
                            {
                                "id": o.id,
                                "group": o.group.name,
                                "name": o.name,
                                "price_delta": o.price_delta,
                            }
                            for o in p.options
                        ],
                        ensure_ascii=False,
                    ),
                    unit_price=p.unit_price,
                    qty=p.qty,
                    amount=p.amount,
                    discount_share=p.discount_share,
                    tax=p.product.tax,
                    vendor_id=seller.id,
                    track_stock=p.product.track_stock,
                )
            )
            position += 1
    sale.payments.extend(payments)
    if cash_receipt is not None:
        sale.cash_receipt = cash_receipt
    db.session.add(sale)
    db.session.flush()
    return sale


def _check_payments(payload: SaleIn, total: int) -> tuple[list[Payment], int]:
    paid = sum(p.amount for p in payload.payments)
    if paid != total:
        raise ApiError(
            422,
            "payment_mismatch",
            f"결제 금액 합계 {money.won(paid)}이(가) 판매 금액 {money.won(total)}과(와) 다릅니다",
            "payments",
        )
    rows: list[Payment] = []
    change_due = 0
    for i, p in enumerate(payload.payments):
        where = f"payments.{i}"
        change = 0
        tendered = None
        if p.method == "cash":
            tendered = p.amount if p.tendered is None else p.tendered
            if tendered < p.amount:
                raise ApiError(
                    422, "tendered_short", "받은 금액이 결제 금액보다 적습니다", f"{where}.tendered"
                )
            change = tendered - p.amount
            change_due += change
        elif p.tendered is not None and p.tendered != p.amount:
            raise ApiError(422, "invalid", "받은 금액은 현금 결제에만 씁니다", f"{where}.tendered")
        if p.method == "card" and not p.approval_no:
            raise ApiError(
                422, "approval_required", "카드 승인번호를 입력하세요", f"{where}.approval_no"
            )
        if p.method != "card" and (p.card_no or p.installment):
            raise ApiError(422, "invalid", "카드 정보는 카드 결제에만 씁니다", where)
        rows.append(
            Payment(
                position=i,
                method=p.method,
                amount=p.amount,
                tendered=tendered,
                change=change,
                approval_no=p.approval_no,
                issuer=p.issuer,
                masked_card=mask_card(p.card_no),
                installment=(p.installment or 0) if p.method == "card" else None,
            )
        )
    return rows, change_due


def _check_cash_receipt(payload: SaleIn) -> CashReceipt | None:
    req = payload.cash_receipt
    if req is None:
        return None
    if not any(p.method in CASH_LIKE for p in payload.payments):
        raise ApiError(
            422,
            "cash_receipt_not_cash",
            "현금영수증은 현금이나 계좌이체 결제에만 발급합니다",
            "cash_receipt",
        )
    try:
        id_type, masked = mask_cash_receipt_id(req.identifier)
    except BadIdentifier as exc:
        raise ApiError(422, "invalid_identifier", str(exc), "cash_receipt.identifier") from None
    return CashReceipt(purpose=req.purpose, id_type=id_type, masked_id=masked)

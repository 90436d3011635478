"""Checkout: price on the server, move stock, write the sale, its outbox event and print job in
one transaction. Writes through Core with the rows kept in memory (``SaleRecord``), so the
response is built from what was written without reading it back; the caller commits.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from inventory.cache import OptionInfo, PricingCatalog, ProductInfo, SiteInfo, VendorInfo
from inventory.stock import InsufficientStock, move_stock
from pos import money
from pos.api import ApiError
from pos.db import db, dialect_insert, utcnow

from .identifiers import BadIdentifier, mask_card, mask_cash_receipt_id
from .models import CASH_LIKE, CashReceipt, OrderCounter, Payment, Sale, SaleLine, SaleReceipt
from .schemas import SaleIn

KST = ZoneInfo("Asia/Seoul")


def local_time(utc_naive: datetime) -> datetime:
    return utc_naive.replace(tzinfo=UTC).astimezone(KST)


def request_hash(payload: SaleIn) -> str:
    """Fingerprint of a checkout body, taken after masking card numbers and 현금영수증 ids so
    the stored hash cannot be brute-forced back into them."""
    body = payload.model_dump(mode="json")
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


@dataclass
class SaleRecord:
    """A sale as the rows of its tables (column name -> value), in position order."""

    sale: dict
    receipts: list[dict]
    lines: list[dict]
    payments: list[dict]
    cash_receipt: dict | None = None


def line_view(ln: dict) -> dict:
    """A stored sale line as the API and the outbox event both show it."""
    return {
        "sku": ln["sku"],
        "name": ln["name"],
        "options": json.loads(ln["options_json"]),
        "unit_price": ln["unit_price"],
        "qty": ln["qty"],
        "amount": ln["amount"],
        "discount": ln["discount_share"],
        "tax": ln["tax"],
    }


def load_sale_record(sale_id: str) -> SaleRecord | None:
    def rows(model, order):
        table = model.__table__
        stmt = select(table).where(table.c.sale_id == sale_id).order_by(table.c[order])
        return [dict(r) for r in db.session.execute(stmt).mappings()]

    sale = db.session.execute(select(Sale.__table__).where(Sale.id == sale_id)).mappings().first()
    if sale is None:
        return None
    cash = rows(CashReceipt, "sale_id")
    return SaleRecord(
        sale=dict(sale),
        receipts=rows(SaleReceipt, "position"),
        lines=rows(SaleLine, "position"),
        payments=rows(Payment, "position"),
        cash_receipt=cash[0] if cash else None,
    )


def next_order_number(site_id: int, day: date) -> int:
    """Atomic upsert: concurrent sales at one site never share a number."""
    stmt = dialect_insert(OrderCounter.__table__).values(site_id=site_id, day=day, last_number=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["site_id", "day"],
        set_={"last_number": OrderCounter.__table__.c.last_number + 1},
    ).returning(OrderCounter.__table__.c.last_number)
    return db.session.execute(stmt).scalar_one()


@dataclass
class _PricedLine:
    product: ProductInfo
    qty: int
    options: list[OptionInfo]
    unit_price: int
    amount: int
    seller: VendorInfo
    discount_share: int = 0

    @property
    def net(self) -> int:
        return self.amount - self.discount_share


@dataclass
class _ReceiptGroup:
    seller: VendorInfo
    lines: list[_PricedLine] = field(default_factory=list)


def _price_line(
    index: int, product: ProductInfo, option_ids: list[int]
) -> tuple[list[OptionInfo], int]:
    """Validate the chosen options against the product's groups; return them and the price."""
    by_id = {oid: o for g in product.groups for oid, o in g.options.items()}
    where = f"lines.{index}.options"
    chosen: list[OptionInfo] = []
    for oid in option_ids:
        if oid not in by_id:
            raise ApiError(422, "invalid_option", f"{product.name}에 없는 옵션입니다", where)
        chosen.append(by_id[oid])
    per_group = Counter(o.group_id for o in chosen)
    for group in product.groups:
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
    chosen.sort(key=lambda o: (o.group_sort, o.group_id, o.sort, o.id))
    unit_price = product.price + sum(o.price_delta for o in chosen)
    if unit_price < 0:
        raise ApiError(422, "invalid_option", "옵션 가격이 상품 가격보다 큽니다", where)
    return chosen, unit_price


def _price_lines(payload: SaleIn, site: SiteInfo, catalog: PricingCatalog) -> list[_PricedLine]:
    priced = []
    for i, line in enumerate(payload.lines):
        product = catalog.products.get(line.product_id)
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
        # At a café the centre running it sells everything; at a fair, whoever brought it.
        seller = catalog.vendors[product.vendor_id if site.kind == "fair" else site.vendor_id]
        priced.append(
            _PricedLine(product, line.qty, options, unit_price, unit_price * line.qty, seller)
        )
    return priced


def checkout(
    payload: SaleIn,
    site: SiteInfo,
    catalog: PricingCatalog,
    user_id: int | None,
    receipt_base: str,
) -> SaleRecord:
    """Create the sale, or raise ApiError before anything is written that the caller keeps."""
    sale_id = str(payload.id)
    priced = _price_lines(payload, site, catalog)
    subtotal = sum(p.amount for p in priced)
    if payload.discount > subtotal:
        raise ApiError(422, "invalid_discount", "할인 금액이 판매 금액보다 큽니다", "discount")
    shares = money.apportion(payload.discount, [p.amount for p in priced])
    for p, share in zip(priced, shares, strict=True):
        p.discount_share = share
    total = subtotal - payload.discount
    payments, change_due = _check_payments(payload, total)
    cash_receipt = _check_cash_receipt(payload)

    # Stock first: a refusal here leaves nothing behind (the caller rolls back).
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
    taxable_total = sum(p.net for p in priced if p.product.tax == "taxable")
    split = money.vat_split(taxable_total, total - taxable_total)
    record = SaleRecord(
        sale={
            "id": sale_id,
            "site_id": site.id,
            "user_id": user_id,
            "number": number,
            "business_day": day,
            "receipt_no": receipt_no,
            "status": "completed",
            "subtotal": subtotal,
            "discount": payload.discount,
            "total": total,
            "taxable_total": taxable_total,
            "taxable_supply": split.taxable_supply,
            "vat": split.vat,
            "exempt": split.exempt,
            "change_due": change_due,
            "request_hash": request_hash(payload),
            "receipt_token": token,
            "receipt_url": f"{receipt_base.rstrip('/')}/r/{sale_id}?t={token}",
            "created_at": now,
        },
        receipts=[],
        lines=[],
        payments=[dict(p, sale_id=sale_id) for p in payments],
        cash_receipt=dict(cash_receipt, sale_id=sale_id) if cash_receipt else None,
    )
    groups: dict[int, _ReceiptGroup] = {}
    for p in priced:
        groups.setdefault(p.seller.id, _ReceiptGroup(p.seller)).lines.append(p)
    for r_index, group in enumerate(groups.values()):
        g_total = sum(p.net for p in group.lines)
        g_taxable = sum(p.net for p in group.lines if p.product.tax == "taxable")
        g_split = money.vat_split(g_taxable, g_total - g_taxable)
        seller = group.seller
        record.receipts.append(
            {
                "sale_id": sale_id,
                "position": r_index,
                "receipt_no": receipt_no if len(groups) == 1 else f"{receipt_no}-{r_index + 1}",
                "vendor_id": seller.id,
                "vendor_name": seller.name,
                "vendor_owner": seller.owner,
                "vendor_brn": seller.brn,
                "vendor_address": seller.address,
                "vendor_phone": seller.phone,
                "subtotal": sum(p.amount for p in group.lines),
                "discount": sum(p.discount_share for p in group.lines),
                "total": g_total,
                "taxable_supply": g_split.taxable_supply,
                "vat": g_split.vat,
                "exempt": g_split.exempt,
            }
        )
        for p in group.lines:
            record.lines.append(
                {
                    "sale_id": sale_id,
                    "position": len(record.lines),
                    "receipt_position": r_index,
                    "product_id": p.product.id,
                    "sku": p.product.sku,
                    "name": p.product.name,
                    "options_json": json.dumps(
                        [
                            {
                                "id": o.id,
                                "group": o.group_name,
                                "name": o.name,
                                "price_delta": o.price_delta,
                            }
                            for o in p.options
                        ],
                        ensure_ascii=False,
                    ),
                    "unit_price": p.unit_price,
                    "qty": p.qty,
                    "amount": p.amount,
                    "discount_share": p.discount_share,
                    "tax": p.product.tax,
                    "vendor_id": seller.id,
                    "track_stock": p.product.track_stock,
                }
            )
    session = db.session
    session.execute(insert(Sale.__table__), [record.sale])
    session.execute(insert(SaleReceipt.__table__), record.receipts)
    session.execute(insert(SaleLine.__table__), record.lines)
    session.execute(insert(Payment.__table__), record.payments)
    if record.cash_receipt:
        session.execute(insert(CashReceipt.__table__), [record.cash_receipt])
    return record


def _check_payments(payload: SaleIn, total: int) -> tuple[list[dict], int]:
    paid = sum(p.amount for p in payload.payments)
    if paid != total:
        raise ApiError(
            422,
            "payment_mismatch",
            f"결제 금액 합계 {money.won(paid)}이(가) 판매 금액 {money.won(total)}과(와) 다릅니다",
            "payments",
        )
    rows: list[dict] = []
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
            {
                "position": i,
                "method": p.method,
                "amount": p.amount,
                "tendered": tendered,
                "change": change,
                "approval_no": p.approval_no,
                "issuer": p.issuer,
                "masked_card": mask_card(p.card_no),
                "installment": (p.installment or 0) if p.method == "card" else None,
            }
        )
    return rows, change_due


def _check_cash_receipt(payload: SaleIn) -> dict | None:
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
    return {"purpose": req.purpose, "id_type": id_type, "masked_id": masked}

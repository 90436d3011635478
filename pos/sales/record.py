"""One typed record of a placed sale, read by everything that shows it.

The checkout builds a ``SaleRecord`` from what it writes and ``load_sale_record`` rebuilds the
same record from the rows, so the API's JSON (``sale_view``), the outbox event
(``events.sale_event_payload``) and the receipts (``pos.receipts.documents``) all show one sale
the same way and none of them reads the tables on its own.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Column, select

from pos import money
from pos.db import db
from pos.refunds.record import RefundRecord, is_voidable, refunded_by_line, refunds_view

from .enums import CASH_LIKE, CashReceiptPurpose, PaymentMethod, SaleStatus
from .models import CashReceipt, Payment, Sale, SaleLine, SaleReceipt

KST = ZoneInfo("Asia/Seoul")


def local_time(utc_naive: datetime) -> datetime:
    """Stored times are naive UTC; people read Seoul time."""
    return utc_naive.replace(tzinfo=UTC).astimezone(KST)


@dataclass(frozen=True)
class LineOption:
    """An option as chosen, copied at the time of sale (its name or price may change later)."""

    id: int
    group: str
    name: str
    price_delta: int = 0


@dataclass(frozen=True)
class SaleLineRecord:
    position: int
    #: index into the sale's receipts (which seller this line belongs to)
    receipt_position: int
    product_id: int
    sku: str
    name: str
    options: tuple[LineOption, ...]
    unit_price: int
    qty: int
    #: unit_price * qty, before the sale discount
    amount: int
    discount_share: int
    tax: str
    vendor_id: int
    track_stock: bool
    #: won off this line by its own discount (part of ``discount_share``)
    line_discount: int = 0
    line_discount_reason: str | None = None
    made_to_order: bool = False
    campaign_id: int | None = None

    @property
    def net(self) -> int:
        """What the line cost after every discount."""
        return self.amount - self.discount_share

    def view(self) -> dict:
        """The line as the API and the outbox event both show it."""
        return {
            "sku": self.sku,
            "name": self.name,
            "options": [dataclasses.asdict(o) for o in self.options],
            "unit_price": self.unit_price,
            "qty": self.qty,
            "amount": self.amount,
            "discount": self.discount_share,
            "line_discount": self.line_discount,
            "discount_reason": self.line_discount_reason,
            "tax": self.tax,
        }


@dataclass(frozen=True)
class VendorReceipt:
    """One legal seller's part of the sale, with the seller's details as they were then."""

    position: int
    receipt_no: str
    vendor_id: int
    vendor_name: str
    vendor_owner: str
    vendor_brn: str
    vendor_address: str
    vendor_phone: str
    subtotal: int
    discount: int
    total: int
    taxable_supply: int
    vat: int
    exempt: int


@dataclass(frozen=True)
class PaymentRecord:
    position: int
    method: PaymentMethod
    amount: int
    tendered: int | None
    change: int
    approval_no: str | None
    issuer: str | None
    #: first 4 and last 4 digits at most, never the card number
    masked_card: str | None
    installment: int | None


@dataclass(frozen=True)
class CashReceiptRecord:
    purpose: CashReceiptPurpose
    #: phone, brn or card
    id_type: str
    masked_id: str
    #: 현금영수증 승인번호 once issued on the terminal or 홈택스
    approval_no: str | None = None
    issued_at: datetime | None = None


@dataclass(frozen=True)
class SaleRecord:
    """A sale with its receipts per vendor, lines, payments and 현금영수증, as stored.

    ``site_code``, ``site_name``, ``username`` and ``cashier`` are not columns of ``sales``:
    they are what the sale's site and user were called, so no reader looks them up again.
    """

    id: str
    site_id: int
    site_code: str
    site_name: str
    user_id: int | None
    username: str | None
    #: the cashier's display name
    cashier: str | None
    number: int
    business_day: date
    receipt_no: str
    status: SaleStatus
    subtotal: int
    discount: int
    total: int
    #: VAT-inclusive taxable total after discounts (T in DESIGN §4)
    taxable_total: int
    taxable_supply: int
    vat: int
    exempt: int
    change_due: int
    request_hash: str
    receipt_token: str
    receipt_url: str
    created_at: datetime
    receipts: tuple[VendorReceipt, ...]
    lines: tuple[SaleLineRecord, ...]
    payments: tuple[PaymentRecord, ...]
    cash_receipt: CashReceiptRecord | None = None
    #: the cashier's open shift, if any
    shift_id: str | None = None
    #: "here" (매장) or "togo" (포장)
    order_type: str | None = None
    #: why the order discount was given
    discount_reason: str | None = None
    #: the manager who approved a discount over the limit
    discount_approver_id: int | None = None

    @property
    def order_discount(self) -> int:
        """Won off the whole sale (the discounts less the lines' own)."""
        return self.discount - sum(ln.line_discount for ln in self.lines)

    @property
    def vat_split(self) -> money.VatSplit:
        return money.VatSplit(self.taxable_supply, self.vat, self.exempt)

    def table_rows(self) -> dict[type, list[dict]]:
        """Model -> rows to insert, column name -> value (the checkout writes through Core)."""
        sale_columns = {c.name for c in Sale.__table__.columns}
        sale = {k: v for k, v in _fields(self).items() if k in sale_columns}
        rows: dict[type, list[dict]] = {
            Sale: [sale],
            SaleReceipt: [dict(_fields(r), sale_id=self.id) for r in self.receipts],
            SaleLine: [_line_row(ln, self.id) for ln in self.lines],
            Payment: [dict(_fields(p), sale_id=self.id) for p in self.payments],
        }
        if self.cash_receipt:
            rows[CashReceipt] = [dict(_fields(self.cash_receipt), sale_id=self.id)]
        return rows


def _fields(obj) -> dict:
    """A record's own fields, shallow (nested records stay records)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def _line_row(ln: SaleLineRecord, sale_id: str) -> dict:
    row = _fields(ln)
    options = [dataclasses.asdict(o) for o in row.pop("options")]
    return dict(row, sale_id=sale_id, options_json=json.dumps(options, ensure_ascii=False))


def _pick(cls, row) -> dict:
    return {f.name: row[f.name] for f in dataclasses.fields(cls) if f.name in row}


def _target(column: Column):
    """The table a foreign key column points at (sites, users), without importing its model."""
    return next(iter(column.foreign_keys)).column.table


def load_sale_record(sale_id: str) -> SaleRecord | None:
    """The stored sale as a record, or None: five small SELECTs, no ORM objects."""
    sales = Sale.__table__
    sites, users = _target(sales.c.site_id), _target(sales.c.user_id)
    stmt = (
        select(
            sales,
            sites.c.code.label("site_code"),
            sites.c.name.label("site_name"),
            users.c.username,
            users.c.display_name.label("cashier"),
        )
        .join(sites, sites.c.id == sales.c.site_id)
        .outerjoin(users, users.c.id == sales.c.user_id)
        .where(sales.c.id == sale_id)
    )
    sale = db.session.execute(stmt).mappings().first()
    if sale is None:
        return None

    def rows(model, order: str = "position"):
        table = model.__table__
        q = select(table).where(table.c.sale_id == sale_id).order_by(table.c[order])
        return db.session.execute(q).mappings().all()

    cash = rows(CashReceipt, "sale_id")
    head = _pick(SaleRecord, sale)
    return SaleRecord(
        **dict(head, status=SaleStatus(sale["status"])),
        receipts=tuple(VendorReceipt(**_pick(VendorReceipt, r)) for r in rows(SaleReceipt)),
        lines=tuple(
            SaleLineRecord(
                **dict(
                    _pick(SaleLineRecord, r),
                    options=tuple(LineOption(**o) for o in json.loads(r["options_json"])),
                )
            )
            for r in rows(SaleLine)
        ),
        payments=tuple(
            PaymentRecord(**dict(_pick(PaymentRecord, r), method=PaymentMethod(r["method"])))
            for r in rows(Payment)
        ),
        cash_receipt=(
            CashReceiptRecord(
                CashReceiptPurpose(cash[0]["purpose"]),
                cash[0]["id_type"],
                cash[0]["masked_id"],
                cash[0]["approval_no"],
                cash[0]["issued_at"],
            )
            if cash
            else None
        ),
    )


def cash_like_amount(payments) -> int:
    """What a 현금영수증 covers: the cash and transfer tenders."""
    return sum(p.amount for p in payments if p.method in CASH_LIKE)


def _line_refunds(ln: SaleLineRecord, refunded: dict[int, tuple[int, int]]) -> dict:
    units = refunded.get(ln.position, (0, 0))[0]
    return {"refunded": units, "refundable": ln.qty - units}


def sale_view(rec: SaleRecord, refunds: Sequence[RefundRecord] | None = None) -> dict:
    """The sale as the API shows it (DESIGN §5), all but its print job's state. ``refunds``:
    the sale's refunds as read back (GET /api/sales/ID), which also gives each line its
    ``refunded`` and ``refundable`` units; None for a sale just placed (nothing refunded)."""
    tender_splits = money.tender_vat(rec.vat_split, [p.amount for p in rec.payments])
    cash = rec.cash_receipt
    read_back = refunds is not None
    refunds = refunds or ()
    refunded = refunded_by_line(refunds)
    return {
        "id": rec.id,
        "number": rec.number,
        "receipt_no": rec.receipt_no,
        "status": rec.status.value,
        "site": rec.site_code,
        "cashier": rec.cashier,
        "created_at": local_time(rec.created_at).isoformat(),
        "subtotal": rec.subtotal,
        "discount": rec.discount,
        "order_discount": rec.order_discount,
        "discount_reason": rec.discount_reason,
        "order_type": rec.order_type,
        "total": rec.total,
        "taxable_total": rec.taxable_total,
        "taxable": rec.taxable_supply,
        "vat": rec.vat,
        "exempt": rec.exempt,
        "change": rec.change_due,
        "lines": [
            {
                "product_id": ln.product_id,
                **ln.view(),
                "receipt": ln.receipt_position,
                **(_line_refunds(ln, refunded) if read_back else {}),
            }
            for ln in rec.lines
        ],
        "payments": [
            {
                "method": p.method.value,
                "label": p.method.label,
                "amount": p.amount,
                "tendered": p.tendered,
                "change": p.change,
                "approval_no": p.approval_no,
                "issuer": p.issuer,
                "card_no": p.masked_card,
                "installment": p.installment,
                # DESIGN §4: the VAT split allocated to this tender
                "taxable": t.taxable_supply,
                "vat": t.vat,
                "exempt": t.exempt,
            }
            for p, t in zip(rec.payments, tender_splits, strict=True)
        ],
        "cash_receipt": (
            {
                "purpose": cash.purpose.value,
                "label": cash.purpose.label,
                "identifier": cash.masked_id,
                "amount": cash_like_amount(rec.payments),
                "approval_no": cash.approval_no,
                "issued": cash.issued_at is not None,
            }
            if cash
            else None
        ),
        "receipts": [
            {
                "receipt_no": r.receipt_no,
                "vendor": {"name": r.vendor_name, "owner": r.vendor_owner, "brn": r.vendor_brn},
                "subtotal": r.subtotal,
                "discount": r.discount,
                "total": r.total,
                "taxable": r.taxable_supply,
                "vat": r.vat,
                "exempt": r.exempt,
            }
            for r in rec.receipts
        ],
        "receipt_url": rec.receipt_url,
        "refunds": refunds_view(refunds),
        "refunded_total": sum(r.total for r in refunds),
        "refundable_total": rec.total - sum(r.total for r in refunds),
        "voidable": is_voidable(rec.status, rec.created_at, refunds),
    }

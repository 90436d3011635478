"""Central fact tables: every synced sale, refund, stock move, shift, cash move and donation.

Each row is keyed ``(site_id, day, …)``: ``site_id`` is the Citus distribution column and
``day`` (the Korean business day) the month partition key on PostgreSQL, so old months can be
detached and a query for one site and period touches few partitions. No foreign keys: ingest
resolved every id before writing, and per-row FK triggers would slow the bulk inserts.
Only ingest writes here; reports read the rollups (``pos.central.rollups``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from pos.db import db

#: PostgreSQL declarative partitioning by month (SQLite ignores the keyword)
MONTHLY = {"postgresql_partition_by": "RANGE (day)"}


class CSale(db.Model):
    """One sale as the branch completed it (the totals as printed)."""

    __tablename__ = "c_sales"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Korean business day of the sale
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: the sale's UUID, made on the branch
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: the day's order number at the branch
    number: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(40))
    #: UTC
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: local hour 0–23 (Asia/Seoul)
    hour: Mapped[int] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(60))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    #: 과세물품가액 (공급가액)
    taxable: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)
    exempt: Mapped[int] = mapped_column(BigInteger)
    #: units sold
    items: Mapped[int] = mapped_column(Integer)


class CSaleLine(db.Model):
    """A sale line with the names and amounts as sold."""

    __tablename__ = "c_sale_lines"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: 1-based place in the sale
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: this database's products.id
    product_id: Mapped[int] = mapped_column(Integer)
    #: this database's vendors.id (the line's receipt)
    vendor_id: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    #: 과세 or 면세, as sold
    tax: Mapped[str] = mapped_column(String(16))
    qty: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    #: unit price × qty, before discounts
    amount: Mapped[int] = mapped_column(BigInteger)
    #: won off the line (its own and its share of the sale's)
    discount: Mapped[int] = mapped_column(BigInteger)
    #: amount − discount: what the line brought in
    net: Mapped[int] = mapped_column(BigInteger)


class CSalePayment(db.Model):
    """One tender of a sale (amount paid, not cash tendered)."""

    __tablename__ = "c_sale_payments"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: 1-based place in the sale
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)


class CRefund(db.Model):
    """A refund, counted on its own business day."""

    __tablename__ = "c_refunds"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Korean business day of the refund (not of the sale)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(String(36))
    #: whole, lines or void
    kind: Mapped[str] = mapped_column(String(16))
    receipt_no: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(String(200))
    #: amounts refunded, positive
    total: Mapped[int] = mapped_column(BigInteger)
    taxable: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[int] = mapped_column(BigInteger)
    exempt: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[int] = mapped_column(Integer)


class CRefundLine(db.Model):
    __tablename__ = "c_refund_lines"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    refund_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: 1-based place of the sale line refunded
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer)
    vendor_id: Mapped[int] = mapped_column(Integer)
    tax: Mapped[str] = mapped_column(String(16))
    qty: Mapped[int] = mapped_column(Integer)
    #: won refunded for the line, positive
    amount: Mapped[int] = mapped_column(BigInteger)
    restocked: Mapped[bool] = mapped_column(Boolean)


class CRefundPayment(db.Model):
    __tablename__ = "c_refund_payments"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    refund_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(20))
    #: won paid back, positive
    amount: Mapped[int] = mapped_column(BigInteger)


class CStockMove(db.Model):
    """The branch's stock ledger, move by move."""

    __tablename__ = "c_stock_moves"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer)
    #: signed
    qty: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))
    ref: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime)


class CStockLevel(db.Model):
    """On-hand per site and product: the sum of its synced moves (not partitioned: no day)."""

    __tablename__ = "c_stock_levels"

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer)
    #: time of the latest move applied (UTC)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class CShift(db.Model):
    """A till shift; open while ``closed_at`` is empty."""

    __tablename__ = "c_shifts"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Korean business day it opened
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str | None] = mapped_column(String(60))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    opening_float: Mapped[int] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    counted_cash: Mapped[int | None] = mapped_column(BigInteger)
    expected_cash: Mapped[int | None] = mapped_column(BigInteger)
    over_short: Mapped[int | None] = mapped_column(BigInteger)
    cash_sales: Mapped[int | None] = mapped_column(BigInteger)
    cash_refunds: Mapped[int | None] = mapped_column(BigInteger)
    #: won totals of the shift, from its Z report
    sales: Mapped[int | None] = mapped_column(BigInteger)
    refunds: Mapped[int | None] = mapped_column(BigInteger)
    discounts: Mapped[int | None] = mapped_column(BigInteger)


class CCashMove(db.Model):
    """Cash paid in or out of a drawer, or a no-sale opening."""

    __tablename__ = "c_cash_moves"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shift_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(DateTime)


class CDonation(db.Model):
    """만원의 행복: units of a campaign handed over to a recipient."""

    __tablename__ = "c_donations"
    __table_args__ = (MONTHLY,)

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the day it was handed over
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(Integer)
    qty: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(120))


#: the month-partitioned tables (pos.central.partitions makes their months), in the one order
#: ingest writes them and makes their partitions, so a batch meeting a new month and another
#: batch writing never wait for each other's tables crosswise (c_shifts last: its upserts run
#: after the inserts)
PARTITIONED = tuple(
    m.__table__
    for m in (
        CSale,
        CSaleLine,
        CSalePayment,
        CRefund,
        CRefundLine,
        CRefundPayment,
        CStockMove,
        CCashMove,
        CDonation,
        CShift,
    )
)


def open_site_ids() -> set[int]:
    """Sites open now: a shift opened and not closed, or a fair in state open. Central status
    highlights a silent site only while it is open (a closed café is silent by design)."""
    from .rollups import CFair

    shifts = select(CShift.site_id).where(CShift.closed_at.is_(None)).distinct()
    fairs = select(CFair.site_id).where(CFair.state == "open")
    ids = set(db.session.scalars(shifts)) | set(db.session.scalars(fairs))
    return ids


__all__ = ["PARTITIONED", "open_site_ids"]

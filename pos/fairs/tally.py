"""Running totals of a fair's sales for the live board: count, won, won per local hour, units
and won per product and won per vendor.

Built once per process with GROUP BY queries, then advanced with only the sales made since
(by ``created_at``, indexed), so a poll after a sale reads a handful of rows, not the whole
day. Checked on every use against the number of sales the site has handed out order numbers
for (``order_counters``, written in each sale's transaction, so it equals the count of sales):
any mismatch — a sale committed late with an earlier timestamp, another database — rebuilds
from scratch. Refunds (issue 7) are taken off: units and won per product and vendor, won per
hour of the sale refunded; the tally remembers the site's refund count and total and rebuilds
when either moved (refunds are few, a rebuild is a handful of GROUP BYs).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Integer, cast, func, literal_column, select

from inventory.fairs.models import Consignment, ConsignmentLine
from inventory.models import StockMove
from pos.db import db
from pos.refunds.models import Refund, RefundLine
from pos.sales.models import Sale, SaleLine

SEOUL_HOURS = 9  # Asia/Seoul is UTC+9 all year (no daylight saving)
SEOUL = timedelta(hours=SEOUL_HOURS)
_CHUNK = 500


@dataclass
class Tally:
    count: int = 0
    gross: int = 0
    hours: dict[int, int] = field(default_factory=dict)
    #: product_id → [units, won]
    sold: dict[int, list[int]] = field(default_factory=dict)
    vendor_gross: dict[int, int] = field(default_factory=dict)
    last_at: datetime | None = None
    #: sales stamped exactly ``last_at`` already counted (several may share a timestamp)
    last_ids: set[str] = field(default_factory=set)
    #: (count, won) of the site's refunds folded in
    refunds: tuple[int, int] = (0, 0)


def sold_by_product(site_id: int):
    """(vendor_id, product_id, units, won) sold at the site: line amounts after their discount
    share. With ``Tally`` the one place refunds will be taken off (issue 7), for the board and
    the settlement alike."""
    return (
        select(
            SaleLine.vendor_id,
            SaleLine.product_id,
            func.sum(SaleLine.qty).label("units"),
            func.sum(SaleLine.amount - SaleLine.discount_share).label("won"),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.site_id == site_id)
        .group_by(SaleLine.vendor_id, SaleLine.product_id)
    )


def refunded_by_product(site_id: int):
    """(vendor_id, product_id, units, won) given back by refunds and voids at the site."""
    return (
        select(
            RefundLine.vendor_id,
            RefundLine.product_id,
            func.sum(RefundLine.qty).label("units"),
            func.sum(RefundLine.amount).label("won"),
        )
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.site_id == site_id)
        .group_by(RefundLine.vendor_id, RefundLine.product_id)
    )


def refund_mark(site_id: int) -> tuple[int, int]:
    """(count, won) of the site's refunds: one indexed aggregate."""
    n, won = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Refund.total), 0)).where(
            Refund.site_id == site_id
        )
    ).one()
    return int(n), int(won)


def brought_by_product(site_id: int):
    """(product_id, units) checked in at the fair: its consignments' lines (each booked as a
    ``consign_in`` move with it), far fewer rows than the ledger of a busy day."""
    return (
        select(ConsignmentLine.product_id, func.sum(ConsignmentLine.qty))
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .where(Consignment.site_id == site_id)
        .group_by(ConsignmentLine.product_id)
    )


def moved_by_product(site_id: int, reason: str):
    """(product_id, signed units) of one move reason at the site."""
    return (
        select(StockMove.product_id, func.sum(StockMove.qty))
        .where(StockMove.site_id == site_id, StockMove.reason == reason)
        .group_by(StockMove.product_id)
    )


def local_hour_sql():
    """The sale's Asia/Seoul hour (0–23) in SQL, for SQLite and PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return cast(func.strftime("%H", Sale.created_at, f"+{SEOUL_HOURS} hours"), Integer)
    shifted = Sale.created_at + literal_column(f"interval '{SEOUL_HOURS} hours'")
    return cast(func.extract("hour", shifted), Integer)


_tallies: dict[tuple[str, int], Tally] = {}
_lock = threading.Lock()


def sales_tally(site_id: int, expected_count: int) -> Tally:
    """A copy of the site's totals, brought up to date; ``expected_count`` is the number of
    sales the site has (the sum of its order counters)."""
    key = (str(db.engine.url), site_id)
    with _lock:
        tally = _tallies.get(key)
        if tally is not None:
            _advance(tally, site_id)
        if tally is None or tally.count != expected_count or tally.refunds != refund_mark(site_id):
            tally = _full(site_id)
            _tallies[key] = tally
        return _snapshot(tally)


def _snapshot(t: Tally) -> Tally:
    """A copy the caller may read while other requests advance the shared one."""
    return Tally(
        t.count,
        t.gross,
        dict(t.hours),
        {pid: list(v) for pid, v in t.sold.items()},
        dict(t.vendor_gross),
        t.last_at,
        set(),
        t.refunds,
    )


def _full(site_id: int) -> Tally:
    t = Tally()
    for vendor_id, product_id, units, won in db.session.execute(sold_by_product(site_id)):
        entry = t.sold.setdefault(product_id, [0, 0])
        entry[0] += int(units or 0)
        entry[1] += int(won or 0)
        t.vendor_gross[vendor_id] = t.vendor_gross.get(vendor_id, 0) + int(won or 0)
    hour = local_hour_sql().label("hour")
    for h, count, won in db.session.execute(
        select(hour, func.count(), func.sum(Sale.total))
        .where(Sale.site_id == site_id)
        .group_by(hour)
    ):
        if h is not None:
            t.hours[int(h)] = int(won or 0)
        t.count += int(count)
        t.gross += int(won or 0)
    _take_refunds(t, site_id)
    t.last_at = db.session.execute(
        select(func.max(Sale.created_at)).where(Sale.site_id == site_id)
    ).scalar()
    if t.last_at is not None:
        t.last_ids = set(
            db.session.scalars(
                select(Sale.id).where(Sale.site_id == site_id, Sale.created_at == t.last_at)
            )
        )
    return t


def _take_refunds(t: Tally, site_id: int) -> None:
    """Take the site's refunds off the sales just tallied (``_full``)."""
    t.refunds = refund_mark(site_id)
    if not t.refunds[0]:
        return
    for vendor_id, product_id, units, won in db.session.execute(refunded_by_product(site_id)):
        entry = t.sold.setdefault(product_id, [0, 0])
        entry[0] -= int(units or 0)
        entry[1] -= int(won or 0)
        t.vendor_gross[vendor_id] = t.vendor_gross.get(vendor_id, 0) - int(won or 0)
    hour = local_hour_sql().label("hour")
    for h, won in db.session.execute(
        select(hour, func.sum(Refund.total))
        .join(Sale, Sale.id == Refund.sale_id)
        .where(Refund.site_id == site_id)
        .group_by(hour)
    ):
        if h is not None:
            t.hours[int(h)] = t.hours.get(int(h), 0) - int(won or 0)
    t.gross -= t.refunds[1]


def _advance(t: Tally, site_id: int) -> None:
    # by time only, so the created_at index is used (not the site's 20,000 rows); few match
    stmt = select(Sale.id, Sale.site_id, Sale.created_at, Sale.total)
    if t.last_at is not None:
        stmt = stmt.where(Sale.created_at >= t.last_at)
    else:
        stmt = stmt.where(Sale.site_id == site_id)
    new = [r for r in db.session.execute(stmt) if r.site_id == site_id and r.id not in t.last_ids]
    if not new:
        return
    for r in new:
        t.count += 1
        t.gross += int(r.total)
        h = (r.created_at + SEOUL).hour
        t.hours[h] = t.hours.get(h, 0) + int(r.total)
    ids = [r.id for r in new]
    for i in range(0, len(ids), _CHUNK):
        for vendor_id, product_id, qty, won in db.session.execute(
            select(
                SaleLine.vendor_id,
                SaleLine.product_id,
                SaleLine.qty,
                SaleLine.amount - SaleLine.discount_share,
            ).where(SaleLine.sale_id.in_(ids[i : i + _CHUNK]))
        ):
            entry = t.sold.setdefault(product_id, [0, 0])
            entry[0] += int(qty)
            entry[1] += int(won)
            t.vendor_gross[vendor_id] = t.vendor_gross.get(vendor_id, 0) + int(won)
    newest = max(r.created_at for r in new)
    if t.last_at is None or newest > t.last_at:
        t.last_ids = set()
        t.last_at = newest
    t.last_ids |= {r.id for r in new if r.created_at == t.last_at}

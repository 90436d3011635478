"""Rollups the reports read: sums per site and day (and hour, product, vendor, method,
campaign), kept by ingest in the same transaction as the facts.

Ingest adds each batch's deltas with one ``INSERT … ON CONFLICT DO UPDATE col = col +
excluded.col`` per key, so a report over two years of 250 sites reads a few thousand rows per
site instead of millions of sale lines. Figures are net: a refund subtracts on its own
business day. ``site_id`` leads every key (the Citus distribution column); each day rollup also
has an index on ``day`` that carries the summed columns, so a report over every site reads a
day range from the index alone instead of scanning the table."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    delete,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pos.db import db


def _site():
    return mapped_column(ForeignKey("sites.id"), primary_key=True)


def _won():
    return mapped_column(BigInteger, default=0)


def _count():
    return mapped_column(Integer, default=0)


class RSiteDay(db.Model):
    __tablename__ = "r_site_day"
    __table_args__ = (Index("ix_r_site_day_day", "day"),)

    site_id: Mapped[int] = _site()
    #: Korean business day
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: number of sales
    sales: Mapped[int] = _count()
    #: number of refunds
    refunds: Mapped[int] = _count()
    #: sale totals
    gross: Mapped[int] = _won()
    #: refund totals
    refunded: Mapped[int] = _won()
    #: gross − refunded
    total: Mapped[int] = _won()
    #: 과세물품가액 (공급가액), net
    taxable: Mapped[int] = _won()
    #: 부가세, net
    vat: Mapped[int] = _won()
    #: 면세물품가액, net
    exempt: Mapped[int] = _won()
    #: won taken off the sales by discounts
    discount: Mapped[int] = _won()
    #: units sold less units refunded
    items: Mapped[int] = _count()


class RSiteHour(db.Model):
    __tablename__ = "r_site_hour"
    __table_args__ = (
        Index("ix_r_site_hour_day", "day", postgresql_include=["hour", "sales", "total"]),
    )

    site_id: Mapped[int] = _site()
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: local hour 0–23 (Asia/Seoul)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: number of sales
    sales: Mapped[int] = _count()
    #: sale totals (gross)
    total: Mapped[int] = _won()


class RSiteHourMonth(db.Model):
    """The heatmap's month rollup: per site, month, weekday and hour. A day's weekday is lost
    once days are summed into months, so unlike the other twins it keys by it (0 = 월)."""

    __tablename__ = "r_site_hour_month"
    __table_args__ = (
        Index(
            "ix_r_site_hour_month_day",
            "day",
            postgresql_include=["weekday", "hour", "sales", "total"],
        ),
    )

    site_id: Mapped[int] = _site()
    #: the month's first day
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    sales: Mapped[int] = _count()
    total: Mapped[int] = _won()


class RProductDay(db.Model):
    __tablename__ = "r_product_day"
    __table_args__ = (
        Index("ix_r_product_day_day", "day", postgresql_include=["product_id", "qty", "total"]),
    )

    site_id: Mapped[int] = _site()
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    #: units, net of refunds
    qty: Mapped[int] = _count()
    #: won after discounts, net of refunds
    total: Mapped[int] = _won()


class RVendorDay(db.Model):
    __tablename__ = "r_vendor_day"
    __table_args__ = (
        Index(
            "ix_r_vendor_day_day",
            "day",
            postgresql_include=["vendor_id", "sales", "total", "taxable", "vat", "exempt"],
        ),
    )

    site_id: Mapped[int] = _site()
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), primary_key=True)
    #: receipts of that vendor (a joint checkout prints one per vendor)
    sales: Mapped[int] = _count()
    total: Mapped[int] = _won()
    #: 과세물품가액, net
    taxable: Mapped[int] = _won()
    vat: Mapped[int] = _won()
    exempt: Mapped[int] = _won()


class RMethodDay(db.Model):
    __tablename__ = "r_method_day"
    __table_args__ = (
        Index("ix_r_method_day_day", "day", postgresql_include=["method", "count", "amount"]),
    )

    site_id: Mapped[int] = _site()
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: payment method (cash, card, …)
    method: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: number of payments
    count: Mapped[int] = _count()
    #: won paid less won paid back
    amount: Mapped[int] = _won()


class RCampaignDay(db.Model):
    __tablename__ = "r_campaign_day"

    site_id: Mapped[int] = _site()
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    #: units of the campaign's products sold, net of refunds
    sold: Mapped[int] = _count()
    #: units handed over (donation.recorded)
    donated: Mapped[int] = _count()


class CFair(db.Model):
    """A fair's summary: its state and, once closed, its settlement totals."""

    __tablename__ = "c_fairs"

    site_id: Mapped[int] = _site()
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    #: planned, open or closed
    state: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: sale totals of the fair (net of refunds), from its close
    gross: Mapped[int] = _won()
    #: number of sales
    sales: Mapped[int] = _count()
    #: vendors that took part
    vendors: Mapped[int] = _count()


#: the tables with a ``+=`` upsert per key, and their key columns
ROLLUP_KEYS = {
    RSiteDay.__table__: ("site_id", "day"),
    RSiteHour.__table__: ("site_id", "day", "hour"),
    RSiteHourMonth.__table__: ("site_id", "day", "weekday", "hour"),
    RProductDay.__table__: ("site_id", "day", "product_id"),
    RVendorDay.__table__: ("site_id", "day", "vendor_id"),
    RMethodDay.__table__: ("site_id", "day", "method"),
    RCampaignDay.__table__: ("site_id", "day", "campaign_id"),
}


def _twin(day_table: Table, suffix: str = "_month") -> Table:
    """The same sums per month: ``day`` holds the month's first day. A report over two years
    reads 24 rows per key from it instead of 730 (queries.py takes whole months from here and
    the ragged ends from the day table). Same columns and keys, so ingest adds to both alike.
    With ``suffix="_week"`` the week twin: ``day`` holds the week's Monday."""
    columns = [
        Column(
            c.name,
            c.type,
            *(ForeignKey(fk.target_fullname) for fk in c.foreign_keys),
            primary_key=c.primary_key,
            nullable=c.nullable,
            default=c.default.arg if c.default is not None else None,
        )
        for c in day_table.columns
    ]
    name = day_table.name.removesuffix("_day") + suffix
    # an index on day alone, not INCLUDE of the sums as on the day table: a report over every
    # site finds a month (or week) of the twin without scanning every site's months, and
    # ingest's upserts, which change only the sums, stay HOT updates that touch no index
    has_day_index = any(ix.name == f"ix_{day_table.name}_day" for ix in day_table.indexes)
    indexes = [Index(f"ix_{name}_day", "day")] if has_day_index else []
    return Table(name, db.metadata, *columns, *indexes)


#: day rollup → its month twin
MONTHLY: dict[Table, Table] = {
    t: _twin(t)
    for t in (
        RSiteDay.__table__,
        RProductDay.__table__,
        RVendorDay.__table__,
        RMethodDay.__table__,
        RCampaignDay.__table__,
    )
}
ROLLUP_KEYS.update({month: ROLLUP_KEYS[day] for day, month in MONTHLY.items()})
MONTHLY[RSiteHour.__table__] = RSiteHourMonth.__table__

#: day rollup → its week twin: revenue by week over a year of every site reads 52 rows per
#: site instead of 365 (whole weeks from here, the ragged ends from the day rows)
WEEKLY: dict[Table, Table] = {RSiteDay.__table__: _twin(RSiteDay.__table__, "_week")}
ROLLUP_KEYS.update({week: ROLLUP_KEYS[day] for day, week in WEEKLY.items()})

#: every day rollup's twins (ingest adds each delta to all of them)
TWINS: dict[Table, tuple[Table, ...]] = {
    day: tuple(t for t in (MONTHLY.get(day), WEEKLY.get(day)) if t is not None)
    for day in {**MONTHLY, **WEEKLY}
}
_WEEK_TWINS = set(WEEKLY.values())


def month_of(day: date) -> date:
    return day.replace(day=1)


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def twin_row(twin: Table, row: dict) -> dict:
    """A day rollup's row as a row of its month or week twin (and its weekday where the twin
    keeps one)."""
    day = row["day"]
    out = {**row, "day": week_of(day) if twin in _WEEK_TWINS else month_of(day)}
    if "weekday" in twin.c:
        out["weekday"] = day.weekday()
    return out


def period_sql(dialect: str) -> tuple[str, str, str]:
    """The month's first day, the week's Monday and the weekday (0 = Monday) of a ``day``
    column, as SQL."""
    if dialect == "postgresql":
        return (
            "CAST(date_trunc('month', day) AS date)",
            "CAST(date_trunc('week', day) AS date)",
            "CAST(extract(isodow FROM day) AS int) - 1",
        )
    return (
        "date(day, 'start of month')",
        "date(day, 'weekday 0', '-6 days')",
        "(CAST(strftime('%w', day) AS INTEGER) + 6) % 7",
    )


def rebuild_months(session) -> None:
    """Fill the month and week twins from the day rollups (the benchmark loads day rows with
    COPY)."""
    month, week, weekday = period_sql(session.get_bind().dialect.name)
    for day_table, twins in TWINS.items():
        for twin in twins:
            first = week if twin in _WEEK_TWINS else month
            session.execute(delete(twin))
            session.execute(text(fill_twin_sql(day_table.name, twin, first, weekday)))


def fill_twin_sql(day_name: str, twin: Table, first: str, weekday: str) -> str:
    """INSERT … SELECT of a twin from its day rollup: ``first`` is the SQL of its period's
    first day."""
    made = {"day": first, "weekday": weekday}
    keys = [c.name for c in twin.columns if c.primary_key]
    sums = [c.name for c in twin.columns if not c.primary_key]
    picked = [made.get(k, k) for k in keys]
    cols = ", ".join((*keys, *sums))
    # every name comes from the table definitions above, never from input
    return (
        f"INSERT INTO {twin.name} ({cols}) "  # noqa: S608
        f"SELECT {', '.join(picked)}, {', '.join(f'SUM({c})' for c in sums)} "
        f"FROM {day_name} GROUP BY {', '.join(picked)}"
    )

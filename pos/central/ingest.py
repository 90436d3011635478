"""Central ingest in two phases, so a batch of 200 sales is a few bulk statements.

``prepare`` checks one event's payload (``ingest_payloads``) and resolves its identity keys to
this database's ids (``ingest_catalog``) without writing: anything wrong raises ``Rejected``
and the ledger records it while the site's later events still apply. ``write`` takes the
prepared events of a batch and, in the caller's transaction, makes the month partitions they
need, inserts the facts table by table (one executemany each) and adds the rollup deltas,
summed in Python, with one ``INSERT … ON CONFLICT DO UPDATE col = col + excluded.col`` per
table. No ORM objects per row: this path carries every sale of every branch."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy import Table, func

from pos.db import db, dialect_insert

from . import ingest_other, ingest_sales
from .bulk import add_to, insert_new
from .errors import Rejected
from .facts import PARTITIONED, CStockLevel
from .ingest_catalog import Resolver
from .partitions import ensure_months
from .rollups import ROLLUP_KEYS, TWINS, twin_row

MALFORMED = "malformed"


@dataclass
class Merge:
    """A row upserted on its own (shifts, fairs: few, and later events overwrite fields)."""

    table: Table
    row: dict
    keys: tuple[str, ...]
    #: columns an existing row takes from this one; None values keep what is there
    update: tuple[str, ...]


@dataclass
class Prepared:
    """One event, checked and resolved: the rows it adds and the deltas it makes."""

    event_id: str
    type: str
    days: set[date] = field(default_factory=set)
    #: (fact table, row) inserted as they are
    facts: list[tuple[Table, dict]] = field(default_factory=list)
    #: (rollup table, row of key and delta columns) added to what is there
    adds: list[tuple[Table, dict]] = field(default_factory=list)
    #: (site_id, product_id) → (units, time) for c_stock_levels
    stock: list[tuple[int, int, int, datetime]] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)

    def fact(self, table: Table, row: dict) -> None:
        self.facts.append((table, row))
        if "day" in row:
            self.days.add(row["day"])

    def add(self, table: Table, **row) -> None:
        self.adds.append((table, row))


#: event type → (payload model, builder(site, event, payload, resolver, prepared))
HANDLERS = {**ingest_sales.HANDLERS, **ingest_other.HANDLERS}


#: what the admins read for the part of a payload that did not fit (never a field path)
PARTS = {
    "lines": "품목",
    "payments": "결제",
    "receipts": "영수증",
    "business_day": "영업일",
    "day": "날짜",
    "created_at": "일시",
    "at": "일시",
    "opened_at": "시작 시각",
    "closed_at": "마감 시각",
    "id": "번호",
    "sale_id": "원 판매 번호",
    "product_uid": "상품",
    "campaign": "캠페인",
    "qty": "수량",
    "state": "상태",
    **dict.fromkeys(("total", "subtotal", "discount", "taxable_supply", "vat", "exempt"), "금액"),
}


def _malformed(exc: ValidationError) -> Rejected:
    errors = exc.errors(include_url=False)
    loc = errors[0].get("loc", ()) if errors else ()
    part = PARTS.get(str(loc[0]) if loc else "", "내용")
    return Rejected(MALFORMED, f"이벤트 내용이 형식에 맞지 않습니다 ({part})")


def prepare(site, event) -> Prepared:
    """Check and resolve one event (``schemas.EventIn``); raises ``Rejected``, writes nothing."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise Rejected("unknown_type", f"알 수 없는 이벤트 종류입니다 ({event.type[:40]})")
    model, build = handler
    if not isinstance(event.payload, dict):
        raise Rejected(MALFORMED, "이벤트 내용이 형식에 맞지 않습니다")
    try:
        payload = model.model_validate(event.payload)
    except ValidationError as exc:
        raise _malformed(exc) from None
    prepared = Prepared(event_id=event.id, type=event.type)
    build(site, event, payload, Resolver(), prepared)
    return prepared


def _add_upserts(adds: list[tuple[Table, dict]]) -> list[tuple[Table, list[dict]]]:
    """Sum the deltas per rollup key: each key appears once in its table's statement. A day
    rollup's month (and week) twins get the same deltas, summed from the day sums (a few
    keys) rather than once per delta."""
    sums: dict[Table, dict[tuple, dict]] = defaultdict(dict)
    for table, row in adds:
        _sum_into(sums[table], table, row)
    for table in list(sums):
        for twin in TWINS.get(table, ()):
            into = sums[twin]
            for row in sums[table].values():
                _sum_into(into, twin, twin_row(twin, row))
    return [(table, list(rows.values())) for table, rows in sums.items()]


def _sum_into(sums: dict[tuple, dict], table: Table, row: dict) -> None:
    keys = ROLLUP_KEYS[table]
    key = tuple(row[k] for k in keys)
    into = sums.get(key)
    if into is None:
        into = sums[key] = {c.name: 0 for c in table.columns}
        into.update(zip(keys, key, strict=True))
    for name, value in row.items():
        if name not in keys:
            into[name] += value


def _stock_rows(prepared: list[Prepared]) -> list[dict]:
    levels: dict[tuple[int, int], dict] = {}
    for p in prepared:
        for site_id, product_id, qty, at in p.stock:
            row = levels.setdefault(
                (site_id, product_id),
                {"site_id": site_id, "product_id": product_id, "on_hand": 0, "updated_at": at},
            )
            row["on_hand"] += qty
            row["updated_at"] = max(row["updated_at"], at)
    return list(levels.values())


def write(site, prepared: list[Prepared]) -> None:
    """Apply the prepared events of one batch in the current transaction (flush, no commit)."""
    if not prepared:
        return
    session = db.session
    ensure_months({d for p in prepared for d in p.days})
    facts: dict[Table, list[dict]] = defaultdict(list)
    adds: list[tuple[Table, dict]] = []
    for p in prepared:
        for table, row in p.facts:
            facts[table].append(row)
        adds.extend(p.adds)
    for table in sorted(facts, key=PARTITIONED.index):
        insert_new(table, facts[table])
    for table, rows in _add_upserts(adds):
        add_to(table, ROLLUP_KEYS[table], rows)
    if levels := _stock_rows(prepared):
        add_to(CStockLevel.__table__, ("site_id", "product_id"), levels, replace=("updated_at",))
    for p in prepared:
        for m in p.merges:
            stmt = dialect_insert(m.table).values(**m.row)
            if m.update:
                set_ = {c: func.coalesce(stmt.excluded[c], m.table.c[c]) for c in m.update}
                stmt = stmt.on_conflict_do_update(index_elements=list(m.keys), set_=set_)
            else:
                stmt = stmt.on_conflict_do_nothing()
            session.execute(stmt)
    session.flush()

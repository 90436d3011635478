"""Stock work done in batches: receive goods, waste, transfer to another site, count a category.

Every batch is booked in one transaction through ``move_stock`` (the only writer of on-hand),
its moves share one reference (``receive:<id>``, ``transfer:<id>`` …) and their ids come from
the batch id, so a double submit or a retried request books nothing twice. Functions flush;
the caller (a page or the API) commits, or rolls back on an error.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, utcnow
from pos.sites import site_directory

from .imports_read import clean_text
from .models import Product, StockMove
from .stock import InsufficientStock, on_hand
from .stock import move_stock as _move

#: the largest quantity one line may book (a typo guard, not a business rule)
MAX_QTY = 1_000_000

#: (code, label) of the reasons a person may waste stock for
WASTE_REASONS = [
    ("expired", "유통기한 경과"),
    ("damaged", "파손"),
    ("quality", "품질 불량"),
    ("sample", "시식·샘플"),
    ("other", "기타"),
]
WASTE_LABELS = dict(WASTE_REASONS)

_NAMESPACE = uuid.UUID("0b6f1f8e-5a3c-4c55-9d6e-2f7c1a9e4b10")


class StockCount(db.Model):
    """One 재고실사 of a category at a site, kept even when nothing differed."""

    __tablename__ = "stock_counts"

    #: made by the count form, so a second commit of the same count books nothing
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    lines: Mapped[list[StockCountLine]] = relationship(
        order_by="StockCountLine.product_id", cascade="all, delete-orphan"
    )


class StockCountLine(db.Model):
    __tablename__ = "stock_count_lines"
    __table_args__ = (CheckConstraint("counted >= 0", name="counted_nonneg"),)

    count_id: Mapped[str] = mapped_column(
        ForeignKey("stock_counts.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    #: on-hand by the ledger when the count was committed
    expected: Mapped[int] = mapped_column(BigInteger)
    counted: Mapped[int] = mapped_column(BigInteger)

    @property
    def variance(self) -> int:
        return self.counted - self.expected


class StockInputError(Exception):
    """Bad input for a batch: a Korean sentence, and the line (product) or field it is about."""

    def __init__(self, message: str, *, field: str | None = None, product_id: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.product_id = product_id


class StaleCount(Exception):
    """Stock moved after the preview: the fresh rows are attached to show again."""

    def __init__(self, rows: list[CountRow]):
        super().__init__("미리보기 뒤에 재고가 바뀌었습니다")
        self.rows = rows


@dataclass(frozen=True)
class Batch:
    id: str
    ref: str
    reason: str
    #: (product, signed qty at the working site, on-hand after)
    lines: list[tuple[Product, int, int]]
    #: True when this batch id was booked before (a double submit or a retry)
    replayed: bool = False


@dataclass(frozen=True)
class CountRow:
    product: Product
    expected: int
    counted: int

    @property
    def variance(self) -> int:
        return self.counted - self.expected


def parse_qty(text: str | None, *, allow_zero: bool = False) -> int:
    """A quantity typed on a tablet: ASCII digits (spaces and thousands commas allowed)."""
    raw = (text or "").strip().replace(",", "").replace(" ", "")
    if not raw:
        raise StockInputError("수량을 적으세요")
    if not (raw.isascii() and raw.isdigit()):
        if raw.startswith("-") and raw[1:].isascii() and raw[1:].isdigit():
            raise StockInputError("0 이상으로 적으세요" if allow_zero else "1 이상으로 적으세요")
        raise StockInputError("숫자만 적으세요")
    value = int(raw)
    if value > MAX_QTY:
        raise StockInputError(f"{MAX_QTY:,} 이하로 적으세요")
    if value == 0 and not allow_zero:
        raise StockInputError("1 이상으로 적으세요")
    return value


def tracked_product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or not product.track_stock or not product.active:
        raise StockInputError(
            "재고를 관리하지 않는 상품입니다", field="product_id", product_id=product_id
        )
    return product


def _merge(lines: list[tuple[int, int]]) -> list[tuple[Product, int]]:
    """Same product twice in one form: one line with the sum, in first-seen order."""
    if not lines:
        raise StockInputError("상품을 한 가지 이상 넣으세요", field="lines")
    merged: dict[int, int] = {}
    for product_id, qty in lines:
        if qty <= 0:
            raise StockInputError("수량은 1 이상이어야 합니다", field="qty", product_id=product_id)
        merged[product_id] = merged.get(product_id, 0) + qty
    out = []
    for product_id, qty in merged.items():
        if qty > MAX_QTY:
            raise StockInputError("수량이 너무 큽니다", field="qty", product_id=product_id)
        out.append((tracked_product(product_id), qty))
    return out


def _move_id(batch_id: str, reason: str, product_id: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{batch_id}:{reason}:{product_id}"))


def _replay(ref: str, site_id: int, reason: str) -> Batch | None:
    moves = (
        db.session.execute(
            select(StockMove).where(StockMove.ref == ref).order_by(StockMove.created_at)
        )
        .scalars()
        .all()
    )
    if not moves:
        return None
    lines = [
        (db.session.get(Product, m.product_id), m.qty, on_hand(site_id, m.product_id))
        for m in moves
        if m.site_id == site_id and m.reason == reason
    ]
    return Batch(ref.split(":", 1)[1], ref, reason, lines, replayed=True)


def batch_lines(ref: str, site_id: int) -> list[tuple[int, int, str]]:
    """(product_id, qty, reason) of a booked batch at a site, to compare a retry with."""
    rows = db.session.execute(
        select(StockMove.product_id, StockMove.qty, StockMove.reason).where(
            StockMove.ref == ref, StockMove.site_id == site_id
        )
    ).all()
    return sorted((r[0], r[1], r[2]) for r in rows)


def receive(site, lines, *, batch_id: str, user_id: int | None, note: str = "") -> Batch:
    """Goods arrived: one receive move per product, all with ``receive:<batch id>``."""
    return _book(site, lines, "receive", batch_id=batch_id, user_id=user_id, note=note)


def waste(site, lines, *, reason: str, batch_id: str, user_id: int | None, note: str = "") -> Batch:
    """Stock thrown away for a reason from WASTE_REASONS (기타 needs a note)."""
    if reason not in WASTE_LABELS:
        raise StockInputError("폐기 사유를 고르세요", field="reason")
    note = clean_text(note)
    if reason == "other" and not note:
        raise StockInputError("기타 사유는 메모에 적어 주세요", field="note")
    text = WASTE_LABELS[reason] + (f" · {note}" if note else "")
    return _book(site, lines, "waste", batch_id=batch_id, user_id=user_id, note=text[:200])


def transfer(
    site, lines, *, to_code: str, batch_id: str, user_id: int | None, note: str = ""
) -> Batch:
    """Send goods to another site as one transfer: every transfer_out here and transfer_in
    there in this transaction, or nothing when one product is short."""
    target = site_directory().by_code(to_code or "")
    if target is None or not target.active:
        raise StockInputError("받을 매장을 고르세요", field="to_site")
    if target.id == site.id:
        raise StockInputError("같은 매장으로는 이동할 수 없습니다", field="to_site")
    return _book(
        site, lines, "transfer_out", batch_id=batch_id, user_id=user_id, note=note, target=target
    )


_REF_KIND = {"receive": "receive", "waste": "waste", "transfer_out": "transfer"}


def _book(site, lines, reason, *, batch_id, user_id, note, target=None) -> Batch:
    ref = f"{_REF_KIND[reason]}:{batch_id}"
    note = clean_text(note)[:200]  # the ledger keeps only what can be seen
    done = _replay(ref, site.id, reason)
    if done is not None:
        return done
    merged = _merge(list(lines))
    sign = 1 if reason == "receive" else -1
    # (site, product, signed qty, reason): booked in (site id, product id) order, so two
    # batches touching the same rows (A→B beside B→A) lock them in one order, never deadlock
    moves = [(site, p, sign * q, reason) for p, q in merged]
    if target is not None:
        moves += [(target, p, q, "transfer_in") for p, q in merged]
    after = {}
    for where, product, qty, why in sorted(moves, key=lambda m: (m[0].id, m[1].id)):
        # a transfer is one event per product, the sender's: it names where the goods went
        # and the arrival's id, and central books the arrival from it (the receiving site,
        # often a store room, has no server of its own to send it)
        extra = None
        if why == "transfer_out":
            arrival = _move_id(batch_id, "transfer_in", product.id)
            extra = {"to_site": target.code, "arrival_id": arrival}
        result = _move(
            where,
            product,
            qty,
            why,
            ref=ref,
            user_id=user_id,
            note=note,
            move_id=_move_id(batch_id, why, product.id),
            emit_event=why != "transfer_in",
            event_extra=extra,
        )
        if where.id == site.id:
            after[product.id] = result.on_hand
    booked = [(p, sign * q, after[p.id]) for p, q in merged]
    db.session.flush()
    return Batch(batch_id, ref, reason, booked)


def count_rows(site, counted: dict[int, int]) -> list[CountRow]:
    """The variance of each counted product against the ledger right now (the preview)."""
    rows = []
    for product_id, value in counted.items():
        product = tracked_product(product_id)
        if value < 0:
            raise StockInputError("0 이상으로 적으세요", product_id=product_id)
        rows.append(CountRow(product, on_hand(site.id, product_id), value))
    return rows


def commit_count(
    site,
    *,
    count_id: str,
    category_id: int | None,
    counted: dict[int, int],
    expected: dict[int, int],
    user_id: int | None,
    note: str = "",
) -> StockCount:
    """Book a previewed count: one ``count`` move per difference and the count itself.

    ``expected`` is what the preview showed; if the ledger moved since, nothing is booked and
    StaleCount carries the fresh variance. The same count id again returns the stored count.
    """
    done = db.session.get(StockCount, count_id)
    if done is not None:
        return done
    if not counted:
        raise StockInputError("셀 상품이 없습니다", field="lines")
    rows = count_rows(site, counted)
    if any(expected.get(r.product.id) != r.expected for r in rows):
        raise StaleCount(rows)
    note = clean_text(note)[:200]
    count = StockCount(
        id=count_id, site_id=site.id, category_id=category_id, user_id=user_id, note=note
    )
    db.session.add(count)
    db.session.flush()
    ref = f"count:{count_id}"
    for row in sorted(rows, key=lambda r: r.product.id):  # one lock order, like _book
        db.session.add(
            StockCountLine(
                count_id=count_id,
                product_id=row.product.id,
                expected=row.expected,
                counted=row.counted,
            )
        )
        if row.variance:
            try:
                _move(
                    site,
                    row.product,
                    row.variance,
                    "count",
                    ref=ref,
                    user_id=user_id,
                    note=note[:200] or "재고실사",
                    move_id=_move_id(count_id, "count", row.product.id),
                )
            except InsufficientStock:
                # a sale took the units between the check and this move
                raise StaleCount(count_rows(site, counted)) from None
    db.session.flush()
    return count

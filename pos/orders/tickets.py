"""What the bar makes for an order: its made-to-order lines, less what was refunded since.

Read by the printed ticket (pos.orders.printing) and the order board (pos.orders.board), so
both show one order the same way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from pos.db import db
from pos.refunds.models import Refund, RefundLine
from pos.sales.models import SaleLine

#: Sale.order_type -> what the bar reads
ORDER_TYPES = {"here": "매장", "togo": "포장"}


def order_type_label(order_type: str | None) -> str | None:
    return ORDER_TYPES.get(order_type or "")


@dataclass(frozen=True)
class MakeLine:
    """One made-to-order line: its name, the units still to make, the options' names."""

    position: int
    name: str
    qty: int
    options: tuple[str, ...]

    def view(self) -> dict:
        return {"name": self.name, "qty": self.qty, "options": list(self.options)}


def refunded_units(sale_ids: Iterable[str]) -> dict[tuple[str, int], int]:
    """(sale id, 0-based line position) -> units refunded so far, over every refund."""
    ids = list(sale_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Refund.sale_id, RefundLine.sale_line_position, func.sum(RefundLine.qty))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.sale_id.in_(ids))
        .group_by(Refund.sale_id, RefundLine.sale_line_position)
    ).all()
    return {(sale_id, pos): int(qty) for sale_id, pos, qty in rows}


def option_names(options_json: str) -> tuple[str, ...]:
    return tuple(o["name"] for o in json.loads(options_json or "[]"))


def make_lines(sale_ids: Iterable[str]) -> dict[str, list[MakeLine]]:
    """Sale id -> its made-to-order lines in order, refunded units taken off (a line refunded
    in full is left out)."""
    ids = list(sale_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            SaleLine.sale_id, SaleLine.position, SaleLine.name, SaleLine.qty, SaleLine.options_json
        )
        .where(SaleLine.sale_id.in_(ids), SaleLine.made_to_order.is_(True))
        .order_by(SaleLine.sale_id, SaleLine.position)
    ).all()
    refunded = refunded_units(ids)
    out: dict[str, list[MakeLine]] = defaultdict(list)
    for sale_id, position, name, qty, options in rows:
        left = qty - refunded.get((sale_id, position), 0)
        if left > 0:
            out[sale_id].append(MakeLine(position, name, left, option_names(options)))
    return out

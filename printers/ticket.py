"""The bar's (kitchen's) order ticket: what to make, for which order number, here or to go.

Big type where the barista looks: the order number and 매장/포장 in double width and height,
each item with its quantity and every option in double height. Nothing on it is priced. Laid
out with the receipt's CP949-cell helpers and sent through the same text or image path, so
Hangul goes out in FS & … FS . as CP949 exactly like a receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .layout import MIN_COLUMNS, REPRINT_MARK, Line, clean, two_cols, wrap
from .output import render_lines


@dataclass(frozen=True)
class TicketItem:
    """One thing to make: its name, how many, the options chosen (as printed, e.g. "ICE")."""

    name: str
    qty: int
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class TicketDocument:
    #: the day's order number the customer is called by
    number: int
    items: tuple[TicketItem, ...]
    #: "매장" or "포장" (None: not asked)
    order_type: str | None = None
    #: when it was ordered, as printed ("14:03")
    time: str = ""
    #: who rang it up, where
    cashier: str | None = None
    site_name: str | None = None
    reprint: bool = False
    #: small rows under the items (e.g. "그 밖의 상품 2개")
    notes: tuple[str, ...] = field(default_factory=tuple)


def _big(text: str, columns: int) -> list[Line]:
    """Double width and height, centred: half the columns per row."""
    return [
        Line(t, align="center", bold=True, double_width=True, double_height=True)
        for t in wrap(clean(text), columns // 2)
    ]


def layout_ticket(doc: TicketDocument, columns: int = 42) -> list[Line]:
    columns = max(MIN_COLUMNS, columns)
    out: list[Line] = []
    if doc.reprint:
        out += _big(REPRINT_MARK, columns)
    out += _big(f"주문 {doc.number}", columns)
    if doc.order_type:
        out += _big(f"[{doc.order_type}]", columns)
    who = " · ".join(clean(x) for x in (doc.time, doc.cashier, doc.site_name) if x)
    if who:
        out += [Line(t, align="center") for t in wrap(who, columns)]
    out.append(Line("=" * columns))
    for n, item in enumerate(doc.items):
        if n:
            out.append(Line("-" * columns))
        for text in two_cols(clean(item.name), f"x{item.qty}", columns):
            out.append(Line(text, bold=True, double_height=True))
        for option in item.options:
            for i, text in enumerate(wrap(clean(option), columns - 4)):
                out.append(
                    Line(("  + " if i == 0 else "    ") + text, bold=True, double_height=True)
                )
    out.append(Line("=" * columns))
    if doc.items:
        count = sum(item.qty for item in doc.items)
        out += [Line(t, align="right") for t in wrap(f"모두 {count}개", columns)]
    for note in doc.notes:  # in bold: "만들지 마세요" must not be missed
        out += [Line(t, bold=True) for t in wrap(clean(note), columns)]
    return out


def render_ticket(
    doc: TicketDocument,
    columns: int = 42,
    hangul: Literal["text", "image"] = "text",
    *,
    font_path: str | None = None,
    cut: bool = True,
) -> bytes:
    """ESC/POS bytes for the ticket: init, rows, feed and partial cut (no QR code)."""
    # render_lines checks ``hangul`` for every kind of print job
    return render_lines(layout_ticket(doc, columns), columns, hangul, font_path=font_path, cut=cut)

"""A plain slip on the receipt printer (e.g. a vendor's fair settlement): a title, some lines
under it and label/value rows, no seller block, no QR code.

Laid out with the receipt's CP949-cell helpers and sent through the same text or image path,
so Hangul goes out in FS & … FS . as CP949 exactly like a receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .layout import MIN_COLUMNS, Line, clean, two_cols, wrap
from .output import render_lines


@dataclass(frozen=True)
class SlipRow:
    """``label`` left, ``value`` flush right; ``rule=True`` draws a line instead."""

    label: str = ""
    value: str = ""
    bold: bool = False
    rule: bool = False


@dataclass(frozen=True)
class SlipDocument:
    title: str
    #: lines under the title (who, when, where)
    lines: tuple[str, ...] = ()
    rows: tuple[SlipRow, ...] = ()
    footer: tuple[str, ...] = field(default_factory=tuple)


def layout_slip(doc: SlipDocument, columns: int = 42) -> list[Line]:
    columns = max(MIN_COLUMNS, columns)
    out = [
        Line(t, align="center", bold=True, double_width=True, double_height=True)
        for t in wrap(clean(doc.title), columns // 2)
    ]
    for text in doc.lines:
        out += [Line(t) for t in wrap(clean(text), columns)]
    out.append(Line("-" * columns))
    for row in doc.rows:
        if row.rule:
            out.append(Line("-" * columns))
            continue
        for text in two_cols(clean(row.label), clean(row.value), columns):
            out.append(Line(text, bold=row.bold))
    if doc.footer:
        out.append(Line("-" * columns))
        for text in doc.footer:
            out += [Line(t) for t in wrap(clean(text), columns)]
    return out


def render_slip(
    doc: SlipDocument,
    columns: int = 42,
    hangul: Literal["text", "image"] = "text",
    *,
    font_path: str | None = None,
    cut: bool = True,
) -> bytes:
    """ESC/POS bytes for the slip: init, lines, feed and partial cut."""
    # render_lines checks ``hangul`` for every kind of print job
    return render_lines(layout_slip(doc, columns), columns, hangul, font_path=font_path, cut=cut)

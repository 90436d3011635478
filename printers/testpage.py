"""A short test slip (시험 인쇄): proves from the settings page that the printer answers, prints
Hangul and keeps the columns, before the first customer's receipt depends on it.

Laid out with the receipt's own `Line` rows and rendered by the same ESC/POS code paths, so a
slip that prints right means receipts will too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .layout import MIN_COLUMNS, Line, clean, wrap
from .output import render_lines

TITLE = "[시험 인쇄]"
NOT_A_RECEIPT = "이 종이는 영수증이 아닙니다"


def slip_lines(
    site_name: str,
    printed_at: str,
    header: Sequence[str] = (),
    footer: Sequence[str] = (),
    columns: int = 42,
) -> list[Line]:
    """The slip's rows: title, site, the receipt header and footer as set, a Hangul sample and
    a column ruler that must end exactly at the right edge."""
    if columns < MIN_COLUMNS:
        raise ValueError(f"columns must be at least {MIN_COLUMNS}, got {columns}")
    lines: list[Line] = []

    def add(text: str, align="center", **style) -> None:
        width = columns // 2 if style.get("double_width") else columns
        lines.extend(Line(row, align=align, **style) for row in wrap(clean(text), width))

    add(TITLE, bold=True, double_width=True, double_height=True)
    add(site_name)
    add(printed_at)
    lines.append(Line("-" * columns))
    if any(t.strip() for t in header):
        for text in header:
            add(text)
        lines.append(Line("-" * columns))
    add("한글 출력 확인: 가나다라마바사아자차카타파하", align="left")
    add("숫자와 영문: 0123456789 ABC abc", align="left")
    ruler = "".join(str(i % 10) for i in range(1, columns + 1))
    lines.append(Line(ruler))
    lines.append(Line("-" * columns))
    if any(t.strip() for t in footer):
        for text in footer:
            add(text)
        lines.append(Line("-" * columns))
    add(NOT_A_RECEIPT, bold=True)
    return lines


def render_slip(
    lines: Sequence[Line],
    columns: int = 42,
    hangul: Literal["text", "image"] = "text",
    *,
    font_path: str | None = None,
) -> bytes:
    """ESC/POS bytes for the slip: init, the rows, feed and partial cut (as `render` does)."""
    return render_lines(lines, columns, hangul, font_path=font_path)

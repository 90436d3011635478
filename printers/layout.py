"""Pure text layout of a receipt, measured in CP949 cells.

Receipt printers in Korea print Hangul in double-byte (KS C 5601 / CP949) mode, where one
Hangul syllable takes two cells and ASCII one. Laying out by CP949 byte count therefore keeps
the amount column straight on paper. Both output paths (ESC/POS text and rendered image) draw
the same `Line` list, so what is tested here is what gets printed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from .document import ReceiptDocument, ReceiptLine, ReceiptPayment

Align = Literal["left", "center", "right"]

MIN_COLUMNS = 32
EXEMPT_MARK = "*"
EXEMPT_LEGEND = "* 면세물품"
REPRINT_MARK = "[재출력]"


@dataclass(frozen=True)
class Line:
    """One printed row.

    ``kind="text"``: ``text`` already fits the row (``cp949_width(text) * (2 if double_width
    else 1) <= columns``); alignment is applied by the renderer. ``kind="qr"``: ``text`` is
    the URL to print as a QR code.
    """

    text: str
    align: Align = "left"
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    kind: Literal["text", "qr"] = "text"


def _char_width(ch: str) -> int:
    try:
        return len(ch.encode("cp949"))
    except UnicodeEncodeError:
        return 1  # printed as "?" after clean()


def cp949_width(s: str) -> int:
    """Printer cells taken by ``s``: its CP949 byte count (Hangul 2, ASCII 1)."""
    return sum(_char_width(ch) for ch in s)


def clean(s: str) -> str:
    """Make user text printable: no control bytes (they would be ESC/POS commands), only CP949.

    ``₩`` is not in CP949 and amounts already say ``원``, so it is dropped; other characters
    outside CP949 (emoji, rare Hanja) become ``?`` so the width stays predictable.
    """
    s = unicodedata.normalize("NFC", s)
    out = []
    for ch in s:
        if ch == "₩":
            continue
        if ch in "\t\r\n" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(" ")
            continue
        try:
            ch.encode("cp949")
        except UnicodeEncodeError:
            ch = "?"
        out.append(ch)
    return "".join(out)


def fit(s: str, width: int) -> str:
    """Truncate ``s`` to at most ``width`` cells without splitting a double-byte character."""
    out, used = [], 0
    for ch in s:
        w = _char_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def pad(s: str, width: int, align: Align = "left") -> str:
    """Truncate then pad with spaces to exactly ``width`` cells."""
    s = fit(s, width)
    gap = width - cp949_width(s)
    if align == "right":
        return " " * gap + s
    if align == "center":
        return " " * (gap // 2) + s + " " * (gap - gap // 2)
    return s + " " * gap


def wrap(s: str, width: int) -> list[str]:
    """Split ``s`` into chunks of at most ``width`` cells, preferring to break at a space."""
    s = s.strip()
    if width <= 0:
        return [s] if s else []
    chunks: list[str] = []
    while s:
        head = fit(s, width)
        if len(head) == len(s):
            chunks.append(s)
            break
        cut = head.rfind(" ")
        if cut > 0 and cp949_width(head[:cut]) >= width // 2:
            head = head[:cut]
        if not head:  # a 2-cell char in a 1-cell width; cannot happen for width >= 2
            head = s[0]
        chunks.append(head.rstrip())
        s = s[len(head) :].lstrip()
    return chunks or [""]


def won(amount: int) -> str:
    """``4500`` -> ``4,500``; whole won, never ``₩`` (not in CP949)."""
    return f"{amount:,}"


def won_unit(amount: int) -> str:
    """``4500`` -> ``4,500원``."""
    return f"{amount:,}원"


def two_cols(left: str, right: str, width: int) -> list[str]:
    """Label on the left, value flush right; drops to two rows if both do not fit on one."""
    left, right = left.rstrip(), right.strip()
    lw, rw = cp949_width(left), cp949_width(right)
    if lw + 1 + rw <= width:
        return [left + " " * (width - lw - rw) + right]
    rows = wrap(left, width)
    rows.append(pad(right, width, "right"))
    return rows


def _labelled(label: str, value: str, width: int) -> list[str]:
    """``label: value`` wrapped, continuation rows indented under the value."""
    head = f"{label}: "
    indent = cp949_width(head)
    if indent > width // 2:
        return wrap(head + value, width)
    chunks = wrap(value, width - indent) or [""]
    return [head + chunks[0]] + [" " * indent + c for c in chunks[1:]]


class _Builder:
    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.lines: list[Line] = []

    def text(self, text: str, **style) -> None:
        self.lines.append(Line(text.rstrip() if style.get("align") != "right" else text, **style))

    def rows(self, rows: list[str], **style) -> None:
        for r in rows:
            self.text(r, **style)

    def wrapped(self, text: str, align: Align = "left", **style) -> None:
        width = self.columns // 2 if style.get("double_width") else self.columns
        self.rows(wrap(text, width), align=align, **style)

    def rule(self, ch: str = "-") -> None:
        self.lines.append(Line(ch * self.columns))

    def pair(self, label: str, value: str, **style) -> None:
        width = self.columns // 2 if style.get("double_width") else self.columns
        self.rows(two_cols(label, value, width), **style)


def _item_rows(line: ReceiptLine, columns: int) -> list[str]:
    qty_w, amt_w = 5, 11
    name_w = columns - qty_w - amt_w
    mark = EXEMPT_MARK if line.exempt else ""
    name = mark + clean(line.name)
    chunks = wrap(name, name_w) or [""]
    qty = fit(f"{line.qty:,}", qty_w)
    amount = won(line.amount)
    if cp949_width(amount) > amt_w - 1:  # absurdly large; give it the whole row
        rows = [pad(chunks[0], name_w) + pad(qty, qty_w, "right")]
        rows.append(pad(amount, columns, "right"))
    else:
        rows = [pad(chunks[0], name_w) + pad(qty, qty_w, "right") + pad(amount, amt_w, "right")]
    indent = " " * len(mark)
    rows += [indent + c for c in chunks[1:]]
    for opt in line.options:
        rows += ["  " + c for c in wrap("+ " + clean(opt), columns - 2)]
    return rows


def _payment_rows(p: ReceiptPayment, b: _Builder) -> None:
    b.pair(clean(p.method), won_unit(p.amount), bold=True)
    w = b.columns - 2

    def sub(label: str, value: str) -> None:
        b.rows(["  " + r for r in two_cols(label, value, w)])

    if p.issuer:
        sub("카드사", clean(p.issuer))
    if p.masked_card:
        sub("카드번호", clean(p.masked_card))
    if p.installment is not None:
        sub("할부", "일시불" if p.installment == 0 else f"{p.installment}개월")
    if p.approval_no:
        sub(clean(p.approval_label), clean(p.approval_no))
    if p.tendered is not None:
        sub("받은금액", won_unit(p.tendered))
    if p.change is not None:
        sub("거스름돈", won_unit(p.change))


def layout_receipt(doc: ReceiptDocument, columns: int = 42) -> list[Line]:
    """Lay out ``doc`` for a printer ``columns`` cells wide (42 and 48 are the common ones).

    Returns printable lines top to bottom; the last line is ``kind="qr"`` when the document
    has a ``qr_url``.
    """
    if columns < MIN_COLUMNS:
        raise ValueError(f"columns must be at least {MIN_COLUMNS}, got {columns}")
    b = _Builder(columns)
    h = doc.header

    if doc.reprint:
        b.wrapped(REPRINT_MARK, align="center", bold=True, double_width=True, double_height=True)
    if doc.title:
        big = {"bold": True, "double_width": True, "double_height": True}
        b.wrapped(clean(doc.title), align="center", **big)
        b.rule("=")
    b.wrapped(clean(h.name), align="center", bold=True, double_height=True)
    if h.site_name:
        b.wrapped(clean(h.site_name), align="center")
    b.rule()
    b.rows(_labelled("상호", clean(h.name), columns))
    b.rows(_labelled("대표자", clean(h.owner), columns))
    b.rows(_labelled("사업자등록번호", clean(h.brn), columns))
    b.rows(_labelled("주소", clean(h.address), columns))
    b.rows(_labelled("전화", clean(h.phone), columns))
    b.rule()
    if any(text.strip() for text in doc.header_lines):
        for text in doc.header_lines:
            b.wrapped(clean(text), align="center")
        b.rule()
    b.rows(_labelled("일시", clean(doc.issued_at), columns))
    b.rows(_labelled("영수증번호", clean(doc.receipt_no), columns))
    if doc.original_receipt_no:
        b.rows(_labelled("원 영수증번호", clean(doc.original_receipt_no), columns))
    for label, value in doc.details:
        b.rows(_labelled(clean(label), clean(value), columns))
    b.wrapped(
        f"주문번호 {doc.order_no}", align="center", bold=True, double_width=True, double_height=True
    )
    b.rule("=")

    b.text(pad("상품명", columns - 16) + pad("수량", 5, "right") + pad("금액", 11, "right"))
    b.rule()
    for item in doc.lines:
        b.rows(_item_rows(item, columns))
    b.rule()
    if any(item.exempt for item in doc.lines):
        b.text(EXEMPT_LEGEND)
    b.pair("소계", won(doc.subtotal))
    for label, amount in doc.discounts:
        b.pair(clean(label), "-" + won(amount))
    b.pair("과세물품가액", won(doc.taxable_supply))
    b.pair("부가세", won(doc.vat))
    b.pair("면세물품가액", won(doc.exempt))
    b.rule("=")
    b.pair("합계", won_unit(doc.total), bold=True, double_height=True)
    b.rule("=")

    for p in doc.payments:
        _payment_rows(p, b)
    if doc.payments:
        b.rule()

    if doc.cash_receipt is not None:
        cr = doc.cash_receipt
        b.pair("현금영수증", clean(cr.purpose), bold=True)
        b.rows(["  " + r for r in two_cols("식별번호", clean(cr.masked_id), columns - 2)])
        if cr.amount is not None:
            b.rows(["  " + r for r in two_cols("금액", won_unit(cr.amount), columns - 2)])
        b.rule()

    for text in doc.footer:
        b.wrapped(clean(text), align="center")
    if doc.qr_url:
        b.lines.append(Line(doc.qr_url, align="center", kind="qr"))
    return b.lines

"""Shelf and product labels on the receipt printer: name, price, vendor and a scannable code.

Like receipts, a label arrives as a plain document (everything already Korean text and whole
won) and leaves as ESC/POS bytes: Hangul in double-byte mode (FS & … FS .) as CP949, the code
as the printer's own barcode (EAN-13 when the barcode is a valid one, else CODE128) or QR code.
The code printed is exactly what the cashier screen's scanner box looks for (its barcode, else
its SKU), so a scanned label finds the product. Each label is cut off on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from escpos.printer import Dummy

from .layout import MIN_COLUMNS, Line, clean, cp949_width, two_cols, won_unit, wrap
from .output import ESC, GS, _emit_image, _emit_text, find_font

Symbology = Literal["auto", "code128", "ean13", "qr"]
LabelKind = Literal["shelf", "product"]

#: dots a barcode may take on 58/80 mm paper, leaving the quiet zones free
BARCODE_DOTS = 500


@dataclass(frozen=True)
class LabelDocument:
    name: str
    price: int  #: won, the price at the site the label is for
    vendor: str = ""
    #: what the scanner types: the product's barcode, else its SKU
    code: str = ""
    symbology: Symbology = "auto"
    #: shelf: big name and price for the shelf edge; product: small, to stick on the item
    kind: LabelKind = "shelf"


def ean13_ok(code: str) -> bool:
    """Thirteen digits whose last is the EAN check digit."""
    if len(code) != 13 or not (code.isascii() and code.isdigit()):
        return False
    digits = [int(c) for c in code]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == digits[12]


def _code128_width(code: str) -> int | None:
    """Module width (2 or 3 dots) that fits the CODE128 symbol on paper, or None."""
    modules = (len(code) + 3) * 11 + 2  # start, data, check, stop, code set switch
    for width in (3, 2):
        if modules * width <= BARCODE_DOTS:
            return width
    return None


def symbology_for(code: str, wanted: Symbology = "auto") -> str:
    """The symbol a label prints its code as: QR when asked or when no barcode can carry it."""
    if wanted == "qr" or not code:
        return "qr"
    if wanted in ("auto", "ean13") and ean13_ok(code):
        return "ean13"
    printable = code.isascii() and all(0x20 <= ord(c) < 0x7F for c in code)
    if printable and _code128_width(code) is not None:
        return "code128"
    return "qr"


def barcode_bytes(code: str, symbology: str, height: int) -> bytes:
    """GS h/w/H then GS k (function B) for EAN-13 or CODE128; no HRI (the text is printed)."""
    if symbology == "ean13":
        body, m, width = code.encode("ascii"), 67, 3
    else:
        body = b"{B" + code.replace("{", "{{").encode("ascii")
        m, width = 73, _code128_width(code) or 2
    return (
        GS + b"h" + bytes([height]) + GS + b"w" + bytes([width]) + GS + b"H\x00"
        + GS + b"k" + bytes([m, len(body)]) + body
    )  # fmt: skip


def layout_label(doc: LabelDocument, columns: int = 42) -> list[Line]:
    """The text rows above the code; the code is drawn by `render_labels`."""
    if columns < MIN_COLUMNS:
        raise ValueError(f"columns must be at least {MIN_COLUMNS}, got {columns}")
    lines: list[Line] = []
    name, vendor, price = clean(doc.name), clean(doc.vendor), won_unit(doc.price)
    if doc.kind == "shelf":
        if vendor:
            lines += [Line(r, align="center") for r in wrap(vendor, columns)]
        for row in wrap(name, columns // 2):
            lines.append(
                Line(row, align="center", bold=True, double_width=True, double_height=True)
            )
        lines.append(Line(price, align="center", bold=True, double_width=True, double_height=True))
    else:
        lines += [Line(r, bold=True) for r in wrap(name, columns)]
        lines += [Line(r) for r in two_cols(vendor, price, columns)]
    return lines


def render_labels(
    docs: Sequence[LabelDocument],
    columns: int = 42,
    hangul: Literal["text", "image"] = "text",
    *,
    cut: bool = True,
    qr_size: int = 6,
    font_path: str | None = None,
) -> bytes:
    """One print job with every label in order, each followed by a partial cut.

    ``hangul`` as for receipts: "text" sends CP949 in double-byte mode, "image" draws the
    words with a Korean font for printers without one (the codes stay native either way)."""
    if not docs:
        raise ValueError("no labels to print")
    if hangul not in ("text", "image"):
        raise ValueError(f'hangul must be "text" or "image", got {hangul!r}')
    printer = Dummy()
    printer.hw("INIT")
    if hangul == "image":
        px = 512 if columns <= 42 else 576
        data = dict(printer.profile.profile_data)
        data["media"] = {**data.get("media", {}), "width": {"pixels": px}}
        printer.profile.profile_data = data
        font = find_font(font_path)

        def emit(lines):
            _emit_image(printer, lines, columns, px, font, qr_size)
    else:

        def emit(lines):
            _emit_text(printer, lines, qr_size)

    for doc in docs:
        emit(layout_label(doc, columns))
        code = clean(doc.code).strip()
        if code:  # else a text-only label: nothing to scan
            symbol = symbology_for(code, doc.symbology)
            if symbol == "qr":
                emit([Line(code, align="center", kind="qr")])
            else:
                height = 80 if doc.kind == "shelf" else 56
                printer._raw(ESC + b"a\x01" + barcode_bytes(code, symbol, height) + b"\n")
                printer._raw(ESC + b"a\x00")
            if cp949_width(code) <= columns:  # the code in plain text under the symbol
                emit([Line(code, align="center")])
        if cut:
            printer.cut(mode="PART")
        else:
            printer.print_and_feed(2)
    return printer.output

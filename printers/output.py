"""Turn a receipt into ESC/POS bytes (not named ``escpos.py`` so it cannot shadow the library).

The bytes are built on python-escpos' ``Dummy`` printer so that the transport can send them to
any device unchanged, and a failed send can simply be retried with the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from .document import ReceiptDocument
from .layout import Line, cp949_width, layout_receipt

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
HANGUL_ON = FS + b"&"  #: FS & - enter Korean double-byte (KS C 5601) mode
HANGUL_OFF = FS + b"."  #: FS . - back to single-byte mode

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKkr-Regular.otf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",  # Debian fonts-nanum
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",  # macOS
    "C:/Windows/Fonts/malgun.ttf",  # Windows 맑은 고딕
)


class FontNotFoundError(RuntimeError):
    """Image mode needs a Korean font file and none was found."""


def render(
    doc: ReceiptDocument,
    columns: int = 42,
    hangul: Literal["text", "image"] = "text",
    *,
    font_path: str | None = None,
    paper_px: int | None = None,
    qr_size: int = 6,
    cut: bool = True,
) -> bytes:
    """Return the complete print job for ``doc``: init, receipt, QR, feed and partial cut.

    ``hangul="text"`` sends Hangul as CP949 inside FS & ... FS . (the printer's own Korean
    font). ``hangul="image"`` draws the text with a Korean font into raster images for printers
    without one; ``font_path`` overrides the font search, ``paper_px`` the image width (default
    512 dots up to 42 columns, else 576). The QR code is always the printer's native one.
    """
    return render_lines(
        layout_receipt(doc, columns),
        columns,
        hangul,
        font_path=font_path,
        paper_px=paper_px,
        qr_size=qr_size,
        cut=cut,
    )


def render_lines(
    lines: Sequence[Line],
    columns: int = 42,
    hangul: Literal["text", "image"] = "text",
    *,
    font_path: str | None = None,
    paper_px: int | None = None,
    qr_size: int = 6,
    cut: bool = True,
) -> bytes:
    """The print job for laid-out ``lines`` (a receipt, a fair slip, a test page): init, the
    rows, then a partial cut (or a feed). ``hangul`` etc. as for `render`."""
    if hangul not in ("text", "image"):
        raise ValueError(f'hangul must be "text" or "image", got {hangul!r}')
    printer = Dummy()
    printer.hw("INIT")  # ESC @
    if hangul == "text":
        _emit_text(printer, lines, qr_size)
    else:
        px = paper_px or (512 if columns <= 42 else 576)
        # The image call checks the width against the profile; give it ours (per instance, so
        # the shared profile class is untouched) and avoid its "width unknown" stdout notice.
        data = dict(printer.profile.profile_data)
        data["media"] = {**data.get("media", {}), "width": {"pixels": px}}
        printer.profile.profile_data = data
        _emit_image(printer, lines, columns, px, find_font(font_path), qr_size)
    if cut:
        printer.cut(mode="PART")  # feeds 6 lines first, so the QR clears the cutter
    else:
        printer.print_and_feed(3)
    return printer.output


def encode_line(text: str) -> bytes:
    """CP949 bytes for ``text``, wrapped in FS & ... FS . if it holds any double-byte char."""
    raw = text.encode("cp949", errors="replace")
    if any(b >= 0x80 for b in raw):
        return HANGUL_ON + raw + HANGUL_OFF
    return raw


def _size_byte(line: Line) -> int:
    # GS ! n: high nibble = width multiplier - 1, low nibble = height multiplier - 1.
    # Unlike ESC !, GS ! also scales the double-byte (Korean) font.
    return (0x10 if line.double_width else 0) | (0x01 if line.double_height else 0)


_ALIGN = {"left": 0, "center": 1, "right": 2}


def _emit_text(printer: Dummy, lines: Sequence[Line], qr_size: int) -> None:
    for line in lines:
        printer._raw(ESC + b"a" + bytes([_ALIGN[line.align]]))
        if line.kind == "qr":
            printer.qr(line.text, native=True, size=qr_size)
            printer._raw(b"\n")
            continue
        styled = line.bold or line.double_width or line.double_height
        if styled:
            printer._raw(
                ESC + b"E" + bytes([int(line.bold)]) + GS + b"!" + bytes([_size_byte(line)])
            )
        printer._raw(encode_line(line.text) + b"\n")
        if styled:
            printer._raw(ESC + b"E\x00" + GS + b"!\x00")
    printer._raw(ESC + b"a\x00")


@lru_cache(maxsize=8)
def find_font(font_path: str | None = None) -> str:
    """Path of a font with Hangul: ``font_path`` if given, else the first candidate present."""
    if font_path:
        if not os.path.isfile(font_path):
            raise FontNotFoundError(f"font file not found: {font_path}")
        return font_path
    for path in FONT_CANDIDATES:
        if os.path.isfile(path):
            return path
    raise FontNotFoundError(
        "no Korean font found for image mode; install fonts-noto-cjk or pass font_path= "
        f"(looked in: {', '.join(FONT_CANDIDATES)})"
    )


@lru_cache(maxsize=16)
def _load_font(path: str, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    if bold:
        bold_path = path.replace("Regular", "Bold")
        if bold_path != path and os.path.isfile(bold_path):
            path = bold_path
    index = 0
    if path.lower().endswith(".ttc"):  # pick the Korean face of a CJK collection
        for i in range(16):
            try:
                name = ImageFont.truetype(path, size, index=i).getname()[0]
            except OSError:
                break
            if "KR" in name and "Mono" not in name:
                index = i
                break
    return ImageFont.truetype(path, size, index=index)


def _draw_line(line: Line, columns: int, px: int, font_path: str) -> Image.Image:
    """Draw one line on a fixed cell grid so amounts line up exactly as on a text printer."""
    cell = px // columns  # one single-byte cell, in dots
    row_h = cell * 2 + cell // 2
    cols = columns // 2 if line.double_width else columns
    width = cp949_width(line.text)
    start = {"left": 0, "center": (cols - width) // 2, "right": cols - width}[line.align]
    img = Image.new("L", (cols * cell, row_h), 255)
    draw = ImageDraw.Draw(img)
    font = _load_font(font_path, cell * 2 - 2, line.bold)
    x = max(start, 0)
    for ch in line.text:
        w = cp949_width(ch)
        if not ch.isspace():
            cx = (x + w / 2) * cell
            draw.text((cx, row_h / 2), ch, font=font, fill=0, anchor="mm")
        x += w
    if line.double_width or line.double_height:
        img = img.resize(
            (img.width * (2 if line.double_width else 1), row_h * (2 if line.double_height else 1))
        )
    full = Image.new("L", (px, img.height), 255)
    full.paste(img, (0, 0))
    return full.point(lambda v: 0 if v < 128 else 255)


def _stack(images: Iterable[Image.Image], px: int) -> Image.Image:
    images = list(images)
    out = Image.new("L", (px, sum(i.height for i in images)), 255)
    y = 0
    for i in images:
        out.paste(i, (0, y))
        y += i.height
    return out


def _emit_image(
    printer: Dummy, lines: Sequence[Line], columns: int, px: int, font_path: str, qr_size: int
) -> None:
    block: list[Image.Image] = []

    def flush() -> None:
        if block:
            printer.image(_stack(block, px), impl="bitImageRaster")
            block.clear()

    for line in lines:
        if line.kind == "qr":
            flush()
            printer._raw(ESC + b"a\x01")
            printer.qr(line.text, native=True, size=qr_size)
            printer._raw(b"\n" + ESC + b"a\x00")
        else:
            block.append(_draw_line(line, columns, px, font_path))
    flush()

"""Receipt printing: lay out a `ReceiptDocument`, render ESC/POS bytes, send them to a printer.

Self-contained on purpose (imports nothing else of the app) and the only place that uses
python-escpos. Typical use::

    data = render(doc, columns=42)          # bytes; keep them to retry
    send("tcp://192.168.0.50:9100", data)   # raises PrinterError
"""

from .document import (
    ReceiptCashReceipt,
    ReceiptDocument,
    ReceiptHeader,
    ReceiptLine,
    ReceiptPayment,
)
from .layout import Line, cp949_width, layout_receipt
from .output import FontNotFoundError, render
from .transport import PrinterError, PrinterTarget, parse_printer_url, send

__all__ = [
    "FontNotFoundError",
    "Line",
    "PrinterError",
    "PrinterTarget",
    "ReceiptCashReceipt",
    "ReceiptDocument",
    "ReceiptHeader",
    "ReceiptLine",
    "ReceiptPayment",
    "cp949_width",
    "layout_receipt",
    "parse_printer_url",
    "render",
    "send",
]

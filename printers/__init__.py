"""Receipt printing: lay out a `ReceiptDocument`, render ESC/POS bytes, send them to a printer.

Self-contained on purpose (imports nothing else of the app) and the only place that uses
python-escpos. Typical use::

    data = render(doc, columns=42)                   # bytes; keep them to retry
    done = send("tcp://192.168.0.50:9100", data)     # Delivery, or raises PrinterError
"""

from .document import (
    ReceiptCashReceipt,
    ReceiptDocument,
    ReceiptHeader,
    ReceiptLine,
    ReceiptPayment,
)
from .errors import PrinterError
from .layout import Line, cp949_width, layout_receipt
from .output import FontNotFoundError, render
from .status import PrinterState, StatusQuery
from .target import PrinterTarget, parse_printer_url
from .transport import Delivery, send

__all__ = [
    "Delivery",
    "FontNotFoundError",
    "Line",
    "PrinterError",
    "PrinterState",
    "PrinterTarget",
    "ReceiptCashReceipt",
    "ReceiptDocument",
    "ReceiptHeader",
    "ReceiptLine",
    "ReceiptPayment",
    "StatusQuery",
    "cp949_width",
    "layout_receipt",
    "parse_printer_url",
    "render",
    "send",
]

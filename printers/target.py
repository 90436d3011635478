"""Printer URLs: one string per device (``tcp://192.168.0.50:9100``), so settings store a URL.

``parse_printer_url`` raises ValueError with a precise English reason for the admin's log; the
cashier sees a Korean sentence from `PrinterError` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

DEFAULT_TCP_PORT = 9100
DEFAULT_BAUDRATE = 9600


@dataclass(frozen=True)
class PrinterTarget:
    """A parsed printer URL."""

    scheme: str  #: tcp, usb, serial or file
    host: str = ""
    port: int = DEFAULT_TCP_PORT
    vendor_id: int = 0
    product_id: int = 0
    in_ep: int | None = None
    out_ep: int | None = None
    path: str = ""  #: serial device or file path
    baudrate: int = DEFAULT_BAUDRATE


def _int(value: str, what: str, base: int = 10) -> int:
    try:
        return int(value, base)
    except ValueError:
        raise ValueError(f"{what} must be a number, got {value!r}") from None


def _query(parts, allowed: set[str], url: str) -> dict[str, str]:
    q = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(q) - allowed)
    if unknown:
        ok = ", ".join(sorted(allowed)) or "none"
        raise ValueError(f"unknown option {unknown[0]!r} in printer URL {url!r} (allowed: {ok})")
    return q


def parse_printer_url(url: str) -> PrinterTarget:
    """Validate and parse ``tcp://HOST[:PORT]``, ``usb://VID:PID``, ``serial:///dev/X[?baudrate=N]``
    or ``file:///PATH``; raise ValueError saying what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("printer URL is empty")
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        _query(parts, set(), url)
        try:
            host, port = parts.hostname, parts.port
        except ValueError:
            raise ValueError(f"port in {url!r} must be a number from 1 to 65535") from None
        if not host:
            raise ValueError(f"printer URL {url!r} has no host; use tcp://HOST:9100")
        if parts.path not in ("", "/"):
            raise ValueError(f"tcp printer URL {url!r} must not have a path")
        if port == 0:
            raise ValueError(f"port in {url!r} must be from 1 to 65535")
        return PrinterTarget("tcp", host=host, port=port or DEFAULT_TCP_PORT)
    if scheme == "usb":
        q = _query(parts, {"in_ep", "out_ep"}, url)
        ids = parts.netloc.split(":")
        if len(ids) != 2 or not all(ids):
            raise ValueError(
                f"USB printer URL {url!r} must look like usb://04b8:0202 (hex VID:PID)"
            )
        vid, pid = (_int(i.removeprefix("0x"), "USB vendor/product id", 16) for i in ids)
        if not (0 < vid <= 0xFFFF and 0 < pid <= 0xFFFF):
            raise ValueError(f"USB ids in {url!r} must be 4 hex digits each")
        eps = {k: _int(v.removeprefix("0x"), k, 16) for k, v in q.items()}
        return PrinterTarget("usb", vendor_id=vid, product_id=pid, **eps)
    if scheme == "serial":
        q = _query(parts, {"baudrate"}, url)
        path = parts.netloc + parts.path if parts.netloc else parts.path
        if not path or path == "/":
            raise ValueError(f"serial printer URL {url!r} has no device; use serial:///dev/ttyUSB0")
        baud = _int(q.get("baudrate", str(DEFAULT_BAUDRATE)), "baudrate")
        if baud <= 0:
            raise ValueError(f"baudrate in {url!r} must be positive")
        return PrinterTarget("serial", path=path, baudrate=baud)
    if scheme == "file":
        _query(parts, set(), url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file printer URL {url!r} must be file:///ABSOLUTE/PATH")
        if not parts.path or parts.path.endswith("/"):
            raise ValueError(f"file printer URL {url!r} has no file name")
        return PrinterTarget("file", path=parts.path)
    raise ValueError(
        f"unsupported printer URL {url!r}; use tcp://HOST:PORT, usb://VID:PID, "
        "serial:///dev/DEVICE?baudrate=N or file:///PATH"
    )


def describe(t: PrinterTarget) -> str:
    """The device in a log line (never shown to the cashier)."""
    if t.scheme == "tcp":
        return f"{t.host}:{t.port}"
    if t.scheme == "usb":
        return f"USB {t.vendor_id:04x}:{t.product_id:04x}"
    return t.path

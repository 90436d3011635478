"""Send a finished print job to the printer named by a URL.

Printers are configured per device as one string, e.g. ``tcp://192.168.0.50:9100``, so the
settings page stores a URL and nothing else. Every failure surfaces as `PrinterError` so the
caller has one thing to catch, show and retry.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from escpos.printer import File, Network, Serial, Usb

DEFAULT_TCP_PORT = 9100
DEFAULT_BAUDRATE = 9600


class PrinterError(Exception):
    """The job did not reach the printer. ``str(e)`` is a plain sentence for the cashier.

    ``retryable`` is False when retrying cannot help (bad URL, missing driver package).
    """

    def __init__(self, message: str, *, printer_url: str = "", retryable: bool = True) -> None:
        super().__init__(message)
        self.printer_url = printer_url
        self.retryable = retryable


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


def _plain(exc: BaseException, where: str, timeout: float) -> str:
    """Explain an OS-level failure in words a cashier can act on."""
    cause = exc
    while not isinstance(cause, OSError) and (cause.__cause__ or cause.__context__):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, socket.timeout | TimeoutError):
        return f"printer at {where} did not respond within {timeout:g} seconds"
    if isinstance(cause, socket.gaierror):
        return f"printer host name in {where} could not be found"
    if isinstance(cause, OSError) and cause.errno is not None:
        words = {
            errno.ECONNREFUSED: "connection refused (is the printer on and the port right?)",
            errno.EHOSTUNREACH: "printer is unreachable (check the network)",
            errno.ENETUNREACH: "network is unreachable",
            errno.ECONNRESET: "printer closed the connection",
            errno.EPIPE: "printer closed the connection",
            errno.ENOENT: "device or file does not exist",
            errno.EACCES: "permission denied",
            errno.EBUSY: "device is busy",
        }.get(cause.errno, os.strerror(cause.errno))
        return f"cannot print to {where}: {words}"
    return f"cannot print to {where}: {exc}"


def _open(t: PrinterTarget, timeout: float):
    """Build and open the python-escpos printer for ``t`` (the library opens lazily otherwise)."""
    if t.scheme == "tcp":
        p = Network(host=t.host, port=t.port, timeout=timeout)
        # Connect here rather than in Network.open(): that leaks the socket when the connect
        # fails and only tries the first address of the host. Writing and closing stay the
        # library's.
        p.device = socket.create_connection((t.host, t.port), timeout=timeout)
        return p
    if t.scheme == "usb":
        if not Usb.is_usable():
            raise PrinterError("USB printing needs the pyusb package installed", retryable=False)
        eps = {k: v for k, v in (("in_ep", t.in_ep), ("out_ep", t.out_ep)) if v is not None}
        p = Usb(t.vendor_id, t.product_id, timeout=int(timeout * 1000), **eps)
        p.open()
        return p
    if t.scheme == "serial":
        if not Serial.is_usable():
            raise PrinterError("serial printing needs the pyserial package", retryable=False)
        p = Serial(devfile=t.path, baudrate=t.baudrate, timeout=timeout)
        p.open()
        return p
    # file: append, so a log file or a device node both just receive the job
    p = File(devfile=t.path)
    p.device = open(t.path, "ab")  # closed by p.close()
    return p


def _where(t: PrinterTarget) -> str:
    if t.scheme == "tcp":
        return f"{t.host}:{t.port}"
    if t.scheme == "usb":
        return f"USB printer {t.vendor_id:04x}:{t.product_id:04x}"
    return t.path


def send(printer_url: str, data: bytes, timeout: float = 5.0) -> None:
    """Write ``data`` (from `render`) to the printer; raise `PrinterError` on any failure.

    ``timeout`` bounds connecting and the whole write (seconds), so a dead printer never hangs
    the till. Nothing is retried here; the caller decides.
    """
    try:
        target = parse_printer_url(printer_url)
    except ValueError as e:
        raise PrinterError(str(e), printer_url=printer_url, retryable=False) from e
    where = _where(target)
    printer = None
    try:
        printer = _open(target, timeout)
        printer._raw(bytes(data))
    except PrinterError as e:
        e.printer_url = printer_url
        raise
    except Exception as e:  # device boundary: anything here means "not printed"
        raise PrinterError(_plain(e, where, timeout), printer_url=printer_url) from e
    finally:
        if printer is not None:
            # closing a half-dead device must not mask the real error
            with contextlib.suppress(Exception):
                printer.close()

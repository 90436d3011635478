"""One open connection to a printer, built on python-escpos' printer classes.

The library writes (``_raw``) and asks for status (``query_status``, one ``_read``), but has no
per-read timeout, cannot tell "no answer" from "connection closed", and never checks that the
bytes left the computer. This wrapper adds those three, per kind of device.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import struct
import time

from escpos.printer import File, Network, Serial, Usb

from .errors import NO_DRIVER, PrinterError, is_timeout
from .status import PrinterState, StatusQuery, status_byte
from .target import PrinterTarget

try:  # Linux: bytes a socket has sent but the peer has not acknowledged
    import fcntl
    from termios import TIOCOUTQ
except ImportError:  # pragma: no cover - other systems skip the drain check
    fcntl = None
    TIOCOUTQ = None

_POLL = 0.01


class Link:
    """An open printer: write a job, wait until the device took it, ask its status."""

    def __init__(self, target: PrinterTarget, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        #: queries this printer left unanswered once; not asked again on this connection
        self.silent: set[StatusQuery] = set()
        self.printer = _open(target, timeout)

    @property
    def can_answer(self) -> bool:
        """A file target (or a device node opened as one) has no way back."""
        return self.target.scheme != "file"

    def write(self, data: bytes) -> None:
        dev = self.printer.device
        if self.target.scheme == "tcp":
            dev.settimeout(self.timeout)  # bounds the whole sendall
        elif self.target.scheme == "serial":
            dev.write_timeout = self.timeout
        self.printer._raw(bytes(data))
        if self.target.scheme == "file":
            dev.flush()

    def unsent(self) -> int:
        """Bytes not yet taken by the device (TCP: not acknowledged by the printer)."""
        dev = self.printer.device
        if self.target.scheme == "tcp" and fcntl is not None:
            raw = fcntl.ioctl(dev.fileno(), TIOCOUTQ, b"\0\0\0\0")
            return struct.unpack("i", raw)[0]
        if self.target.scheme == "serial":
            return int(dev.out_waiting)
        return 0  # USB writes return once the device took them; files once written

    def drained(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the device to take every byte written."""
        deadline = time.monotonic() + seconds
        while self.unsent() > 0:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)
        return True

    def _read_timeout(self, seconds: float) -> None:
        dev = self.printer.device
        seconds = max(seconds, 0.001)
        if self.target.scheme == "tcp":
            dev.settimeout(seconds)
        elif self.target.scheme == "serial":
            dev.timeout = seconds
        elif self.target.scheme == "usb":
            dev.default_timeout = max(1, int(seconds * 1000))

    def _reply(self, read, seconds: float) -> bytes | None:
        """One read within ``seconds``: the bytes, or None when nothing came."""
        self._read_timeout(seconds)
        try:
            reply = bytes(read())
        except Exception as exc:
            if is_timeout(exc):
                return None
            raise
        if not reply and self.target.scheme == "tcp":
            # an orderly close before answering: the printer went away, nothing is proven
            raise ConnectionResetError(errno.ECONNRESET, "printer closed the connection")
        return reply or None

    def ask(self, query: StatusQuery, seconds: float) -> int | None:
        """``DLE EOT n`` through python-escpos' ``query_status``; the status byte or None."""
        if not self.can_answer or query in self.silent:
            return None
        deadline = time.monotonic() + seconds
        reply = self._reply(lambda: self.printer.query_status(query.command), seconds)
        while reply is not None:
            if (byte := status_byte(reply)) is not None:
                return byte
            left = deadline - time.monotonic()  # stray bytes only: keep listening
            reply = self._reply(self.printer._read, left) if left > 0 else None
        self.silent.add(query)
        return None

    def state(self, seconds: float) -> PrinterState | None:
        """The printer's answers to DLE EOT 1-4, or None when it does not answer at all."""
        printer = self.ask(StatusQuery.PRINTER, seconds)
        if printer is None:
            return None
        causes = {}
        for query in (StatusQuery.OFFLINE_CAUSE, StatusQuery.ERROR_CAUSE, StatusQuery.PAPER):
            causes[query] = self.ask(query, seconds)
        return PrinterState(
            printer,
            offline_cause=causes[StatusQuery.OFFLINE_CAUSE],
            error_cause=causes[StatusQuery.ERROR_CAUSE],
            paper=causes[StatusQuery.PAPER],
        )

    def abort(self) -> None:
        """Drop the connection and whatever it still holds, so a stalled printer that wakes
        up later cannot print this attempt as well as the retry."""
        if self.target.scheme == "tcp":
            with contextlib.suppress(Exception):
                self.printer.device.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
        elif self.target.scheme == "serial":
            with contextlib.suppress(Exception):
                self.printer.device.reset_output_buffer()
        self.close()

    def close(self) -> None:
        # closing a half-dead device must not mask the real error
        with contextlib.suppress(Exception):
            self.printer.close()


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
            raise PrinterError(NO_DRIVER, code="no_driver", detail="pyusb missing", retryable=False)
        eps = {k: v for k, v in (("in_ep", t.in_ep), ("out_ep", t.out_ep)) if v is not None}
        p = Usb(t.vendor_id, t.product_id, timeout=int(timeout * 1000), **eps)
        p.open()
        return p
    if t.scheme == "serial":
        if not Serial.is_usable():
            raise PrinterError(
                NO_DRIVER, code="no_driver", detail="pyserial missing", retryable=False
            )
        p = Serial(devfile=t.path, baudrate=t.baudrate, timeout=timeout)
        p.open()
        return p
    # file: append, so a log file or a device node both just receive the job
    p = File(devfile=t.path)
    p.device = open(t.path, "ab")  # closed by p.close()
    return p

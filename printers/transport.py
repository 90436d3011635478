"""Send a finished print job to the printer named by a URL, and find out whether it printed.

"The OS took the bytes" proves nothing: a printer can accept a connection and never read, or
reset right after. So the printer is asked for its real-time status (``DLE EOT``) before the
job, so a printer without paper is not sent a receipt it would print later as a duplicate,
and after it, once every byte has been taken. Only a good answer (online, paper, cover closed,
no error) is `Delivery.CONFIRMED`. A printer that cannot answer (a file target, a device that
stays silent) gives `Delivery.UNCONFIRMED`; everything else raises `PrinterError`.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import BAD_SETTING, NOT_READING, PrinterError, from_exception
from .link import Link
from .status import PrinterState
from .target import (
    DEFAULT_BAUDRATE,
    DEFAULT_TCP_PORT,
    PrinterTarget,
    describe,
    parse_printer_url,
)

__all__ = [
    "DEFAULT_BAUDRATE",
    "DEFAULT_TCP_PORT",
    "Delivery",
    "PrinterError",
    "PrinterTarget",
    "parse_printer_url",
    "send",
]

#: how long a printer gets to answer one status query unless the caller says otherwise
STATUS_TIMEOUT = 1.5


class Delivery(StrEnum):
    """How far a job is known to have got."""

    CONFIRMED = "confirmed"  #: the printer took every byte and then reported itself fine
    UNCONFIRMED = "unconfirmed"  #: the bytes left, but the printer cannot or did not answer


def _check(state: PrinterState, url: str) -> None:
    if (problem := state.problem()) is not None:
        code, message = problem
        raise PrinterError(message, code=code, detail=f"status {state}", printer_url=url)


def send(
    printer_url: str, data: bytes, timeout: float = 5.0, status_timeout: float | None = None
) -> Delivery:
    """Write ``data`` (from `render`) to the printer and report how far it is known to have got.

    ``timeout`` bounds connecting and handing over the job (seconds), so a dead or stalled
    printer never hangs the worker; ``status_timeout`` bounds each status answer. Raises
    `PrinterError` (Korean message, ``retryable`` set) when the job did not print. Nothing is
    retried here; the caller decides.
    """
    try:
        target = parse_printer_url(printer_url)
    except ValueError as e:
        raise PrinterError(
            BAD_SETTING, code="bad_url", detail=str(e), retryable=False, printer_url=printer_url
        ) from e
    wait = min(timeout, STATUS_TIMEOUT) if status_timeout is None else status_timeout
    link: Link | None = None
    try:
        link = Link(target, timeout)
        before = link.state(wait)
        if before is not None:
            _check(before, printer_url)  # paper out now: keep the job, send nothing
        link.write(data)
        if not link.drained(timeout):
            left = link.unsent()
            link.abort()
            raise PrinterError(
                NOT_READING,
                code="not_reading",
                detail=f"{describe(target)}: {left} bytes not taken in {timeout:g} s",
                printer_url=printer_url,
            )
        after = link.state(wait) if before is not None else None
        if after is None:
            return Delivery.UNCONFIRMED
        _check(after, printer_url)
        return Delivery.CONFIRMED
    except PrinterError as e:
        e.printer_url = printer_url
        raise
    except Exception as e:  # device boundary: anything here means "not printed"
        raise from_exception(e, target, printer_url) from e
    finally:
        if link is not None:
            link.close()

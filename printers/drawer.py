"""The cash drawer: it hangs off the receipt printer's drawer port and opens on a pulse.

``ESC p m t1 t2`` drives pin ``m`` (0 = pin 2, the usual drawer) on for ``t1`` × 2 ms and off
for ``t2`` × 2 ms. ``ESC p 0 25 250`` (50 ms on, 500 ms off) opens every common drawer; a
printer without a drawer ignores it.
"""

from __future__ import annotations

#: ESC p 0 25 250: open the drawer on pin 2, 50 ms on, 500 ms off
DRAWER_PULSE = b"\x1bp\x00\x19\xfa"


def drawer_pulse(pin: int = 0, on_ms: int = 50, off_ms: int = 500) -> bytes:
    """The ``ESC p`` command for ``pin`` (0: pin 2, 1: pin 5) with times in milliseconds
    (2 ms steps, 2-510 ms)."""
    if pin not in (0, 1):
        raise ValueError(f"drawer pin must be 0 or 1, got {pin!r}")
    on, off = (max(1, min(255, round(ms / 2))) for ms in (on_ms, off_ms))
    return b"\x1bp" + bytes([pin, on, off])


def open_drawer_job() -> bytes:
    """A print job that only opens the drawer (a no-sale, a pay-in or pay-out)."""
    return DRAWER_PULSE


def with_drawer_pulse(data: bytes) -> bytes:
    """``data`` (a receipt job) that first opens the drawer, so it opens as the receipt prints."""
    return DRAWER_PULSE + data

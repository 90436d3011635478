"""What an ESC/POS printer says about itself (real-time status, ``DLE EOT n``).

A job only counts as printed when the printer answers after it: online, paper present, cover
closed, no error. The answer bytes follow the Epson ESC/POS reference for ``DLE EOT 1..4``;
python-escpos sends the query (``query_status``) but its ``paper_status`` reports "plenty of
paper" when nothing answers, so the bits are read here instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from escpos.constants import RT_STATUS


class StatusQuery(IntEnum):
    """The ``n`` of ``DLE EOT n``."""

    PRINTER = 1  #: online / offline
    OFFLINE_CAUSE = 2  #: cover open, paper end stop, error
    ERROR_CAUSE = 3  #: cutter, unrecoverable, auto-recoverable (head too hot)
    PAPER = 4  #: roll paper near-end and end sensors

    @property
    def command(self) -> bytes:
        return RT_STATUS + bytes([self.value])


#: bits 0, 1, 4 and 7 of every DLE EOT answer are fixed at 0, 1, 1, 0
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12


def status_byte(reply: bytes) -> int | None:
    """The last byte of ``reply`` shaped like a DLE EOT answer, or None (stray bytes only)."""
    for b in reversed(bytes(reply)):
        if b & _FIXED_MASK == _FIXED_BITS:
            return b
    return None


#: Korean words for the cashier, one per fault the printer can report
PAPER_OUT = "용지가 없습니다. 용지를 넣어 주세요."
COVER_OPEN = "프린터 덮개가 열려 있습니다. 덮개를 닫아 주세요."
CUTTER_ERROR = "용지 절단기(커터)에 문제가 있습니다. 걸린 용지를 빼 주세요."
BROKEN = "프린터에 고장이 생겼습니다. 프린터를 껐다가 켜 주세요."
ERROR = "프린터에 오류가 생겼습니다. 걸린 용지가 없는지 보고 프린터를 껐다가 켜 주세요."
OVERHEATED = "프린터가 과열되었습니다. 잠시 후 다시 출력합니다."
FEEDING = "프린터에서 용지를 내보내는 중입니다."
OFFLINE = "프린터가 출력할 수 없는 상태입니다. 프린터 불빛과 용지를 확인해 주세요."


@dataclass(frozen=True)
class PrinterState:
    """One set of answers; a cause is None when the printer did not answer that query."""

    printer: int
    offline_cause: int | None = None
    error_cause: int | None = None
    paper: int | None = None

    @property
    def online(self) -> bool:
        return not self.printer & 0x08

    @property
    def paper_out(self) -> bool:
        return self.paper is not None and self.paper & 0x60 == 0x60

    @property
    def paper_low(self) -> bool:
        return self.paper is not None and self.paper & 0x0C == 0x0C

    def problem(self) -> tuple[str, str] | None:
        """``(code, Korean sentence)`` for the first fault found, None when all is well."""
        off, err = self.offline_cause or 0, self.error_cause or 0
        if self.paper_out or off & 0x20:
            return "paper_out", PAPER_OUT
        if off & 0x04:
            return "cover_open", COVER_OPEN
        if err & 0x08:
            return "cutter_error", CUTTER_ERROR
        if err & 0x20:
            return "unrecoverable_error", BROKEN
        if err & 0x40:
            return "overheated", OVERHEATED
        if off & 0x40 or err & 0x04:
            return "printer_error", ERROR
        if not self.online:
            return ("feeding", FEEDING) if off & 0x08 else ("offline", OFFLINE)
        return None

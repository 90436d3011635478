"""Reading DLE EOT answers: which bytes mean online, paper out, cover open, an error."""

from __future__ import annotations

import pytest

from printers import PrinterState, StatusQuery
from printers.status import status_byte


def test_queries_are_dle_eot_n():
    assert [q.command for q in StatusQuery] == [b"\x10\x04" + bytes([n]) for n in (1, 2, 3, 4)]


def test_status_byte_skips_stray_bytes():
    assert status_byte(b"\x12") == 0x12
    assert status_byte(b"\x00\xff\x1a") == 0x1A  # the last well-formed answer wins
    assert status_byte(b"\x00\xff") is None  # nothing shaped like a DLE EOT answer
    assert status_byte(b"") is None


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ((0x12, 0x12, 0x12, 0x12), None),
        ((0x12, 0x12, 0x12, 0x1E), None),  # paper near end: still prints
        ((0x12, None, None, None), None),  # a printer answering only DLE EOT 1
        ((0x1A, 0x32, 0x12, 0x7E), "paper_out"),
        ((0x12, 0x12, 0x12, 0x72), "paper_out"),  # the sensor alone is enough
        ((0x1A, 0x16, 0x12, 0x12), "cover_open"),
        ((0x1A, 0x52, 0x1A, 0x12), "cutter_error"),
        ((0x1A, 0x52, 0x32, 0x12), "unrecoverable_error"),
        ((0x1A, 0x52, 0x52, 0x12), "overheated"),
        ((0x1A, 0x52, 0x16, 0x12), "printer_error"),
        ((0x1A, 0x1A, 0x12, 0x12), "feeding"),
        ((0x1A, None, None, None), "offline"),
    ],
)
def test_problem_names_the_fault_in_korean(answers, code):
    printer, offline, error, paper = answers
    problem = PrinterState(printer, offline, error, paper).problem()
    if code is None:
        assert problem is None
    else:
        assert problem[0] == code
        assert any("가" <= ch <= "힣" for ch in problem[1])

"""Sending over a real TCP socket: the job arrives intact, "printed" needs the printer's word.

Every fake here is a real listener on 127.0.0.1 (tests/live.py `FakePrinter`), behaving like an
Epson-compatible printer that answers DLE EOT, stays silent, stalls, resets or runs out of paper.
"""

from __future__ import annotations

import re
import socket
import time

import pytest
from live import COVER_OPEN, PAPER_LOW, PAPER_OUT, FakePrinter, free_port

from printers import Delivery, PrinterError, parse_printer_url, render, send

#: a silent printer costs this per status query; short so the suite stays quick
QUICK = 0.3


def korean(message: str) -> bool:
    """A sentence for the cashier: Hangul, no setting name, no errno or English phrase."""
    return (
        bool(re.search("[가-힣]", message))
        and "PRINTER" not in message
        and not re.search(r"[A-Za-z]{4,}", message)
    )


@pytest.fixture
def fake():
    made: list[FakePrinter] = []

    def make(**kwargs) -> FakePrinter:
        made.append(FakePrinter(**kwargs))
        return made[-1]

    yield make
    for p in made:
        p.close()


def test_answering_printer_confirms_the_whole_job(doc, decode, fake):
    printer = fake()
    data = render(doc)
    assert send(printer.url, data, timeout=5) is Delivery.CONFIRMED
    printer.wait_for(1)
    assert printer.jobs == [data]  # the status queries are not part of the job
    assert printer.queries == [1, 2, 3, 4, 1, 2, 3, 4]  # asked before and after the job
    s = decode(printer.jobs[0])
    segments = "\n".join(s.hangul_segments)
    for word in ["꿈이든카페", "과세물품가액", "부가세", "면세물품가액", "합계", "아메리카노"]:
        assert word in segments
    assert any(x.startswith("합계") and x.endswith("14,500원") for x in s.lines)
    assert s.qr_data == [doc.qr_url.encode()]
    assert s.commands[0] == ("init",) and s.commands[-1][0] == "cut"


def test_paper_near_end_still_prints(doc, fake):
    printer = fake(status=PAPER_LOW)
    assert send(printer.url, render(doc), timeout=5) is Delivery.CONFIRMED


def test_paper_out_sends_nothing_and_says_so_in_korean(doc, fake):
    printer = fake(status=PAPER_OUT)
    with pytest.raises(PrinterError) as err:
        send(printer.url, render(doc), timeout=5)
    assert err.value.code == "paper_out" and err.value.retryable
    assert str(err.value).startswith("용지가 없습니다") and korean(str(err.value))
    time.sleep(0.2)
    assert printer.jobs == []  # no receipt waiting inside the printer to come out twice


def test_cover_open_keeps_the_job_with_its_reason(doc, fake):
    printer = fake(status=COVER_OPEN)
    with pytest.raises(PrinterError, match="덮개가 열려 있습니다") as err:
        send(printer.url, render(doc), timeout=5)
    assert err.value.code == "cover_open" and err.value.retryable


class RunsOutDuringTheJob(FakePrinter):
    """Fine when asked first, out of paper once the receipt has arrived."""

    def _answer(self, conn, job):
        if len(job) > 3:
            self.status = dict(PAPER_OUT)
        super()._answer(conn, job)


def test_paper_running_out_during_the_job_is_not_printed(doc):
    printer = RunsOutDuringTheJob()
    try:
        with pytest.raises(PrinterError, match="용지가 없습니다"):
            send(printer.url, render(doc), timeout=5)
    finally:
        printer.close()


def test_silent_printer_is_sent_not_confirmed(doc, fake):
    printer = fake(status=None)  # reads everything, never answers a status query
    data = render(doc)
    start = time.monotonic()
    assert send(printer.url, data, timeout=5, status_timeout=QUICK) is Delivery.UNCONFIRMED
    assert time.monotonic() - start < QUICK + 2
    printer.wait_for(1)
    assert printer.jobs == [data]
    assert printer.queries == [1]  # one unanswered query is enough


def test_printer_that_never_reads_is_not_confirmed(doc, fake):
    # the kernel still takes a receipt's few kilobytes for it: at best "sent"
    printer = fake(mode="stall")
    assert send(printer.url, render(doc), timeout=2, status_timeout=QUICK) is not (
        Delivery.CONFIRMED
    )


def test_stalled_printer_with_a_printers_buffer_times_out(make_doc, fake):
    # a printer's own small receive buffer fills and the job is never taken
    printer = fake(mode="stall", rcvbuf=4096)
    data = render(make_doc(), hangul="image")  # raster lines: tens of kilobytes
    start = time.monotonic()
    with pytest.raises(PrinterError) as err:
        send(printer.url, data, timeout=1, status_timeout=QUICK)
    assert time.monotonic() - start < 5
    assert err.value.code in ("not_reading", "timeout") and err.value.retryable
    assert korean(str(err.value))


def test_stalled_printer_times_out_instead_of_hanging(fake):
    printer = fake(mode="stall")  # its buffers fill and sendall blocks
    start = time.monotonic()
    with pytest.raises(PrinterError, match="프린터가 응답하지 않습니다") as err:
        send(printer.url, b"\0" * 64_000_000, timeout=0.5)
    assert time.monotonic() - start < 5
    assert err.value.code == "timeout" and err.value.retryable


def test_printer_that_resets_after_accepting_is_an_error(doc, fake):
    printer = fake(mode="reset")
    with pytest.raises(PrinterError) as err:
        send(printer.url, render(doc), timeout=2, status_timeout=QUICK)
    assert err.value.code == "closed" and err.value.retryable
    assert korean(str(err.value))


def test_tcp_refused_raises_printer_error_quickly():
    port = free_port()
    start = time.monotonic()
    with pytest.raises(PrinterError, match="연결을 받지 않습니다") as err:
        send(f"tcp://127.0.0.1:{port}", b"\x1b@", timeout=2)
    assert time.monotonic() - start < 2
    assert err.value.retryable and err.value.code == "refused"
    assert err.value.printer_url == f"tcp://127.0.0.1:{port}"
    assert "connection refused" in err.value.detail.lower()  # the log keeps the real reason


def test_file_printer_appends_jobs_unconfirmed(doc, tmp_path):
    path = tmp_path / "printer.bin"
    data = render(doc)
    assert send(f"file://{path}", data) is Delivery.UNCONFIRMED
    assert send(f"file://{path}", data) is Delivery.UNCONFIRMED
    assert path.read_bytes() == data + data


def test_file_printer_missing_directory_fails_for_good(tmp_path):
    with pytest.raises(PrinterError) as err:
        send(f"file://{tmp_path}/no/such/dir/p.bin", b"x")
    assert err.value.code == "no_device" and not err.value.retryable
    assert korean(str(err.value))


@pytest.mark.parametrize(
    "url", ["lpt://1", "tcp://", "tcp://host:99999", "usb://zz:0202", "192.168.0.50:9100", ""]
)
def test_bad_url_fails_at_once_in_korean(url):
    start = time.monotonic()
    with pytest.raises(PrinterError) as err:
        send(url, b"x")
    assert time.monotonic() - start < 0.5
    assert not err.value.retryable and err.value.code == "bad_url"
    assert isinstance(err.value.__cause__, ValueError)
    assert korean(str(err.value)) and "설정" in str(err.value)


def test_missing_serial_device_fails_for_good(tmp_path):
    with pytest.raises(PrinterError) as err:
        send(f"serial://{tmp_path}/ttyNONE?baudrate=19200", b"x", timeout=1)
    assert not err.value.retryable and korean(str(err.value))


def test_serial_path_that_is_no_serial_port_fails_for_good(tmp_path):
    plain = tmp_path / "not-a-tty"
    plain.write_bytes(b"")
    with pytest.raises(PrinterError) as err:
        send(f"serial://{plain}", b"x", timeout=1)
    assert not err.value.retryable and korean(str(err.value))


def test_absent_usb_printer_is_a_korean_printer_error():
    # whether or not libusb is present, no such device exists here
    with pytest.raises(PrinterError) as err:
        send("usb://04b8:0e15", b"x", timeout=1)
    assert korean(str(err.value))


def test_host_that_does_not_exist_is_retryable(monkeypatch):
    def no_such_host(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "create_connection", no_such_host)
    with pytest.raises(PrinterError, match="찾을 수 없습니다") as err:
        send("tcp://printer.invalid:9100", b"x", timeout=1)
    assert err.value.retryable and err.value.code == "unknown_host"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://192.168.0.50", dict(scheme="tcp", host="192.168.0.50", port=9100)),
        ("tcp://printer.local:9101", dict(scheme="tcp", host="printer.local", port=9101)),
        ("usb://04b8:0202", dict(scheme="usb", vendor_id=0x04B8, product_id=0x0202)),
        ("usb://0x0416:0x5011?out_ep=0x03", dict(vendor_id=0x0416, product_id=0x5011, out_ep=3)),
        ("serial:///dev/ttyUSB0?baudrate=19200", dict(path="/dev/ttyUSB0", baudrate=19200)),
        ("serial:///dev/ttyS0", dict(path="/dev/ttyS0", baudrate=9600)),
        ("file:///dev/usb/lp0", dict(scheme="file", path="/dev/usb/lp0")),
    ],
)
def test_parse_valid_urls(url, expected):
    target = parse_printer_url(url)
    for key, value in expected.items():
        assert getattr(target, key) == value


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("192.168.0.50:9100", "unsupported"),
        ("tcp://", "no host"),
        ("tcp://host:99999", "1 to 65535"),
        ("tcp://host:abc", "1 to 65535"),
        ("tcp://host:9100?timeout=3", "unknown option 'timeout'"),
        ("usb://04b8", "VID:PID"),
        ("usb://zz:0202", "must be a number"),
        ("serial://?baudrate=9600", "no device"),
        ("serial:///dev/ttyS0?baudrate=fast", "baudrate must be a number"),
        ("file://", "no file name"),
        ("file://otherhost/x", "ABSOLUTE"),
    ],
)
def test_parse_invalid_urls(url, message):
    with pytest.raises(ValueError, match=message):
        parse_printer_url(url)

"""Sending: a real TCP listener receives the job intact; failures are PrinterError, fast."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from printers import PrinterError, parse_printer_url, render, send


class Listener:
    """A one-shot fake network printer on 127.0.0.1 that records what it receives."""

    def __init__(self, read: bool = True) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received = bytearray()
        self.read = read
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(10)
        conn, _ = self.sock.accept()
        with conn:
            if not self.read:
                self.done.wait(10)  # hold the connection open without reading
                return
            while chunk := conn.recv(65536):
                self.received += chunk
        self.done.set()

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener():
    srv = Listener()
    yield srv
    srv.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tcp_send_delivers_the_whole_job(doc, decode, listener):
    data = render(doc)
    send(f"tcp://127.0.0.1:{listener.port}", data, timeout=5)
    assert listener.done.wait(5)
    assert bytes(listener.received) == data
    s = decode(bytes(listener.received))
    segments = "\n".join(s.hangul_segments)
    for word in ["꿈이든카페", "과세물품가액", "부가세", "면세물품가액", "합계", "아메리카노"]:
        assert word in segments
    assert any(x.startswith("합계") and x.endswith("14,500원") for x in s.lines)
    assert any(x.startswith("과세물품가액") and x.endswith("4,091") for x in s.lines)
    assert s.qr_data == [doc.qr_url.encode()]
    assert s.commands[0] == ("init",) and s.commands[-1][0] == "cut"


def test_tcp_refused_raises_printer_error_quickly():
    port = free_port()
    start = time.monotonic()
    with pytest.raises(PrinterError, match="connection refused") as err:
        send(f"tcp://127.0.0.1:{port}", b"\x1b@", timeout=2)
    assert time.monotonic() - start < 2
    assert err.value.retryable
    assert err.value.printer_url == f"tcp://127.0.0.1:{port}"


def test_tcp_stalled_printer_times_out_instead_of_hanging():
    srv = Listener(read=False)  # accepts, never reads: its buffers fill and sendall blocks
    try:
        start = time.monotonic()
        with pytest.raises(PrinterError, match=r"did not respond within 0\.5 seconds"):
            send(f"tcp://127.0.0.1:{srv.port}", b"\0" * 64_000_000, timeout=0.5)
        assert time.monotonic() - start < 5
    finally:
        srv.close()


def test_file_printer_appends_jobs(doc, tmp_path):
    path = tmp_path / "printer.bin"
    data = render(doc)
    send(f"file://{path}", data)
    send(f"file://{path}", data)
    assert path.read_bytes() == data + data


def test_file_printer_missing_directory(tmp_path):
    with pytest.raises(PrinterError, match="does not exist"):
        send(f"file://{tmp_path}/no/such/dir/p.bin", b"x")


def test_bad_url_is_a_printer_error_that_is_not_retryable():
    with pytest.raises(PrinterError, match="unsupported printer URL") as err:
        send("lpt://1", b"x")
    assert not err.value.retryable
    assert isinstance(err.value.__cause__, ValueError)


def test_usb_and_serial_failures_are_printer_errors(tmp_path):
    # Whether or not pyusb/pyserial are installed, no such device exists here.
    with pytest.raises(PrinterError):
        send("usb://04b8:0e15", b"x", timeout=1)
    with pytest.raises(PrinterError):
        send(f"serial://{tmp_path}/ttyNONE?baudrate=19200", b"x", timeout=1)


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

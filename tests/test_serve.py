"""`pos serve` as a café runs it: slow clients on the Wi-Fi must not stop the till, SIGTERM
finishes the sale in flight, and the print worker is the real `pos print-worker` command."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from live import ROOT, LiveServer, pos_command

SLOW_HEADERS = 8
SLOW_BODIES = 8


@pytest.fixture()
def live(tmp_path):
    """A server of its own, for a test that stops it."""
    server = LiveServer(tmp_path / "instance")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that leave it running."""
    server = LiveServer(tmp_path_factory.mktemp("serve") / "instance")
    server.start()
    yield server
    server.stop()


class Trickle:
    """Raw connections that send a request a line or a few bytes at a time and never finish:
    ``SLOW_HEADERS`` trickle header lines, ``SLOW_BODIES`` trickle a large declared body. A
    connection the server drops is opened again, so the pressure lasts."""

    def __init__(self, port: int):
        self.port = port
        self.kinds = ["headers"] * SLOW_HEADERS + ["body"] * SLOW_BODIES
        self.socks: list[socket.socket | None] = [None] * len(self.kinds)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, kind: str) -> socket.socket:
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        if kind == "headers":
            head = "POST /api/sales HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        else:  # the log-in reads its body before any check, so the body must arrive first
            head = "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            head += "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
        s.sendall(head.encode())
        return s

    def _run(self) -> None:
        n = 0
        while not self.stop.wait(0.3):
            n += 1
            for i, kind in enumerate(self.kinds):
                try:
                    if self.socks[i] is None:
                        self.socks[i] = self._open(kind)
                    self.socks[i].sendall(
                        f"X-Slow-{n}: 1\r\n".encode() if kind == "headers" else b" "
                    )
                except OSError:
                    self._drop(i)
        for i in range(len(self.socks)):
            self._drop(i)

    def _drop(self, i: int) -> None:
        if self.socks[i] is not None:
            self.socks[i].close()
            self.socks[i] = None

    def __enter__(self) -> Trickle:
        self.thread.start()
        time.sleep(1.5)  # every connection open and part-way through its request
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def login(base: str) -> requests.Session:
    http = requests.Session()
    resp = http.post(base + "/api/login", json={"username": "cashier3", "pin": "1234"}, timeout=10)
    assert resp.status_code == 200, resp.text
    http.headers["X-CSRFToken"] = resp.json()["csrf_token"]
    return http


def sale_body(http: requests.Session, base: str) -> dict:
    products = http.get(base + "/api/catalog", timeout=10).json()["products"]
    latte = next(p for p in products if p["name"] == "레몬에이드")
    return {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": latte["id"], "qty": 1, "options": []}],
        "payments": [{"method": "cash", "amount": latte["price"]}],
    }


def test_sales_go_through_while_slow_clients_trickle(shared):
    body = sale_body(login(shared.base), shared.base)
    with Trickle(shared.port):
        http = login(shared.base)  # a tablet logging in during the attack, too
        for _ in range(3):
            body["id"] = str(uuid.uuid4())
            resp = http.post(shared.base + "/api/sales", json=body, timeout=10)
            assert resp.status_code == 201, resp.text


def _raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send ``request`` as it is; the status and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_huge_declared_body_is_refused_before_it_is_sent(shared):
    status, body = _raw(
        shared.port,
        b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 300000000\r\n\r\n{",
    )
    assert status == 413
    assert json.loads(body)["error"]["code"] == "too_large"


def test_a_chunked_body_reaches_the_app(shared):
    def chunks():
        yield b'{"username": "cashier3", '
        yield b'"pin": "1234"}'

    resp = requests.post(
        shared.base + "/api/login",
        data=chunks(),  # no Content-Length: Transfer-Encoding: chunked
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert resp.status_code == 200, resp.text


def test_huge_headers_are_refused(shared):
    status, body = _raw(
        shared.port,
        b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n",
    )
    assert status in (400, 431)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_finishes_the_sale_in_flight(live, stop):
    """systemd's SIGTERM and a terminal's Ctrl+C both reach every process of the server; slow
    clients still connected neither lose that sale nor keep the server from exiting."""
    http = login(live.base)
    body = sale_body(http, live.base)
    payload = json.dumps(body).encode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    head = (
        f"POST /api/sales HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        f"Cookie: {cookie}\r\nX-CSRFToken: {http.headers['X-CSRFToken']}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with Trickle(live.port), socket.create_connection(("127.0.0.1", live.port), timeout=10) as s:
        s.sendall(head + payload[:10])
        time.sleep(0.5)
        os.killpg(live.proc.pid, stop)
        time.sleep(1.5)  # the server is shutting down; the tablet is still sending
        s.sendall(payload[10:])
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
        assert answer.split(b"\r\n", 1)[0].split()[1:2] == [b"201"], answer[:500]
        assert live.proc.wait(timeout=60) == 0
    live.proc = None
    live.start()
    stored = login(live.base).get(f"{live.base}/api/sales/{body['id']}", timeout=10)
    assert stored.status_code == 200, stored.text


def _print_workers(server: LiveServer) -> dict[int, list[str]]:
    children = _children(server.proc.pid)
    return {pid: argv for pid, argv in children.items() if argv[-1:] == ["print-worker"]}


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not Path(f"/proc/{pid}").exists()


def test_serve_runs_pos_print_worker_restarts_and_stops_it(live):
    (first, argv), *others = _print_workers(live).items()
    assert not others
    assert "-c" not in argv
    os.kill(first, signal.SIGKILL)  # a crash of the print worker alone
    deadline = time.monotonic() + 15
    # until the killed one is gone (SIGKILL lands a moment later) and a new one runs
    while set(again := _print_workers(live)) in (set(), {first}) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(again) == 1 and first not in again, again
    live.stop()
    assert _gone(next(iter(again)))


def test_print_worker_is_a_command():
    done = subprocess.run(
        pos_command() + ["print-worker", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "print" in done.stdout.lower()


def _children(pid: int) -> dict[int, list[str]]:
    """The command lines of a process's children, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
                found[int(stat.parent.name)] = [a.decode() for a in argv if a]
        except (OSError, IndexError, ValueError):
            continue
    return found

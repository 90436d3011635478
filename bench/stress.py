"""Background loads a café's Wi-Fi can throw at the till while a cashier sells: an anonymous
log-in flood and slow clients that trickle their requests. Each runs until stopped, bounded."""

from __future__ import annotations

import collections
import random
import socket
import string
import threading
import time

import requests


class LoginFlood:
    """``threads`` anonymous clients posting ``/api/login`` with unknown names and random PINs
    or passwords as fast as the server answers (issue 5 item 1)."""

    def __init__(self, base: str, threads: int = 16, max_seconds: float = 60.0):
        self.url = base + "/api/login"
        self.threads = threads
        self.max_seconds = max_seconds
        self.statuses: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _body(self, rnd: random.Random) -> dict:
        name = "".join(rnd.choices(string.ascii_lowercase, k=10))
        if rnd.random() < 0.5:
            return {"username": name, "pin": f"{rnd.randrange(10000):04d}"}
        return {"username": name, "password": "".join(rnd.choices(string.ascii_letters, k=12))}

    def _run(self, seed: int) -> None:
        rnd = random.Random(seed)
        deadline = time.monotonic() + self.max_seconds
        with requests.Session() as s:
            while not self._stop.is_set() and time.monotonic() < deadline:
                try:
                    status = str(s.post(self.url, json=self._body(rnd), timeout=10).status_code)
                except requests.RequestException as exc:
                    status = type(exc).__name__
                with self._lock:
                    self.statuses[status] += 1

    def __enter__(self) -> LoginFlood:
        for i in range(self.threads):
            t = threading.Thread(target=self._run, args=(i,), name=f"flood-{i}", daemon=True)
            t.start()
            self._workers.append(t)
        time.sleep(0.5)  # let every flood thread get going before sales are measured
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._workers:
            t.join(timeout=15)

    def summary(self) -> str:
        total = sum(self.statuses.values())
        parts = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return f"{total} flood log-ins ({parts})"


class Tricklers:
    """Slow clients: ``headers`` connections send a request's header lines one at a time and
    ``bodies`` connections send full headers, then a large body a few bytes at a time (issue 5
    item 4). One thread drives them all; a connection the server closes is opened again."""

    def __init__(
        self,
        host: str,
        port: int,
        headers: int = 4,
        bodies: int = 4,
        interval: float = 0.5,
        max_seconds: float = 120.0,
    ):
        self.address = (host, port)
        self.kinds = ["headers"] * headers + ["body"] * bodies
        self.interval = interval
        self.max_seconds = max_seconds
        self.reconnects = 0
        self.sent = 0
        self._socks: list[socket.socket | None] = [None] * len(self.kinds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tricklers", daemon=True)

    def _open(self, kind: str) -> socket.socket:
        s = socket.create_connection(self.address, timeout=5)
        # a body goes to the log-in, which reads it before any check (a sale without a
        # session is refused before its body is read)
        path = "/api/sales" if kind == "headers" else "/api/login"
        head = f"POST {path} HTTP/1.1\r\nHost: {self.address[0]}\r\n"
        if kind == "body":
            head += "Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n{"
        s.sendall(head.encode())
        return s

    def _chunk(self, kind: str, n: int) -> bytes:
        return f"X-Slow-{n}: {'a' * 20}\r\n".encode() if kind == "headers" else b" " * 16

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        n = 0
        while not self._stop.is_set() and time.monotonic() < deadline:
            n += 1
            for i, kind in enumerate(self.kinds):
                try:
                    if self._socks[i] is None:
                        self._socks[i] = self._open(kind)
                        if n > 1:
                            self.reconnects += 1
                    self._socks[i].sendall(self._chunk(kind, n))
                    self.sent += 1
                except OSError:
                    self._close(i)
            self._stop.wait(self.interval)
        for i in range(len(self._socks)):
            self._close(i)

    def _close(self, i: int) -> None:
        if self._socks[i] is not None:
            self._socks[i].close()
            self._socks[i] = None

    def __enter__(self) -> Tricklers:
        self._thread.start()
        time.sleep(max(1.0, 2 * self.interval))  # every connection open and mid-request
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def summary(self) -> str:
        return (
            f"{len(self.kinds)} trickling connections, {self.sent} chunks sent, "
            f"{self.reconnects} reopened after the server closed them"
        )

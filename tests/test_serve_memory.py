"""Issue 5 item 3 across connections: many half-sent large bodies cannot make `pos serve` buffer
without bound; past each process's budget they are refused with 503, and sales go on."""

from __future__ import annotations

import socket
import uuid

import requests
from live import LiveServer

CONNECTIONS = 14
DECLARED = 10 * 1024 * 1024


def _half_sent_body(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(
        b"POST /api/sales HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {DECLARED}\r\n\r\n".encode()
        + b"{" * 4096
    )
    return s


def _answer(s: socket.socket) -> int | None:
    s.settimeout(3)
    try:
        head = s.recv(4096)
    except OSError:
        return None
    return int(head.split()[1]) if head.startswith(b"HTTP/") else None


def test_half_sent_large_bodies_are_bounded(tmp_path):
    server = LiveServer(tmp_path / "instance")
    base = server.start()
    socks = []
    try:
        http = requests.Session()
        login = http.post(f"{base}/api/login", json={"username": "cashier3", "pin": "1234"})
        csrf = login.json()["csrf_token"]
        catalog = http.get(f"{base}/api/catalog", timeout=10).json()
        socks = [_half_sent_body(server.port) for _ in range(CONNECTIONS)]
        answers = [_answer(s) for s in socks]
        # two processes of 48 MB hold at most nine 10 MB bodies; the rest are refused at once
        assert answers.count(503) >= CONNECTIONS - 2 * (48 // 10), answers
        cookie = next(p for p in catalog["products"] if p["name"] == "초코칩 쿠키")
        body = {
            "id": str(uuid.uuid4()),
            "lines": [{"product_id": cookie["id"], "qty": 1, "options": []}],
            "payments": [{"method": "card", "amount": cookie["price"], "approval_no": "30012345"}],
        }
        sale = http.post(f"{base}/api/sales", json=body, headers={"X-CSRFToken": csrf}, timeout=10)
        assert sale.status_code == 201, sale.text
    finally:
        for s in socks:
            s.close()
        server.stop()

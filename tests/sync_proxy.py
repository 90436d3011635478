"""A TCP proxy on a real socket between a branch and central, for the sync fault tests: it can
pass, refuse connections, delay answers, or let central answer and then drop the answer (a lost
acknowledgement)."""

from __future__ import annotations

import socket
import struct
import threading
import time


class Proxy:
    """A TCP proxy on a real socket in front of central.

    Modes: ``pass`` forwards both ways; ``refuse`` resets every new connection (central is
    down for the branch); ``drop_response`` forwards the request of a ``POST /api/sync/push``,
    waits for central's answer to start (so central has committed), then resets the branch's
    connection without passing the answer on (``drops`` of them, then back to ``pass``);
    ``delay`` holds each answer ``delay`` seconds. ``pushes`` counts push requests seen and
    ``on_push`` (a callable) runs in the proxy thread when one has been forwarded."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.mode = "pass"
        self.delay = 0.0
        self.drops = 0
        self.dropped = 0
        self.pushes = 0
        self.on_push = None
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        threading.Thread(target=self._accept, name="sync-proxy", daemon=True).start()

    def set(self, mode: str, *, drops: int = 1, delay: float = 0.0) -> None:
        assert mode in ("pass", "refuse", "drop_response", "delay")
        with self._lock:
            self.mode, self.drops, self.delay = mode, drops, delay
        if mode == "refuse":
            self.cut()

    def cut(self) -> None:
        """Reset every open connection (a cable pulled)."""
        with self._lock:
            conns, self._conns = self._conns, set()
        for c in conns:
            _reset(c)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "refuse":
                _reset(client)
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        with self._lock:
            self._conns |= {client, upstream}
        state = {"push": False, "drop": False}
        up = threading.Thread(target=self._up, args=(client, upstream, state), daemon=True)
        up.start()
        try:
            while data := upstream.recv(65536):
                if state["drop"]:
                    state["drop"] = False
                    with self._lock:
                        self.dropped += 1
                    break
                if self.mode == "delay" and self.delay:
                    time.sleep(self.delay)
                client.sendall(data)
        except OSError:
            pass
        _reset(client)
        _reset(upstream)
        with self._lock:
            self._conns -= {client, upstream}

    def _up(self, client: socket.socket, upstream: socket.socket, state: dict) -> None:
        try:
            while data := client.recv(65536):
                is_push = data.startswith(b"POST /api/sync/push")
                if is_push:
                    with self._lock:
                        self.pushes += 1
                        if self.mode == "drop_response" and self.drops > 0:
                            self.drops -= 1
                            state["drop"] = True
                            if self.drops == 0:
                                self.mode = "pass"
                upstream.sendall(data)
                if is_push and self.on_push is not None:
                    # beside the forwarding, which must go on sending the rest of the body
                    threading.Thread(target=self.on_push, daemon=True).start()
        except OSError:
            pass
        try:
            upstream.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
        self.cut()


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0): the peer sees the connection reset, as on a dead line."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass

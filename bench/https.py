"""HTTPS vs HTTP checkout: the cost of TLS on the café LAN (issue 10).

One demo instance, ``pos tls init``, then ``pos serve`` over plain HTTP and over HTTPS (the
certificate verified against the local CA) taking turns in the same run: ``POST /api/sales``
from 1 and from 4 clients, each client a kept-alive session (as a tablet keeps its
connection, so the handshake is paid once per client). Prints p50/p99 and the HTTPS/HTTP ratio.

    .venv/bin/python bench/https.py            # about a minute
    .venv/bin/python bench/https.py --sales 400

It never asserts on wall-clock time; it only reports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess

from common import build_basket, fmt_table, login, run_clients, sale_call
from server import ROOT, Server, pos_command


class TlsServer(Server):
    """The same instance served with its ``pos tls init`` certificate."""

    def __init__(self, plain: Server):
        super().__init__(plain.threads, keep=True, workers=plain.workers)
        shutil.rmtree(self.instance, ignore_errors=True)
        self.instance, self.env = plain.instance, plain.env
        self.log_path = self.instance / "serve-tls.log"

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        tls = self.instance / "tls"
        return super().argv() + [
            "--cert",
            str(tls / "server.pem"),
            "--key",
            str(tls / "server-key.pem"),
        ]


def measure(server: Server, clients: int, sales: int, label: str):
    server.start()
    try:
        sessions = [login(server.base) for _ in range(clients)]
        lines, total = build_basket(sessions[0], server.base)
        run_clients("warm", clients, clients * 5, sessions, sale_call(server.base, lines, total))
        return run_clients(label, clients, sales, sessions, sale_call(server.base, lines, total))
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=200, help="sales per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="turns of HTTP then HTTPS")
    args = parser.parse_args()

    plain = Server(threads=2, keep=True)
    plain.prepare()
    done = subprocess.run(
        [pos_command(), "tls", "init"], env=plain.env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    # requests (and the start-up health check) verify the server against the local CA
    os.environ["REQUESTS_CA_BUNDLE"] = str(plain.instance / "tls" / "ca.pem")
    secure = TlsServer(plain)
    results = []
    try:
        for clients in (1, 4):
            for _ in range(args.rounds):
                results.append(measure(plain, clients, args.sales, "sale http"))
                results.append(measure(secure, clients, args.sales, "sale https"))
    finally:
        shutil.rmtree(plain.instance, ignore_errors=True)
    print(fmt_table(results))
    for clients in (1, 4):
        http = [r.p50_ms for r in results if r.clients == clients and r.name == "sale http"]
        https = [r.p50_ms for r in results if r.clients == clients and r.name == "sale https"]
        h, s = min(http), min(https)
        print(f"x{clients}: p50 http {h:.1f} ms, https {s:.1f} ms, https/http {s / h:.2f}x")


if __name__ == "__main__":
    main()

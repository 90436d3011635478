"""Real things for tests: a fake receipt printer on a TCP socket and a real `pos serve`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pos_command() -> list[str]:
    """The `pos` console script of the virtualenv running pytest."""
    script = Path(sys.executable).with_name("pos")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "flask", "--app", "pos"]


class FakePrinter:
    """A TCP listener that keeps every connection's bytes, like a printer on port 9100."""

    def __init__(self, port: int = 0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._serve, name="fake-printer", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            chunks = []
            with conn:
                conn.settimeout(5)
                try:
                    while data := conn.recv(65536):
                        chunks.append(data)
                except OSError:
                    pass
            with self._lock:
                self.jobs.append(b"".join(chunks))

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=5)


class LiveServer:
    """`pos init` + `pos demo` in a fresh instance folder, then `pos serve` in its own process
    group so a test can stop it gently or kill it outright, and start it again."""

    def __init__(self, instance: Path, site: str = "CAFE03", **env: str):
        self.instance = instance
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k
            not in {"DATABASE_URL", "RECEIPT_BASE_URL", "POS_ROLE", "CENTRAL_URL", "SECRET_KEY"}
        }
        self.env.update(POS_INSTANCE=str(instance), POS_SITE=site, PYTHONUNBUFFERED="1", **env)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = instance / "serve.log"
        self.proc: subprocess.Popen | None = None
        for step in (["init"], ["demo"]):
            done = subprocess.run(
                pos_command() + step,
                env=self.env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, f"pos {step[0]} failed:\n{done.stdout}\n{done.stderr}"

    def start(self) -> str:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                pos_command() + ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"pos serve exited:\n{self.log_path.read_text('utf-8')}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/health", timeout=2) as resp:
                    if json.load(resp).get("ok"):
                        return self.base
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"pos serve did not answer:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    def kill(self) -> None:
        """Power cut: SIGKILL to the server, its web workers and its print worker at once."""
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.proc = None

"""Real things for tests: a fake receipt printer on a TCP socket and a real `pos serve`."""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
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


#: DLE EOT n answers of an Epson-compatible printer (ESC/POS reference, "DLE EOT")
PRINTER_OK = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}
#: roll paper end: offline (bit 3), stopped by paper end (bit 5), end sensor (bits 5, 6)
PAPER_OUT = {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E}
#: cover open: offline, offline cause bit 2
COVER_OPEN = {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}
#: roll paper near its end: still online and printing
PAPER_LOW = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}

_DLE_EOT = b"\x10\x04"


class FakePrinter:
    """A TCP listener that behaves like a receipt printer on port 9100.

    ``mode``: "print" reads every job and answers ``DLE EOT n`` real-time status queries from
    ``status`` (``None``: a printer that never answers); "stall" accepts and never reads;
    "reset" accepts and resets the connection at once. A query is recognised only at the end
    of what arrived so far, as a printer does not take a real-time command inside the data of
    another one (a raster image may hold the same bytes). ``jobs`` keeps each connection's
    bytes without the queries, empty connections left out. ``rcvbuf`` shrinks the kernel
    buffer to a printer's few kilobytes, so a stalled printer stops taking bytes.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        mode: str = "print",
        status: dict[int, int] | None = PRINTER_OK,
        rcvbuf: int | None = None,
    ):
        assert mode in ("print", "stall", "reset")
        self.mode = mode
        self.status = dict(status) if status is not None else None
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rcvbuf:  # set before listen(): accepted sockets inherit it
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.jobs: list[bytes] = []
        self.connections = 0
        self.queries: list[int] = []  #: every DLE EOT n received, in order
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._serve, name="fake-printer", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.connections += 1
            t = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            if self.mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            if self.mode == "stall":
                self._closing.wait(30)
                return
            job = bytearray()
            conn.settimeout(5)
            try:
                while data := conn.recv(65536):
                    job += data
                    self._answer(conn, job)
            except OSError:
                pass
        if job:
            with self._lock:
                self.jobs.append(bytes(job))

    def _answer(self, conn: socket.socket, job: bytearray) -> None:
        """Answer (and drop from the job) the queries the received bytes end with."""
        found = []
        while len(job) >= 3 and job[-3:-1] == _DLE_EOT and 1 <= job[-1] <= 4:
            found.append(job[-1])
            del job[-3:]
        for n in reversed(found):
            self.queries.append(n)
            if self.status is not None:
                conn.sendall(bytes([self.status[n]]))

    def wait_for(self, count: int, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def close(self) -> None:
        self._closing.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=5)
        for t in self._threads:
            t.join(timeout=6)


def start_serve(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    """`pos serve --host 127.0.0.1 ARGS` in its own process group, its output in LOG_PATH."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            pos_command() + ["serve", "--host", "127.0.0.1", *args],
            # no catch-up backup in the middle of a test unless the test asks for one
            env={"BACKUP_AT": "off", **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(
    proc: subprocess.Popen, base: str, log_path: Path, timeout: float, context=None
) -> str:
    """Wait until the server at BASE answers /api/health; fail with its log if it exits or
    stays silent past TIMEOUT seconds. CONTEXT: an ssl context to verify an https:// BASE."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"pos serve exited:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2, context=context) as resp:
                if json.load(resp).get("ok"):
                    return base
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"pos serve did not answer:\n{_tail(log_path)}")
        time.sleep(0.2)


def _tail(log_path: Path) -> str:
    try:
        return log_path.read_text("utf-8", errors="replace")[-6000:]
    except OSError:
        return ""


def kill_group(proc: subprocess.Popen | None) -> None:
    """SIGKILL to a server started with ``start_new_session`` and every process it started."""
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def stop_group(proc: subprocess.Popen | None) -> None:
    """SIGTERM (a gentle stop, up to 15 s), then SIGKILL to whatever of its group is left."""
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    kill_group(proc)


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

    def pos(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """`pos ARGS` on this instance (not checked: the caller looks at the exit status)."""
        return subprocess.run(
            pos_command() + list(args),
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self) -> str:
        self.proc = start_serve(["--port", str(self.port)], self.env, self.log_path)
        return wait_healthy(self.proc, self.base, self.log_path, 90)

    def kill(self) -> None:
        """Power cut: SIGKILL to the server, its web workers and its print worker at once."""
        kill_group(self.proc)
        self.proc = None

    def stop(self) -> None:
        stop_group(self.proc)
        self.proc = None

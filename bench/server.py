"""The server under test: a throw-away demo instance and ``pos serve`` (or another server)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from common import SITE

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pos_command() -> str:
    """The ``pos`` console script of the interpreter running this benchmark."""
    candidate = Path(sys.executable).parent / "pos"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("pos")
    if found:
        return found
    sys.exit(f"pos console script not found next to {sys.executable}; pip install -e . first")


class Server:
    """``pos init`` + ``pos demo`` into a temporary instance, then the server in a subprocess.

    ``command`` replaces ``pos serve`` (the server comparison starts other servers on the same
    app); ``{port}`` in it is filled in. ``env`` adds settings such as ``SQLITE_SYNCHRONOUS``.
    """

    def __init__(
        self,
        threads: int,
        port: int | None = None,
        keep: bool = False,
        workers: int = 2,
        command: list[str] | None = None,
        env: dict[str, str] | None = None,
    ):
        self.threads = threads
        self.workers = workers
        self.port = port or free_port()
        self.keep = keep
        self.command = command
        self.instance = Path(tempfile.mkdtemp(prefix="pos-bench-"))
        self.env = {
            **os.environ,
            "POS_INSTANCE": str(self.instance),
            "POS_SITE": SITE,
            "PYTHONUNBUFFERED": "1",
            "BACKUP_AT": "off",  # no catch-up backup in the middle of a measurement
        }
        # no printer, no central store: the benchmark measures checkout only
        for key in ("DATABASE_URL", "PRINTER_URL", "CENTRAL_URL", "RECEIPT_BASE_URL", "POS_ROLE"):
            self.env.pop(key, None)
        self.env.update(env or {})
        self.proc: subprocess.Popen | None = None
        self.log_path = self.instance / "serve.log"
        self._log = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self) -> None:
        pos = pos_command()
        for args in (["init"], ["demo"]):
            done = subprocess.run(
                [pos, *args], env=self.env, cwd=ROOT, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"pos {args[0]} failed:\n{done.stdout}\n{done.stderr}")

    def argv(self) -> list[str]:
        if self.command:
            return [part.format(port=self.port) for part in self.command]
        return [
            pos_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--threads",
            str(self.threads),
            "--workers",
            str(self.workers),
        ]

    def start(self) -> None:
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            self.argv(),
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if requests.get(self.base + "/api/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not answer within 30 s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            try:  # web workers or a print worker left behind by another server
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._log is not None:
            self._log.close()
        if not self.keep:
            shutil.rmtree(self.instance, ignore_errors=True)


def synchronous_setting(server: Server) -> str:
    """What ``PRAGMA synchronous`` a connection of the app gets with this server's settings
    (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA): proof of what the FULL/NORMAL comparison compared."""
    code = (
        "from sqlalchemy import text\n"
        "from pos import create_app\n"
        "from pos.db import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    print(db.session.execute(text('PRAGMA synchronous')).scalar())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=server.env, cwd=ROOT, capture_output=True, text=True
    )
    value = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
    names = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}
    return names.get(value[0], value[0]) if value else "unknown"

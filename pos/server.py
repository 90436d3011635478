"""The production server behind ``pos serve``: hypercorn running the WSGI app (DESIGN §2).

Why hypercorn (figures in ``bench/README.md``): it parses HTTP in asyncio and reads a request's
whole body before handing it to a request thread, so a client that trickles its headers or its
body holds a coroutine and a few kilobytes, never one of the few threads that sell; it serves
TLS itself; and a request in flight at SIGTERM is finished before the worker leaves.

Layout: this process binds the socket, then starts ``workers`` fresh interpreters (spawn, not
fork: each builds its own app, engine and SQLite connections), each an asyncio loop with
``threads`` request threads, plus on a branch one print worker (``pos print-worker``) and one
sync worker (``pos sync run``: pushes the outbox to central, pulls the catalog, keeps the branch's
own report rollups current). Central (``POS_ROLE=central``) runs neither. A web worker that dies
is started again, and so is a background worker (less and less often while it keeps dying);
SIGTERM or SIGINT stops them all gently.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import wait
from pathlib import Path

from hypercorn.config import Config

from .shield import refuse

#: Largest request body the server buffers at all; the app's MAX_CONTENT_LENGTH is stricter
#: per kind of request. A declared Content-Length above it is refused before any body is read.
MAX_BODY = 11 * 1024 * 1024
#: All large bodies (over SMALL_BODY) a web process buffers at once; past it, 503 ``busy``.
BODY_BUDGET = 48 * 1024 * 1024
SMALL_BODY = 256 * 1024
#: Request line plus headers.
MAX_HEADER = 16 * 1024
#: A client silent this long in the middle of a request is dropped.
READ_TIMEOUT = 30
#: An idle keep-alive connection is closed after this long.
KEEP_ALIVE = 10
#: Requests in flight get this long to finish at shutdown.
GRACEFUL = 10
#: Seconds before the sync worker first starts: sync can wait, the tablets cannot.
SYNC_START_DELAY = 8.0


def make_config(
    host: str, port: int, workers: int, certfile: str | None = None, keyfile: str | None = None
) -> Config:
    config = Config()
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    config.workers = workers
    config.worker_class = _best_loop()
    config.wsgi_max_body_size = MAX_BODY
    config.h11_max_incomplete_size = MAX_HEADER
    config.h2_max_header_list_size = MAX_HEADER
    config.read_timeout = READ_TIMEOUT
    config.keep_alive_timeout = KEEP_ALIVE
    config.graceful_timeout = GRACEFUL
    config.include_server_header = False
    config.accesslog = None  # the app logs its own requests, without secrets
    config.certfile, config.keyfile = certfile, keyfile
    return config


class _Limits:
    """Refuses a declared body over MAX_BODY (413) before reading any of it, and headers over
    MAX_HEADER (431): hypercorn's own header limit holds only while headers are incomplete."""

    def __init__(self, app) -> None:
        self.app = app
        #: bytes of large request bodies this process has agreed to buffer right now
        self.buffered = 0

    async def __call__(self, scope, receive, send, sync_spawn, call_soon) -> None:
        if scope["type"] == "http":
            head = len(scope["raw_path"]) + len(scope["query_string"])
            head += sum(len(k) + len(v) + 4 for k, v in scope["headers"])
            length = dict(scope["headers"]).get(b"content-length", b"")
            if head > MAX_HEADER:
                return await _refuse(send, 431, "header_too_large", "요청 헤더가 너무 큽니다")
            if length.isdigit() and int(length) > MAX_BODY:
                return await _refuse(send, 413, "too_large", "요청이 너무 큽니다")
            # bodies are buffered whole: all the requests of a process together may hold at
            # most BODY_BUDGET bytes, so many half-sent bodies cannot eat the memory
            size = int(length) if length.isdigit() else (0 if not _chunked(scope) else 1 << 20)
            if size > SMALL_BODY:
                if self.buffered + size > BODY_BUDGET:
                    return await _refuse(
                        send, 503, "busy", "서버가 바쁩니다. 잠시 뒤에 다시 시도하세요"
                    )
                self.buffered += size
                try:
                    return await self.app(scope, receive, send, sync_spawn, call_soon)
                finally:
                    self.buffered -= size
        await self.app(scope, receive, send, sync_spawn, call_soon)


def _chunked(scope) -> bool:
    return any(k == b"transfer-encoding" and b"chunked" in v.lower() for k, v in scope["headers"])


async def _refuse(send, status: int, code: str, message: str) -> None:
    # the rest of the request is never read, so the connection cannot be reused
    await refuse(send, status, code, message, [(b"connection", b"close")])


def _whole_body(app):
    """hypercorn has read the whole body before the app runs; saying so lets Werkzeug read a
    chunked body (no Content-Length) instead of taking it for empty."""

    def wrapped(environ, start_response):
        environ.setdefault("wsgi.input_terminated", True)
        return app(environ, start_response)

    return wrapped


def _web_worker(config: Config, sockets, shutdown, threads: int, parent: int) -> None:
    """One web process: its own app, an asyncio loop parsing HTTP, ``threads`` request threads.
    Leaves gently on SIGTERM/SIGINT, when the server says so, or when the server is gone."""
    from hypercorn.asyncio.run import worker_serve
    from hypercorn.utils import wrap_app

    from . import create_app
    from .db import leave_checkpoints_to_the_background
    from .shield import LoginShield
    from .wsgi import head_first

    if _role() != "central":  # a branch's daily-backup worker checkpoints (central has none)
        leave_checkpoints_to_the_background()
    wsgi = head_first(_whole_body(create_app()))
    app = _Limits(LoginShield(wrap_app(wsgi, config.wsgi_max_body_size, "wsgi")))
    config.errorlog = _server_log()
    # the app and its libraries (a few hundred thousand objects) live as long as the process:
    # out of the cyclic collector's sight, a full collection no longer walks them all in the
    # middle of a sync batch or a sale
    gc.freeze()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(threads, thread_name_prefix="pos-request"))
        loop.set_exception_handler(_quiet_tls_errors)
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        async def until_stopped() -> None:
            while not (stop.is_set() or shutdown.is_set() or os.getppid() != parent):
                try:
                    await asyncio.wait_for(stop.wait(), 0.2)
                except TimeoutError:
                    pass

        await worker_serve(app, config, sockets=sockets, shutdown_trigger=until_stopped)

    with asyncio.Runner(loop_factory=_loop_factory(config.worker_class)) as runner:
        runner.run(main())


def _loop_factory(kind: str):
    if kind == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


def _best_loop() -> str:
    """uvloop when installed (a faster event loop), else asyncio's own; ``POS_SERVE_LOOP``
    chooses one for a comparison."""
    wanted = os.environ.get("POS_SERVE_LOOP", "")
    if wanted in ("asyncio", "uvloop"):
        return wanted
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _server_log() -> logging.Logger:
    """hypercorn's own messages, once each on standard error (it would add a second handler
    beside the root logger's)."""
    log = logging.getLogger("hypercorn.error")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(message)s"))
        log.addHandler(handler)
        from pos.ops.logs import file_handler

        log.addHandler(file_handler())
    log.setLevel(logging.INFO)
    log.propagate = False
    return log


def _quiet_tls_errors(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    # a browser refusing our local CA ends its handshake; that is not a server error
    if not isinstance(context.get("exception"), ssl.SSLError):
        loop.default_exception_handler(context)


def _pos_command(*args: str) -> list[str]:
    """``pos ARGS`` of this installation, or the same through ``python -m flask``."""
    script = Path(sys.executable).with_name("pos")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "flask", "--app", "pos", *args]


def print_worker_command() -> list[str]:
    return _pos_command("print-worker")


def sync_worker_command() -> list[str]:
    return _pos_command("sync", "run")


class _Background:
    """A worker process beside the web workers, started again when it exits: its work waits
    in the database (print queue, outbox), so a new one picks up where this one stopped. One
    that keeps dying is retried less and less often, never in a tight loop. ``delay`` holds
    the first start back, so the web workers the tablets wait for get the machine first."""

    def __init__(
        self, name: str, command: list[str], env: dict | None = None, delay: float = 0.0
    ) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.pause = 1.0
        self.proc: subprocess.Popen | None = None
        self.started = self.due = time.monotonic() + delay
        if not delay:
            self._start()

    def _start(self) -> None:
        self.started = self.due = time.monotonic()
        self.proc = subprocess.Popen(self.command, env=self.env)

    def watch(self) -> None:
        if time.monotonic() <= self.due:
            return
        if self.proc is None:
            self._start()
            return
        if self.proc.poll() is None:
            return
        quick = time.monotonic() - self.started < 10
        pause = min(self.pause * 2, 60) if quick else 1
        print(f"{self.name} exited ({self.proc.returncode}); starting another")
        self._start()
        self.pause = pause
        self.due = self.started + pause

    def terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()

    def stop(self) -> None:
        """SIGTERM: the worker finishes its current step (a print job, a push batch)."""
        if self.proc is None:
            return
        self.terminate()
        try:
            self.proc.wait(GRACEFUL + 5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def _role() -> str:
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config["POS_ROLE"]
    return os.environ.get("POS_ROLE") or "branch"


def background_workers() -> list[_Background]:
    """The print and sync workers of a branch; none on central (no printer, nothing to push)."""
    if _role() == "central":
        return []
    # the sync worker leaves by itself when this server is gone (even after a SIGKILL)
    env = {**os.environ, "POS_SYNC_PARENT": str(os.getpid())}
    return [
        _Background("print worker", print_worker_command()),
        _Background("sync worker", sync_worker_command(), env, delay=SYNC_START_DELAY),
        # holds the serving lock (pos restore refuses while it is held) and backs up at BACKUP_AT
        _Background("daily backup", _pos_command("backup-daily"), env),
    ]


def serve(config: Config, threads: int) -> int:
    """Run the web workers and the background workers until SIGTERM or SIGINT; return the
    exit code."""
    sockets = config.create_sockets()
    ctx = multiprocessing.get_context("spawn")
    shutdown = ctx.Event()
    stopping = threading.Event()

    def on_signal(*_) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    background = background_workers()

    started: dict[int, float] = {}

    def start_worker():
        proc = ctx.Process(
            target=_web_worker,
            args=(config, sockets, shutdown, threads, os.getpid()),
            name="pos-web",
        )
        proc.start()
        started[proc.pid] = time.monotonic()
        return proc

    workers = [start_worker() for _ in range(config.workers)]
    code = 0
    try:
        while not stopping.is_set():
            wait([p.sentinel for p in workers], timeout=0.5)
            for i, proc in enumerate(workers):
                if proc.exitcode is None or stopping.is_set():
                    continue
                if time.monotonic() - started.pop(proc.pid) < 10:
                    # it could not even start (a broken database, a bad setting): restarting
                    # it forever would only hide that
                    print(f"web worker exited at start ({proc.exitcode})", file=sys.stderr)
                    stopping.set()
                    code = 1
                    break
                print(f"web worker {proc.pid} exited ({proc.exitcode}); starting another")
                workers[i] = start_worker()
            if not stopping.is_set():
                for worker in background:
                    worker.watch()
    finally:
        shutdown.set()
        for worker in background:  # SIGTERM to all first: they finish their steps together
            worker.terminate()
        for proc in workers:
            proc.join(GRACEFUL + 5)
            if proc.exitcode is None:
                proc.terminate()
                proc.join(5)
                code = 1
        for worker in background:
            worker.stop()
        for sock in sockets.secure_sockets + sockets.insecure_sockets:
            sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code

"""Log files in ``INSTANCE/logs/``: one line per request and per job, never a secret.

Every process of a branch (web workers, print worker, sync worker, CLI commands) appends to
the same ``pos.log``. Each line is written by one ``write()`` on an ``O_APPEND`` descriptor
while holding an ``flock`` on ``pos.log.lock``, so lines of different processes never mix;
the process that finds the file past ``LOG_MAX_BYTES`` rotates it under the same lock
(``pos.log.1`` … ``pos.log.N``, ``LOG_KEEP`` of them) and the others reopen it on their next
line, seeing that the path now names another file.

Nothing of a request's query string, body, headers or cookies is logged, and a filter masks
what still looks like a secret in any record (``pin=…``, ``password=…``, cookies, tokens,
phone and card numbers)."""

from __future__ import annotations

import copy
import fcntl
import logging
import os
import re
import threading
import time
from datetime import datetime

from flask import current_app, g, has_app_context, request

#: the longest line, in bytes (a line is one write, well under PIPE_BUF with its newline)
MAX_LINE = 4000
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_KEEP = 5

#: a UUID is kept as it is (sale ids), whatever digits it holds
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
#: digits, maybe grouped by single spaces or hyphens, standing alone
_DIGITS = r"(?<![0-9A-Za-z])\d(?:[ -]?\d){6,}(?![0-9A-Za-z])"
_SECRET_KEYS = (
    r"pin|password|passwd|new_password|current_password|secret|token|csrf_token|csrftoken|"
    r"x-csrftoken|cookie|set-cookie|session|authorization|identifier|card_no|card_number"
)
_KEY_VALUE = rf"(?P<key>(?i:\b(?:{_SECRET_KEYS}))\"?\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&}}]+)"
_PATTERN = re.compile(rf"(?P<uuid>{_UUID})|(?P<kv>{_KEY_VALUE})|(?P<digits>{_DIGITS})")


def _looks_secret(digits: str) -> bool:
    """A phone number (0 then 9–11 digits) or a card number (13–19 digits)."""
    n = len(digits)
    return (digits.startswith("0") and 9 <= n <= 11) or 13 <= n <= 19


def _mask(m: re.Match) -> str:
    if m.group("uuid"):
        return m.group(0)
    if m.group("kv"):
        return f"{m.group('key')}***"
    run = m.group(0)
    if _looks_secret(re.sub(r"\D", "", run)):
        return "***"
    # a phone number beside a date: judge each space-separated piece on its own
    return " ".join("***" if _looks_secret(re.sub(r"\D", "", p)) else p for p in run.split(" "))


def redact(text: str) -> str:
    """TEXT with what looks like a PIN, password, token, cookie, phone or card number masked."""
    return _PATTERN.sub(_mask, text)


class RedactFilter(logging.Filter):
    """Masks secrets in a record's message and traceback (for any handler that writes where
    people read, e.g. the server's error log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose args do not fit its format: keep the format only
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class SharedFile:
    """One rotating log file that several processes append whole lines to.

    Opened on the first line, and again after a failure or in a forked child (an ``flock``
    belongs to the open file, so a child must hold its own). A folder that cannot be written
    (read-only or full disk) loses the lines, never the request: ``write`` raises OSError and
    the handler drops the line."""

    def __init__(self, folder: str, max_bytes: int, keep: int):
        self.folder = folder
        self.path = os.path.join(folder, "pos.log")
        self.max_bytes, self.keep = max_bytes, max(keep, 1)
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._fd = self._lockfd = -1

    def _open(self) -> int:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        return os.open(self.path, flags, 0o640)

    def _close(self) -> None:
        for fd in (self._fd, self._lockfd):
            if fd >= 0 and self._pid == os.getpid():
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._fd = self._lockfd = -1
        self._pid = None

    def _ready(self) -> None:
        if self._pid == os.getpid() and self._fd >= 0:
            return
        self._close()
        os.makedirs(self.folder, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
        self._lockfd = os.open(self.path + ".lock", flags, 0o600)
        self._pid = os.getpid()
        self._fd = self._open()

    def _reopen_if_moved(self) -> None:
        try:
            same = os.path.samestat(os.stat(self.path), os.fstat(self._fd))
        except FileNotFoundError:
            same = False
        if not same:
            os.close(self._fd)
            self._fd = self._open()

    def _rotate(self) -> None:
        for n in range(self.keep - 1, 0, -1):
            older = f"{self.path}.{n}"
            if os.path.exists(older):
                os.replace(older, f"{self.path}.{n + 1}")
        os.replace(self.path, f"{self.path}.1")
        os.close(self._fd)
        self._fd = self._open()

    def write(self, line: str) -> None:
        data = line.replace("\r", " ").replace("\n", " ⏎ ").encode("utf-8", "replace")
        if len(data) > MAX_LINE:
            data = data[:MAX_LINE].decode("utf-8", "ignore").encode("utf-8") + " …".encode()
        data += b"\n"
        with self._lock:
            try:
                self._ready()
                fcntl.flock(self._lockfd, fcntl.LOCK_EX)
                try:
                    self._reopen_if_moved()
                    if os.fstat(self._fd).st_size + len(data) > self.max_bytes:
                        self._rotate()
                    os.write(self._fd, data)
                finally:
                    fcntl.flock(self._lockfd, fcntl.LOCK_UN)
            except OSError:
                self._close()  # opened afresh on the next line
                raise


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = (
            datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")
        )
        text = (
            f"{stamp} pid={record.process} {record.levelname} {record.name}: {record.getMessage()}"
        )
        if record.exc_text:
            text += " | " + record.exc_text
        return text


class AppFileHandler(logging.Handler):
    """Sends each record to the log file of the app it belongs to (the current app, else the
    last one set up in this process), so test apps in one process keep their own files."""

    def __init__(self):
        super().__init__(logging.INFO)
        self._redact = RedactFilter()
        self.setFormatter(_Formatter())
        self.default: SharedFile | None = None

    def emit(self, record: logging.LogRecord) -> None:
        target = self.default
        if has_app_context():
            target = current_app.extensions.get("pos_logs", target)
        if target is None:
            return
        try:
            record = copy.copy(record)  # other handlers keep the record as it was
            self._redact.filter(record)
            target.write(self.format(record))
        except OSError:
            pass  # a full or read-only disk: the app's own fault handling tells the people
        except Exception:
            self.handleError(record)


_handler = AppFileHandler()
requests_log = logging.getLogger("pos.requests")
jobs_log = logging.getLogger("pos.jobs")


def file_handler() -> logging.Handler:
    """The handler writing to the log files, for a logger that does not propagate to the root
    (hypercorn's, in pos/server.py)."""
    return _handler


def _install() -> None:
    """The handler on the root logger, INFO for the app's own loggers. Called again before
    each line: alembic's ``fileConfig`` (migrations/env.py) replaces the root handlers and
    disables every logger that existed, so a migration run in this process would silence us."""
    root = logging.getLogger()
    if _handler in root.handlers and not requests_log.disabled:
        return
    if _handler not in root.handlers:
        root.addHandler(_handler)
    logging.getLogger("pos").setLevel(logging.INFO)
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if (name == "pos" or name.startswith("pos.")) and isinstance(logger, logging.Logger):
            logger.disabled = False


def _fields(fields: dict) -> str:
    parts = []
    for key, value in fields.items():
        if value is None or value == "":
            continue
        text = str(value)
        parts.append(f"{key}={text if ' ' not in text else repr(text)}")
    return " ".join(parts)


def log_job(kind: str, **fields) -> None:
    """One line for a job (``print``, ``sync``, ``backup`` …): ``job=KIND key=value …``.

    Pass ids, counts, outcomes and ``ms``; never a payload. ``sale=`` names the sale."""
    _install()
    jobs_log.info("job=%s %s", kind, _fields(fields))


def note(**fields) -> None:
    """Add fields (e.g. ``sale=ID``) to the current request's log line."""
    g.setdefault("_log_fields", {}).update(fields)


def _sale_id(response) -> str | None:
    args = request.view_args or {}
    if args.get("sale_id"):
        return str(args["sale_id"])
    if request.method == "POST" and response.status_code == 201 and response.is_json:
        if (request.endpoint or "").startswith(("api.", "sales")) and "/sales" in request.path:
            body = response.get_json(silent=True)
            if isinstance(body, dict) and isinstance(body.get("id"), str):
                return body["id"]
    return None


def _user_id() -> str | None:
    try:
        from flask_login import current_user

        return current_user.get_id() if current_user.is_authenticated else None
    except Exception:  # no login manager or no user row: the line is still written
        return None


def init_app(app) -> None:
    folder = os.path.join(app.instance_path, "logs")
    shared = SharedFile(
        folder,
        int(app.config.get("LOG_MAX_BYTES") or DEFAULT_MAX_BYTES),
        int(app.config.get("LOG_KEEP") or DEFAULT_KEEP),
    )
    app.extensions["pos_logs"] = shared
    _handler.default = shared
    _install()

    @app.before_request
    def _start_clock():
        g._log_started = time.perf_counter()

    @app.after_request
    def _request_line(response):
        started = g.get("_log_started")
        ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        extra = dict(g.get("_log_fields") or {})
        extra.setdefault("sale", _sale_id(response))
        _install()
        requests_log.info(
            "%s %s %s %.0fms %s",
            request.method,
            request.path,
            response.status_code,
            ms,
            _fields({"user": _user_id(), "site": app.config.get("POS_SITE"), **extra}),
        )
        return response

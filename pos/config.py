"""Configuration from defaults, then ``instance/config.py``, then the environment (DESIGN §5)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Keys read from the environment; each wins over instance/config.py.
ENV_KEYS = (
    "DATABASE_URL",
    "POS_ROLE",
    "POS_SITE",
    "SECRET_KEY",
    "PRINTER_URL",
    "PRINTER_COLUMNS",
    "PRINTER_HANGUL",
    "PRINTER_TIMEOUT",
    "RECEIPT_BASE_URL",
    "CENTRAL_URL",
    "SYNC_TOKEN",
    "SQLITE_SYNCHRONOUS",
    "SERVER_BASE_URL",
    "SERVER_PORT",
    "REQUIRE_SHIFT",
    "KITCHEN_PRINTER_URL",
    "VOID_MINUTES",
    "LOGIN_RATE_LIMIT",
    "LOGIN_NAME_RATE_LIMIT",
    "PRINTER_STATUS_TIMEOUT",
    "SYNC_BATCH",
    "SYNC_INTERVAL",
    "SYNC_PULL_INTERVAL",
    "SYNC_MAX_BACKOFF",
    "SYNC_TIMEOUT",
    "SYNC_SILENT_MINUTES",
    "BACKUP_DIR",
    "BACKUP_KEEP",
    "BACKUP_AT",
    "TLS_CERT",
    "TLS_KEY",
    "LOG_MAX_BYTES",
    "LOG_KEEP",
)
INT_KEYS = {
    "PRINTER_COLUMNS",
    "SERVER_PORT",
    "VOID_MINUTES",
    "SYNC_BATCH",
    "SYNC_SILENT_MINUTES",
    "BACKUP_KEEP",
    "LOG_MAX_BYTES",
    "LOG_KEEP",
}
FLOAT_KEYS = {
    "PRINTER_TIMEOUT",
    "PRINTER_STATUS_TIMEOUT",
    "SYNC_INTERVAL",
    "SYNC_PULL_INTERVAL",
    "SYNC_MAX_BACKOFF",
    "SYNC_TIMEOUT",
}
#: switches: "1", "true", "yes", "on" (any case) turn them on; anything else off
BOOL_KEYS = {"REQUIRE_SHIFT", "SYNC_DEDUP"}


def as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def defaults(instance_path: str) -> dict:
    return {
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "pos.sqlite3"),
        "POS_ROLE": "branch",
        "POS_SITE": None,
        "PRINTER_URL": None,
        "PRINTER_COLUMNS": 42,
        "PRINTER_HANGUL": "text",
        "PRINTER_TIMEOUT": 4.0,
        #: seconds to wait for a printer's status answer before calling the job 전송됨
        "PRINTER_STATUS_TIMEOUT": 1.5,
        "RECEIPT_BASE_URL": None,
        "CENTRAL_URL": None,
        "SYNC_TOKEN": None,
        #: events per push request (a batch is one transaction on central)
        "SYNC_BATCH": 200,
        #: seconds between looks at the outbox while all is pushed
        "SYNC_INTERVAL": 5.0,
        #: seconds between catalog pulls
        "SYNC_PULL_INTERVAL": 60.0,
        #: longest wait between tries while central is unreachable (DESIGN §5: ≤ 5 minutes)
        "SYNC_MAX_BACKOFF": 300.0,
        #: seconds one push or pull may take before it counts as failed
        "SYNC_TIMEOUT": 30.0,
        #: central: a site silent this long while open is highlighted
        "SYNC_SILENT_MINUTES": 60,
        #: central applies each event id once; False only in the control run of the fault
        #: tests, which must then see duplicates (tests only: never set this in production)
        "SYNC_DEDUP": True,
        #: a push batch may be larger than other JSON calls
        "SYNC_MAX_BODY": 16 * 1024 * 1024,
        #: refuse sales (409 no_shift) while the cashier has no open shift
        "REQUIRE_SHIFT": False,
        #: the bar's ticket printer; unset: tickets print on the receipt printer
        "KITCHEN_PRINTER_URL": None,
        #: minutes after a sale in which 결제 취소 (void) is offered
        "VOID_MINUTES": 10,
        "LOGIN_MAX_ATTEMPTS": 5,
        "LOGIN_LOCK_MINUTES": 5,
        #: FULL: an acknowledged sale survives a power cut, not only a crash (cost: bench/)
        "SQLITE_SYNCHRONOUS": "FULL",
        #: where receipt QR codes point when RECEIPT_BASE_URL is unset and the request's Host
        #: is not one of this machine's own names; unset: this machine's LAN address and
        #: SERVER_PORT (which ``pos serve`` sets from --port)
        "SERVER_BASE_URL": None,
        "SERVER_PORT": 5000,
        #: JSON bodies are small; the largest legitimate upload (an import file) is 10 MB
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "MAX_JSON_LENGTH": 256 * 1024,
        #: log-in attempts per client address and per user name (Flask-Limiter syntax)
        "LOGIN_RATE_LIMIT": "20 per minute;200 per hour",
        "LOGIN_NAME_RATE_LIMIT": "10 per minute",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "PRINT_WORKER": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": False,
        #: where `pos backup` and the daily backup write (DESIGN §5 "Branch operations")
        "BACKUP_DIR": os.path.join(instance_path, "backups"),
        #: newest copies kept in BACKUP_DIR
        "BACKUP_KEEP": 14,
        #: local HH:MM of the daily backup `pos serve` makes; "off" for none
        "BACKUP_AT": "03:00",
        #: HTTPS: certificate and key files (``pos tls init`` makes both); unset: plain HTTP
        "TLS_CERT": None,
        "TLS_KEY": None,
        #: INSTANCE/logs/pos.log rotates at this size and keeps LOG_KEEP old files
        "LOG_MAX_BYTES": 5 * 1024 * 1024,
        "LOG_KEEP": 5,
    }


def secret_key(instance_path: str) -> str:
    """Made once per install and kept in the instance folder, never in the repository."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def load(app, test_config: dict | None) -> None:
    app.config.update(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key in ENV_KEYS:
            if os.environ.get(key):
                app.config[key] = os.environ[key]
    else:
        app.config.update(test_config)
    for key in INT_KEYS:
        app.config[key] = int(app.config[key])
    for key in FLOAT_KEYS:
        app.config[key] = float(app.config[key])
    for key in BOOL_KEYS:
        app.config[key] = as_bool(app.config.get(key))
    if app.config["POS_ROLE"] not in ("branch", "central"):
        raise RuntimeError("POS_ROLE must be 'branch' or 'central'")
    if not 32 <= app.config["PRINTER_COLUMNS"] <= 64:
        raise RuntimeError("PRINTER_COLUMNS must be between 32 and 64 (usually 42 or 48)")
    if app.config["PRINTER_HANGUL"] not in ("text", "image"):
        raise RuntimeError("PRINTER_HANGUL must be 'text' or 'image'")
    app.config["SQLITE_SYNCHRONOUS"] = str(app.config["SQLITE_SYNCHRONOUS"]).upper()
    if app.config["SQLITE_SYNCHRONOUS"] not in ("FULL", "NORMAL", "EXTRA"):
        raise RuntimeError("SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    url = app.config["DATABASE_URL"]
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
    else:
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})

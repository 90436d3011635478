"""Disk faults (DESIGN §5 "faults"): a full disk, a read-only database file or a disk I/O
error during a write answers 503 ``storage_unavailable`` in Korean instead of a traceback,
with the transaction rolled back so nothing is half-written. Nothing is latched: the next
request opens its own transaction, so writes resume by themselves once space returns.

``startup_problem(app)`` is what ``pos serve`` asks before it starts: a database that cannot
be opened or fails ``PRAGMA quick_check`` must not take sales; the message names ``pos restore``.
"""

from __future__ import annotations

import os
import sqlite3

from flask import current_app, render_template
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from pos.db import db, sqlite_writes

#: words SQLite uses for a storage fault (the message is all a driver error carries)
FAULTS = (
    "database or disk is full",
    "disk is full",
    "readonly database",
    "read-only",
    "disk i/o error",
    "unable to open database file",
    "no space left",
)

MESSAGE = (
    "저장 공간에 기록할 수 없어 처리하지 못했습니다. 기록된 내용은 없습니다. "
    "디스크 공간이나 저장 장치를 확인한 뒤 다시 시도하세요."
)


def is_storage_fault(exc: BaseException) -> bool:
    """True for a full disk, a read-only database or an I/O error, not for a busy lock."""
    original = getattr(exc, "orig", exc)
    text = str(original).lower()
    return any(word in text for word in FAULTS)


def _storage_error(exc):
    if not is_storage_fault(exc):
        raise exc
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  the connection may be gone with the disk; the pool drops it
        current_app.logger.warning("rollback after a storage fault failed", exc_info=True)
    current_app.logger.error("storage fault: %s", getattr(exc, "orig", exc))
    # the page reads (who is logged in): as reads, so they need no write lock the disk refuses
    sqlite_writes.set(False)
    from pos.api import _wants_json, error_response

    if _wants_json():
        body, status = error_response(503, "storage_unavailable", MESSAGE)
        body.headers["Retry-After"] = "30"
        return body, status
    return render_template("error.html", status=503, message=MESSAGE, public=True), 503


def sqlite_path(app) -> str | None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


def startup_problem(app) -> str | None:
    """Korean message when the branch database cannot be opened or fails its quick check.

    None when it is fine, not SQLite (PostgreSQL checks itself), or not made yet (``pos init``
    makes it)."""
    path = sqlite_path(app)
    if path is None or not os.path.exists(path):
        return None
    advice = (
        "백업에서 되살리려면 `pos restore 백업파일` 을 실행하세요 (`pos backup` 으로 만든 파일)."
    )
    try:
        conn = sqlite3.connect(path, timeout=15)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"데이터베이스 파일({path})을 열 수 없습니다: {_korean(exc)}. {advice}"
    if rows != ["ok"]:
        return f"데이터베이스 파일({path})이 손상되었습니다 (검사 오류 {len(rows)}건). {advice}"
    return None


def _korean(exc: BaseException) -> str:
    text = str(exc).lower()
    if "not a database" in text:
        return "데이터베이스 파일이 아닙니다"
    if "malformed" in text or "corrupt" in text:
        return "파일이 손상되었습니다"
    if "unable to open" in text or "readonly" in text:
        return "파일에 접근할 수 없습니다"
    if "disk i/o" in text:
        return "디스크 읽기 오류"
    return "알 수 없는 오류"


def init_app(app) -> None:
    app.register_error_handler(OperationalError, _storage_error)
    app.register_error_handler(sqlite3.OperationalError, _storage_error)

"""Back office: `pos import vendors|products` as an upload. Upload → preview (every bad row with
its row number, column and Korean message; nothing imported while any row is bad) → import.

The same importer as the CLI (inventory/imports.py). The preview runs every check of the import
and writes nothing (no write lock while people sell); the file waits in the instance folder
(named by a random token kept in the session) until it is imported or replaced, and the import
checks it again, so a catalog changed meanwhile is refused the same way.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from inventory.imports import COLUMNS, ImportFailed, import_file
from inventory.imports_read import MAX_FILE_BYTES, read_sheet
from inventory.models import Product, Vendor
from inventory.vendors import InvalidBrn, normalize_brn
from pos.api import refusal
from pos.db import db
from pos.scope import working_site

from .catalog import editors
from .views import bp

KINDS = {"vendors": "공급자", "products": "상품"}
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
#: uploads waiting for their 가져오기 click are dropped after this long
KEEP_SECONDS = 3600
PREVIEW_ROWS = 30
SHOWN_ERRORS = 500
_SESSION_KEY = "catalog_import"
TOO_LARGE = f"파일이 너무 큽니다 (최대 {MAX_FILE_BYTES // (1024 * 1024)}MB): 파일을 나눠 올리세요"


def _folder() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in path.glob("import-*"):
        try:
            if now - old.stat().st_mtime > KEEP_SECONDS:
                old.unlink()
        except OSError:
            pass
    return path


def _page(kind: str, status: int = 200, **context):
    return render_template(
        "backoffice/imports/upload.html",
        kind=kind,
        kinds=KINDS,
        columns=COLUMNS,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
        site=working_site(),
        **context,
    ), status


def _kind(value: str | None) -> str:
    return value if value in KINDS else "products"


@bp.get("/imports")
@editors
def imports():
    return _page(_kind(request.args.get("kind")))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    """A body over MAX_CONTENT_LENGTH: the upload page says so, other pages the error page."""
    if request.endpoint == "backoffice.imports_upload" and current_user.is_authenticated:
        return _page(_kind(request.args.get("kind")), 413, error=TOO_LARGE)
    return refusal(413)


@bp.post("/imports")
@editors
def imports_upload():
    kind = _kind(request.form.get("kind"))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(kind, 422, error="올릴 파일을 고르세요")
    name = os.path.basename(upload.filename.replace("\\", "/"))
    try:
        data = upload.stream.read(MAX_FILE_BYTES + 1)
    finally:
        upload.close()  # a large upload waits in a temporary file: let it go now
    if len(data) > MAX_FILE_BYTES:
        return _page(kind, 413, error=TOO_LARGE, filename=name)
    if not data:
        return _page(kind, 422, error="빈 파일입니다", filename=name)
    try:
        preview = _preview(kind, data, name)
    except ImportFailed as exc:
        db.session.rollback()
        return _page(
            kind,
            422,
            filename=name,
            failed=exc.errors[:SHOWN_ERRORS],
            failed_total=len(exc.errors),
        )
    token = secrets.token_urlsafe(16)
    suffix = Path(name).suffix.lower()
    (_folder() / f"import-{token}{suffix if suffix in SUFFIXES else ''}").write_bytes(data)
    old = session.get(_SESSION_KEY)
    if old:
        _drop(old)
    session[_SESSION_KEY] = {"token": token, "kind": kind, "name": name, "user": current_user.id}
    return _page(kind, filename=name, preview=preview, token=token)


def _preview(kind: str, data: bytes, name: str) -> dict:
    """Check every row (writing nothing): ImportFailed with every bad row, or what it would do."""
    count = import_file(kind, data, stock_site=working_site(), filename=name, check_only=True)
    sheet = read_sheet(data, COLUMNS[kind], name)
    if kind == "vendors":
        known = set(db.session.scalars(select(Vendor.brn)))

        def exists(row: dict) -> bool:
            try:
                return normalize_brn(row["brn"]) in known
            except InvalidBrn:
                return False
    else:
        known = set(db.session.scalars(select(Product.sku)))

        def exists(row: dict) -> bool:
            return row["sku"] in known

    updates = sum(1 for _, row in sheet.rows if exists(row))
    return {
        "count": count,
        "new": count - updates,
        "updates": updates,
        "headers": sheet.headers,
        "rows": [(n, row, exists(row)) for n, row in sheet.rows[:PREVIEW_ROWS]],
        "more": max(0, len(sheet.rows) - PREVIEW_ROWS),
    }


def _file_of(pending: dict) -> Path | None:
    token = pending.get("token", "")
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return next(iter(_folder().glob(f"import-{token}*")), None)


def _drop(pending: dict) -> None:
    path = _file_of(pending)
    if path is not None:
        path.unlink(missing_ok=True)


@bp.post("/imports/confirm")
@editors
def imports_confirm():
    pending = session.get(_SESSION_KEY) or {}
    path = _file_of(pending) if pending.get("token") == request.form.get("token") else None
    if path is None or pending.get("user") != current_user.id:
        flash(
            "가져올 파일이 없습니다 (한 시간이 지났거나 이미 가져왔습니다). 다시 올리세요", "error"
        )
        return redirect(url_for(".imports", kind=_kind(pending.get("kind"))))
    kind = _kind(pending["kind"])
    try:
        count = import_file(kind, path.read_bytes(), stock_site=working_site(), filename=path.name)
    except ImportFailed as exc:
        # the catalog changed since the preview (e.g. a barcode taken meanwhile)
        db.session.rollback()
        return _page(
            kind,
            422,
            filename=pending.get("name"),
            failed=exc.errors[:SHOWN_ERRORS],
            failed_total=len(exc.errors),
        )
    db.session.commit()
    _drop(pending)
    session.pop(_SESSION_KEY, None)
    flash(f"{KINDS[kind]} {count:,}건을 가져왔습니다 ({pending.get('name')})", "ok")
    return redirect(url_for(".products" if kind == "products" else ".vendors"))

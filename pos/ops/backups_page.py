"""백업 (/admin/backups, manager and admin): when the last copy was made and how old it is,
red when older than two days or when there is none, so a branch notices before it needs one;
the newest copy can be downloaded to keep it off the machine."""

from __future__ import annotations

import os
from datetime import datetime

from flask import abort, current_app, render_template, send_file

from pos.auth.service import roles_required
from pos.central.pages import add_page
from pos.scope import SITE_ADMINS

from .check import BACKUP_AGE, last_backup

managers = roles_required(*SITE_ADMINS)


def _age_text(age) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}분 전"
    if minutes < 60 * 24:
        return f"{minutes // 60}시간 전"
    return f"{minutes // (60 * 24)}일 전"


@managers
def backups_view():
    found = last_backup()
    info = None
    if found:
        path, when = found
        age = datetime.now() - when
        info = {
            "name": os.path.basename(path),
            "when": when.strftime("%Y-%m-%d %H:%M"),
            "age": _age_text(age),
            "old": age > BACKUP_AGE,
            "size": f"{os.path.getsize(path) / 1024 / 1024:.1f} MB",
        }
    return render_template(
        "ops/backups.html",
        info=info,
        folder=current_app.config["BACKUP_DIR"],
        keep=current_app.config.get("BACKUP_KEEP"),
        at=current_app.config.get("BACKUP_AT"),
    )


@managers
def backup_download():
    found = last_backup()
    if found is None:
        abort(404)
    return send_file(
        found[0],
        mimetype="application/vnd.sqlite3",
        as_attachment=True,
        download_name=os.path.basename(found[0]),
    )


def init_app(app) -> None:
    add_page(app, "/admin/backups", "backups", backups_view)
    add_page(app, "/admin/backups/latest", "backup_download", backup_download)

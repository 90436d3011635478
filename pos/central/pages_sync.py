"""매장 연결 현황 (/admin/sync/sites) and 거부된 이벤트 (/admin/sync/rejections), central only.

The connection page refreshes its table by itself (htmx asks for the table alone), so a
manager can leave it open and see a silent branch turn red."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from pos.auth.service import roles_required
from pos.central.ledger import SyncRejection
from pos.central.status import site_statuses
from pos.db import db
from pos.scope import SITE_ADMINS
from pos.sites import Site

from .pages import KIND_LABELS, add_page, ago, duration, local_time, silent_text

#: seconds between refreshes of the connection table
REFRESH = 30
PAGE_SIZE = 50
#: characters of a rejected event's payload shown in the list (the rest folds open)
EXCERPT = 160


@roles_required(*SITE_ADMINS)
def central_sites():
    rows = site_statuses()
    context = {
        "rows": rows,
        "kinds": KIND_LABELS,
        "silent_label": silent_text(current_app.config["SYNC_SILENT_MINUTES"]),
        "silent_count": sum(1 for r in rows if r.silent),
        "ago": ago,
        "duration": duration,
        "local_time": local_time,
        "refresh": REFRESH,
        "has_rejections": "backoffice.sync_rejections" in current_app.view_functions,
    }
    if request.args.get("part") == "table":
        return render_template("central/_sites_table.html", **context)
    return render_template("central/sites.html", **context)


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@roles_required(*SITE_ADMINS)
def sync_rejections():
    """Rejected events, newest first; a manager with a site sees only that site's."""
    sites = db.session.scalars(select(Site).order_by(Site.code)).all()
    if current_user.site_id:
        sites = [s for s in sites if s.id == current_user.site_id]
    picked = request.args.get("site", "")
    chosen = [s for s in sites if s.code == picked] or sites if picked else sites
    ids = [s.id for s in chosen]
    where = SyncRejection.site_id.in_(ids)
    total = db.session.scalar(select(func.count()).select_from(SyncRejection).where(where))
    page = _page()
    rows = db.session.scalars(
        select(SyncRejection)
        .where(where)
        .order_by(SyncRejection.received_at.desc(), SyncRejection.seq.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    names = {s.id: s for s in sites}
    return render_template(
        "central/rejections.html",
        rows=rows,
        names=names,
        sites=sites,
        picked=picked,
        total=total or 0,
        page=page,
        pages=max(1, -(-(total or 0) // PAGE_SIZE)),
        excerpt=EXCERPT,
        local_time=local_time,
    )


def init_app(app) -> None:
    add_page(app, "/admin/sync/sites", "central_sites", central_sites)
    add_page(app, "/admin/sync/rejections", "sync_rejections", sync_rejections)

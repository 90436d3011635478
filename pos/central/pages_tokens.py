"""동기화 토큰 (/admin/sync/tokens, admin, central only): issue, rotate and revoke each site's
token. A new token is shown once, on the page that answers the POST (never cached, never
shown again: only its hash and first characters are kept)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from pos.auth.service import roles_required
from pos.central import tokens
from pos.central.tokens import SyncToken
from pos.db import db
from pos.sites import Site

from .pages import KIND_LABELS, add_page, local_time

admins = roles_required("admin")


def _site(code: str) -> Site:
    site = db.session.scalars(select(Site).where(Site.code == code)).first()
    if site is None:
        abort(404)
    return site


@admins
def sync_tokens():
    sites = db.session.scalars(select(Site).order_by(Site.active.desc(), Site.code)).all()
    latest: dict[int, SyncToken] = {}
    for row in db.session.scalars(select(SyncToken).order_by(SyncToken.created_at, SyncToken.id)):
        # a live token wins over revoked ones; among the same kind the newest
        held = latest.get(row.site_id)
        if held is None or held.revoked_at is not None or row.revoked_at is None:
            latest[row.site_id] = row
    return render_template(
        "central/tokens.html",
        sites=sites,
        latest=latest,
        kinds=KIND_LABELS,
        local_time=local_time,
    )


@admins
def sync_token_issue(code: str):
    site = _site(code)
    if not site.active:
        flash(f"{site.name}은(는) 사용 중지된 매장이라 토큰을 발급할 수 없습니다.", "error")
        return redirect(url_for("backoffice.sync_tokens"))
    had = tokens.live_token(site) is not None
    issued = tokens.issue(site, created_by=current_user.username)
    db.session.commit()
    page = render_template("central/token_issued.html", site=site, token=issued.token, rotated=had)
    resp = make_response(page)
    # the token is on this page only: no browser or proxy may keep a copy
    resp.headers["Cache-Control"] = "no-store"
    return resp


@admins
def sync_token_revoke(code: str):
    site = _site(code)
    count = tokens.revoke(site)
    db.session.commit()
    if count:
        flash(
            f"{site.name}의 동기화 토큰을 폐기했습니다. "
            "이 매장은 새 토큰을 받을 때까지 동기화하지 못합니다.",
            "ok",
        )
    else:
        flash(f"{site.name}에는 쓰이는 동기화 토큰이 없습니다.", "error")
    return redirect(url_for("backoffice.sync_tokens"))


def init_app(app) -> None:
    add_page(app, "/admin/sync/tokens", "sync_tokens", sync_tokens)
    add_page(app, "/admin/sync/tokens/<code>/issue", "sync_token_issue", sync_token_issue, ["POST"])
    add_page(
        app, "/admin/sync/tokens/<code>/revoke", "sync_token_revoke", sync_token_revoke, ["POST"]
    )

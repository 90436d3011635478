"""Which site a request works for: the user's own site, else the site this server runs."""

from __future__ import annotations

from flask import current_app, g
from flask_login import current_user
from sqlalchemy import select

from inventory.models import Site
from pos.api import ApiError
from pos.db import db


def server_site() -> Site | None:
    code = current_app.config.get("POS_SITE")
    if code:
        return db.session.execute(select(Site).where(Site.code == code)).scalar_one_or_none()
    return db.session.scalars(select(Site).where(Site.active).order_by(Site.id).limit(1)).first()


def current_site() -> Site:
    """Cashiers are bound to their site; managers and admins work at this server's site."""
    if "site" in g:
        return g.site
    site = None
    if current_user.is_authenticated and current_user.site_id:
        site = db.session.get(Site, current_user.site_id)
    if site is None:
        site = server_site()
    if site is None or not site.active:
        raise ApiError(409, "no_site", "이 서버에 매장이 설정되지 않았습니다 (POS_SITE)")
    g.site = site
    return site


def receipt_base_url() -> str:
    from flask import request

    return current_app.config.get("RECEIPT_BASE_URL") or request.host_url

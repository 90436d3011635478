"""Who may see and change which site: roles and site scopes, checked on every request.

Cashiers and organisers are bound to their own site. A manager with a site sees only it; a
manager or admin without one sees every site and picks the one the back office works on
(kept in the session). Pages answer a Korean 403/404 page, the API a JSON error.
"""

from __future__ import annotations

from flask import abort, request, session
from flask_login import current_user

from pos.api import ApiError
from pos.context import current_site
from pos.sites import SiteInfo, site_directory

#: who has a back office at all
BACK_OFFICE = ("organiser", "manager", "admin")
#: who may change the catalog (products, vendors, prices, availability)
CATALOG_EDITORS = ("organiser", "manager", "admin")
#: who may manage users and site settings
SITE_ADMINS = ("manager", "admin")
#: who runs fairs
FAIR_STAFF = ("organiser", "manager", "admin")

_SESSION_KEY = "working_site"


def _refuse(status: int, message: str):
    if request.path.startswith("/api/"):
        code = "forbidden" if status == 403 else "not_found"
        raise ApiError(status, code, message)
    abort(status)


def allowed_sites(user=None) -> list[SiteInfo]:
    """The active sites this user may work with, in code order."""
    user = user or current_user
    sites = sorted(site_directory().sites.values(), key=lambda s: s.code)
    if getattr(user, "site_id", None):
        return [s for s in sites if s.id == user.site_id]
    return [s for s in sites if s.active]


def may_access(site_id: int, user=None) -> bool:
    user = user or current_user
    if not user.is_authenticated:
        return False
    return not user.site_id or user.site_id == site_id


def require_site(site_id: int) -> None:
    """403 unless the logged-in user's scope covers this site."""
    if not may_access(site_id):
        _refuse(403, "이 매장에 대한 권한이 없습니다")


def site_by_code(code: str) -> SiteInfo:
    """The site with this code if the user may see it; 404 for unknown, 403 out of scope."""
    site = site_directory().by_code(code)
    if site is None:
        _refuse(404, "매장을 찾을 수 없습니다")
    require_site(site.id)
    return site


def working_site() -> SiteInfo:
    """The site the back office works on: the one picked in this session if the user may
    see it, else the user's own site or this server's."""
    picked = session.get(_SESSION_KEY)
    if picked and not current_user.site_id:
        site = site_directory().by_code(picked)
        if site is not None and site.active:
            return site
    return current_site()


def pick_working_site(code: str) -> SiteInfo:
    site = site_by_code(code)
    session[_SESSION_KEY] = site.code
    return site

"""Which site a request works for: the user's own site, else the site this server runs."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from inventory.cache import PricingCatalog, SiteInfo, pricing_catalog
from pos.api import ApiError


def server_site(catalog: PricingCatalog | None = None) -> SiteInfo | None:
    catalog = catalog or pricing_catalog()
    code = current_app.config.get("POS_SITE")
    return catalog.site_by_code(code) if code else catalog.first_active_site()


def current_site() -> SiteInfo:
    """Cashiers are bound to their site; managers and admins work at this server's site."""
    if "site" in g:
        return g.site
    catalog = pricing_catalog()
    site = None
    if current_user.is_authenticated and current_user.site_id:
        site = catalog.sites.get(current_user.site_id)
    if site is None:
        site = server_site(catalog)
    if site is None or not site.active:
        raise ApiError(409, "no_site", "이 서버에 매장이 설정되지 않았습니다 (POS_SITE)")
    g.site = site
    return site


def receipt_base_url() -> str:
    return current_app.config.get("RECEIPT_BASE_URL") or request.host_url

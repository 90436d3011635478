"""Helpers of the back-office catalog tests: a logged-in browser posting forms with the CSRF
token, and readers of the pages' field messages and tables."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Product, SiteProduct
from pos.db import db
from pos.sites import Site


class Pages(ApiClient):
    """A logged-in browser: form posts carry the session's CSRF token."""

    def form(self, url, data, **kw):
        return self.client.post(url, data={"csrf_token": self.csrf, **data}, **kw)

    def htmx(self, url, data):
        return self.form(url, data, headers={"HX-Request": "true"})


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def listed(resp) -> str:
    """The list's table body only (flashed messages may name the record too)."""
    match = re.search(r"<tbody>(.*)</tbody>", text(resp), re.S)
    return match.group(1) if match else ""


def field_errors(resp) -> dict[str, str]:
    """id of the field → its message (<span class="field-error" id="e-NAME">)."""
    return dict(re.findall(r'class="field-error" id="e-([\w.-]+)"[^>]*>([^<]+)<', text(resp)))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def any_product(app, **where) -> Product:
    with app.app_context():
        product = db.session.scalars(
            select(Product).filter_by(**where).order_by(Product.id)
        ).first()
        db.session.expunge(product)
        return product


def cashier_site_id(app) -> int:
    """CAFE03's id (call inside an app context)."""
    return db.session.execute(select(Site.id).where(Site.code == "CAFE03")).scalar_one()


def terms_snapshot(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(
            select(SiteProduct).order_by(SiteProduct.site_id, SiteProduct.product_id)
        )
        return [(r.site_id, r.product_id, r.price, r.hidden, r.sold_out_on) for r in rows]

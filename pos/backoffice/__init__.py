"""The back office (Korean, for organisers, managers and admins): catalog, users, site settings,
today's sales, stock pages and fair pages. Server-rendered Jinja with htmx where a page must
update itself. Each area is its own module registering on the blueprints below."""

from __future__ import annotations


def init_app(app) -> None:
    from inventory import pages as stock_pages
    from pos.fairs import pages as fair_pages
    from pos.shifts import pages as close_pages  # noqa: F401  (일일 마감, on this blueprint)

    from . import (  # noqa: F401  (each module registers its routes on the blueprints)
        campaigns,
        cash_receipts,
        catalog,
        catalog_availability,
        catalog_exports,
        catalog_products,
        discounts,
        imports,
        settings,
        sync_page,
        today,
        users,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(stock_pages.bp)
    app.register_blueprint(fair_pages.bp)
    app.context_processor(views.layout_context)

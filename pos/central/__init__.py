"""The central store (``POS_ROLE=central``, PostgreSQL): sync tokens, the push endpoint that
applies each branch event exactly once, the fact tables and rollups it maintains, and the sync
status of every site. The models are imported on both roles, since one set of migrations
serves both databases; the routes that branches call are registered only on central."""

from __future__ import annotations

from pos.parts import init_parts

#: models first, then the routes and pages
PARTS = ("errors", "tokens", "facts", "rollups", "ledger", "ingest", "push", "status", "pages")


def init_app(app) -> None:
    init_parts(__name__, PARTS, app)

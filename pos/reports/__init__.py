"""Managers' reports (central, and a branch for its own site): read the rollups that ingest
maintains, never raw sale lines; every table exports to CSV and XLSX."""

from __future__ import annotations

from pos.parts import init_parts

PARTS = ("queries", "api", "exports", "pages")


def init_app(app) -> None:
    init_parts(__name__, PARTS, app)

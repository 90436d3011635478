"""Branch side of sync (DESIGN §4 "Identity and sync"): pull the catalog from central by
version, push the outbox in order and in batches until acknowledged, and say how it is going.
It reads the outbox and knows no view; its pages live in the back office."""

from __future__ import annotations

from pos.parts import init_parts

#: state (models) first; feed is central's catalog endpoint, pull applies it on a branch
PARTS = ("state", "feed", "pull", "client", "worker", "status_api", "cli", "cli_push")


def init_app(app) -> None:
    init_parts(__name__, PARTS, app)

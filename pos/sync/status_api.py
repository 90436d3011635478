"""``GET /api/sync/state``: how this branch's sync with central stands, for the dot on the
cashier screen and the back office (any logged-in user; it only reads)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import BaseModel

from pos.api import endpoint

from . import state

bp = Blueprint("sync_state_api", __name__, url_prefix="/api")


class SyncStateOut(BaseModel):
    #: CENTRAL_URL and SYNC_TOKEN are set on this branch
    enabled: bool
    #: off | ok (all pushed) | waiting (events to push) | error (the last try failed)
    state: str
    waiting: int
    rejected: int
    last_push_at: str | None
    last_pull_at: str | None
    last_attempt_at: str | None
    last_error: str | None
    last_error_at: str | None
    next_try_at: str | None
    catalog_version: int
    #: central's host (and port), never its path or credentials
    central: str | None


@endpoint("/sync/state", blueprint=bp, response=SyncStateOut, summary="이 매장의 동기화 상태")
def sync_state():
    """This branch's sync state: events waiting, last push and pull, the last error."""
    return jsonify(state.status())


def init_app(app) -> None:
    app.register_blueprint(bp)

"""``POST /api/sync/push`` (central only): a branch's batch of outbox events, applied exactly
once through the ledger in one transaction per batch.

The token is checked before the body is read (a stranger learns nothing about the format);
the batch commits once, so a database failure rolls it all back and the branch, which got no
acknowledgement, sends the same batch again."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, jsonify
from sqlalchemy.exc import SQLAlchemyError

from pos.api import ApiError, endpoint
from pos.central.ledger import SyncSite, apply_batch
from pos.central.schemas import PushIn, PushOut
from pos.central.tokens import check_site, require_sync_token
from pos.db import db, utcnow

log = logging.getLogger(__name__)

bp = Blueprint("central_push", __name__, url_prefix="/api")


@bp.before_request
def _token_first():
    """Who is asking comes before what they sent: 401/403 before any field error."""
    require_sync_token(lambda: None)()


@endpoint(
    "/sync/push",
    "POST",
    body=PushIn,
    auth="bearer",
    blueprint=bp,
    response=PushOut,
    summary="A branch's outbox events, applied once each in seq order (central)",
    responses={
        200: "applied: acked ids (also ones applied before), rejected ones with reasons",
        409: "sync_gap: an earlier event of the site is missing; high_water says where",
        503: "the store could not write; nothing of the batch was applied, send it again",
    },
)
def sync_push(payload: PushIn):
    check_site(payload.site)
    site = g.sync_site
    events = [envelope.to_event() for envelope in payload.events]
    try:
        result = apply_batch(
            site, events, dedup=current_app.config["SYNC_DEDUP"], after=payload.after
        )
        ledger = db.session.get(SyncSite, site.id)
        now = utcnow()
        ledger.last_push_at = now
        if payload.pending is not None:
            ledger.pending = payload.pending
        ledger.last_error = _error_text(result)
        g.sync_token.last_used_at = now
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("sync push of %s failed; batch rolled back", site.code)
        raise ApiError(
            503,
            "sync_store_failed",
            "중앙 저장소에 저장하지 못했습니다. 아무것도 반영되지 않았으니 다시 보내 주세요",
        ) from None
    if result.gap:
        message = (
            f"앞선 이벤트가 아직 오지 않았습니다. 중앙에는 {result.high_water}번까지 "
            "반영되어 있습니다"
        )
        error = {"code": "sync_gap", "message": message, "field": None}
        error["high_water"] = result.high_water
        return jsonify({"error": error, "high_water": result.high_water}), 409
    rejected = [
        {"id": event_id, "error": {"code": code, "message": message}}
        for event_id, code, message in result.rejected
    ]
    return jsonify({"acked": result.acked, "rejected": rejected, "high_water": result.high_water})


def _error_text(result) -> str | None:
    if result.gap:
        return f"순서가 빠진 이벤트가 있어 기다립니다 ({result.high_water}번까지 반영)"
    if result.rejected:
        return f"반영하지 못한 이벤트 {len(result.rejected)}건 (거부 사유는 거부된 이벤트 화면)"
    return None


def init_app(app) -> None:
    if app.config["POS_ROLE"] != "central":
        return
    from pos import csrf

    # bearer-authenticated: no session cookie, so nothing for CSRF to protect
    csrf.exempt(bp)
    app.register_blueprint(bp)

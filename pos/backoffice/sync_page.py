"""동기화 상태 (/admin/sync): how this branch's sync with central stands — central's address,
last push and pull, events waiting, the last error, the events central rejected with their
reasons — and 지금 동기화, which wakes the sync worker instead of waiting for its next round."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from pos.auth.service import roles_required
from pos.backoffice.views import bp
from pos.db import db
from pos.outbox import OutboxEvent
from pos.scope import SITE_ADMINS
from pos.sync import state

#: what each kind of event is called on the page
EVENT_NAMES = {
    "sale.completed": "판매",
    "refund.completed": "환불",
    "stock.move": "재고 이동",
    "shift.opened": "교대 시작",
    "shift.closed": "교대 마감",
    "cash.moved": "돈통 입출금",
    "fair.opened": "행사 시작",
    "fair.closed": "행사 마감",
    "donation.recorded": "만원의 행복 기부",
}
#: the page lists this many rejected events, newest first
REJECTED_SHOWN = 200
STATE_TEXT = {
    "off": "꺼짐 (중앙 저장소가 설정되지 않았습니다)",
    "ok": "동기화됨",
    "waiting": "전송 대기",
    "error": "중앙 연결 안 됨",
}

site_admins = roles_required(*SITE_ADMINS)


@bp.get("/admin/sync")
@site_admins
def sync():
    status = state.status()
    site = current_app.config.get("POS_SITE") or ""
    rows = db.session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.site_code == site, OutboxEvent.rejected_at.is_not(None))
        .order_by(OutboxEvent.seq.desc())
        .limit(REJECTED_SHOWN)
    ).all()
    rejected = [
        {
            "seq": r.seq,
            "kind": EVENT_NAMES.get(r.type, r.type),
            "occurred": state.local_text(r.occurred_at),
            "rejected": state.local_text(r.rejected_at),
            "reason": r.last_error or "사유가 없습니다",
        }
        for r in rows
    ]
    row = state.peek()
    return render_template(
        "backoffice/sync/index.html",
        status=status,
        state_text=STATE_TEXT[status["state"]],
        last_push=state.local_text(row.last_push_at if row else None),
        last_pull=state.local_text(row.last_pull_at if row else None),
        last_error_at=state.local_text(row.last_error_at if row else None),
        next_try=state.local_text(row.next_try_at if row and row.failures else None),
        failures=row.failures if row else 0,
        rejected=rejected,
    )


@bp.post("/admin/sync")
@site_admins
def sync_now():
    if not state.enabled():
        flash("중앙 저장소가 설정되지 않아 동기화할 수 없습니다", "error")
        return redirect(url_for(".sync"))
    state.request_wake()
    db.session.commit()
    flash("동기화를 시작했습니다. 잠시 뒤에 이 화면을 새로 고치세요", "ok")
    return redirect(url_for(".sync"))

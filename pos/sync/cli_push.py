"""``pos sync once`` and ``pos sync run`` (DESIGN §5), on ``pos.sync.cli.sync_group``.

``once`` pulls the catalog, then pushes until nothing waits or something fails, says what it
did in one Korean line and exits 0 only when nothing is left to push."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from pos.db import read_only_transaction

from . import state
from .cli import sync_group
from .client import Client, SyncError
from .worker import push_all, record_failure, record_success, run_forever

#: how ``apply_catalog``'s counts read in the summary
COUNT_LABELS = {
    "site": "매장",
    "sites": "매장",
    "vendors": "공급자",
    "categories": "분류",
    "campaigns": "캠페인",
    "option_groups": "옵션 그룹",
    "options": "옵션",
    "products": "상품",
    "site_prices": "매장 가격",
    "users": "사용자",
    "deleted": "삭제",
    "fair": "행사",
}


def pull_summary(version: int, previous: int, counts: dict) -> str:
    shown = [f"{COUNT_LABELS.get(k, k)} {v}" for k, v in counts.items() if isinstance(v, int) and v]
    if version <= previous and not shown:
        return f"카탈로그 변경 없음 (버전 {version})"
    return f"카탈로그 버전 {version} 받음" + (f" ({', '.join(shown)})" if shown else "")


@sync_group.command("once")
@with_appcontext
def once_cmd() -> None:
    """Pull the catalog from central, then push the outbox until nothing is left."""
    cfg = current_app.config
    if cfg["POS_ROLE"] != "branch":
        click.echo(
            "오류: 중앙 저장소에서는 보낼 것이 없습니다 (매장 서버에서 실행하세요)", err=True
        )
        sys.exit(1)
    if not cfg.get("CENTRAL_URL") or not cfg.get("SYNC_TOKEN"):
        click.echo(
            "오류: 중앙 저장소 주소와 동기화 토큰이 설정되지 않았습니다. "
            "중앙 관리자에게 받은 주소와 토큰을 이 매장의 설정에 넣으세요",
            err=True,
        )
        sys.exit(1)
    parts: list[str] = []
    failure: SyncError | None = None
    client = Client.from_config()
    try:
        try:
            pulled = client.pull()
            parts.append(pull_summary(pulled.version, pulled.previous, pulled.counts))
        except SyncError as err:
            failure = err
            parts.append("카탈로그 받기 실패")
        totals = {"acked": 0, "rejected": 0, "reasons": []}
        if failure is None or failure.kind not in ("unreachable", "auth"):
            try:
                totals = push_all(client)
            except SyncError as err:
                failure = failure or err
    finally:
        client.close()
    with read_only_transaction():
        left, _ = state.counts()
    parts.append(f"보냄 {totals['acked']}건")
    if totals["rejected"]:
        parts.append(f"거부 {totals['rejected']}건")
    parts.append(f"남음 {left}건")
    if failure is not None:
        record_failure(failure)
    else:
        record_success()
    click.echo(" · ".join(parts))
    for reason in dict.fromkeys(totals["reasons"]):
        click.echo(f"  거부 사유: {reason}")
    if failure is not None:
        click.echo(f"오류: {failure.message}", err=True)
    sys.exit(0 if left == 0 and failure is None else 1)


@sync_group.command("run")
@with_appcontext
def run_cmd() -> None:
    """The sync worker until stopped (SIGTERM finishes the current step); `pos serve` runs one."""
    app = current_app._get_current_object()
    if app.config["POS_ROLE"] != "branch":
        click.echo("오류: 동기화 작업은 매장 서버에서만 돕니다", err=True)
        sys.exit(1)
    parent = os.environ.get("POS_SYNC_PARENT")
    sys.exit(run_forever(app, int(parent) if parent and parent.isdigit() else None))

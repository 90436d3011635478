"""``pos check`` (DESIGN §5): is this branch fit to sell? One Korean line per finding; exit 0
only when every check holds, so a cron job or the installer can act on the status alone."""

from __future__ import annotations

import glob
import os
import sys
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text

from pos.db import db, utcnow

BACKUP_AGE = timedelta(days=2)
OUTBOX_AGE = timedelta(minutes=15)


def last_backup(app=None) -> tuple[str, datetime] | None:
    """The newest ``pos-*.sqlite3`` copy in BACKUP_DIR and its time (local, naive)."""
    folder = (app or current_app).config["BACKUP_DIR"]
    copies = glob.glob(os.path.join(folder, "pos-*.sqlite3"))
    if not copies:
        return None
    newest = max(copies, key=os.path.getmtime)
    return newest, datetime.fromtimestamp(os.path.getmtime(newest))


def backup_too_old(app=None, now: datetime | None = None) -> bool:
    found = last_backup(app)
    return found is None or (now or datetime.now()) - found[1] > BACKUP_AGE


def _integrity() -> list[str]:
    if db.engine.dialect.name != "sqlite":
        return []
    rows = [r for (r,) in db.session.execute(text("PRAGMA integrity_check"))]
    if rows == ["ok"]:
        return []
    return [
        f"데이터베이스 무결성 검사에서 오류 {len(rows)}건이 나왔습니다. "
        "`pos restore` 로 백업을 되살리세요."
    ]


def _migrations() -> list[str]:
    from pos.ops.schema import BEHIND, NEWER, revision_state

    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001  no alembic_version table: nothing applied yet
        db.session.rollback()
        revision = None
    state = revision_state(revision)
    if state == BEHIND:
        return ["적용하지 않은 데이터베이스 업그레이드가 있습니다. `pos init` 을 실행하세요."]
    if state == NEWER:
        return [
            "데이터베이스가 이 프로그램보다 새 버전에서 만들어졌습니다. 프로그램을 업데이트하세요."
        ]
    return []


def _stock() -> list[str]:
    from inventory.models import Product, StockLevel, StockMove
    from pos.sites import Site

    moves = (
        select(StockMove.site_id, StockMove.product_id, func.sum(StockMove.qty).label("qty"))
        .group_by(StockMove.site_id, StockMove.product_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Site.code, Product.name, StockLevel.on_hand, func.coalesce(moves.c.qty, 0))
        .join(Site, Site.id == StockLevel.site_id)
        .join(Product, Product.id == StockLevel.product_id)
        .outerjoin(
            moves,
            (moves.c.site_id == StockLevel.site_id) & (moves.c.product_id == StockLevel.product_id),
        )
        .where(StockLevel.on_hand != func.coalesce(moves.c.qty, 0))
    ).all()
    return [
        f"재고 불일치: {site} {name} 재고 {on_hand}개, 입출고 기록 합계 {ledger}개"
        for site, name, on_hand, ledger in rows
    ]


def _outbox() -> list[str]:
    from pos.outbox import OutboxEvent, waiting_clause

    if not current_app.config.get("CENTRAL_URL"):
        return []
    count, oldest = db.session.execute(
        select(func.count(), func.min(OutboxEvent.occurred_at)).where(waiting_clause())
    ).one()
    if not count or oldest is None:
        return []
    if isinstance(oldest, str):
        oldest = datetime.fromisoformat(oldest)
    waited = utcnow() - oldest
    if waited <= OUTBOX_AGE:
        return []
    minutes = int(waited.total_seconds() // 60)
    return [
        f"본사로 보내지 못한 기록 {count}건이 {minutes}분째 기다리고 있습니다. "
        "인터넷 연결을 확인하세요."
    ]


def _backup() -> list[str]:
    found = last_backup()
    if found is None:
        return ["백업이 하나도 없습니다. `pos backup` 을 실행하세요."]
    age = datetime.now() - found[1]
    if age > BACKUP_AGE:
        return [f"마지막 백업이 {age.days}일 전입니다({found[0]}). `pos backup` 을 실행하세요."]
    return []


def _clock() -> list[str]:
    from pos.ops.clock import seconds_behind, warning_text

    behind = seconds_behind()
    return [warning_text(behind)] if behind else []


CHECKS = (_integrity, _migrations, _stock, _outbox, _backup, _clock)


def findings() -> list[str]:
    """Every finding, in Korean; empty when the branch is fine."""
    found: list[str] = []
    for check in CHECKS:
        found.extend(check())
    return found


@click.command("check")
@with_appcontext
def check_cmd() -> None:
    """Check the database, stock, outbox, backups and clock; exit 1 on any finding."""
    found = findings()
    for line in found:
        click.echo(f"문제: {line}", err=True)
    if found:
        sys.exit(1)
    click.echo("점검 완료: 문제가 없습니다.")


def init_app(app) -> None:
    from . import backups_page

    app.cli.add_command(check_cmd)
    backups_page.init_app(app)

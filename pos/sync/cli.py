"""``pos sync …``: ``token`` on central here; ``once`` and ``run`` (branch) in cli_push."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from pos.db import db

sync_group = AppGroup("sync", help="동기화: 중앙 저장소와 매장 사이")


@sync_group.command("token")
@click.argument("code")
@click.option("--revoke", is_flag=True, help="revoke the site's token instead of issuing one")
def token_cmd(code: str, revoke: bool) -> None:
    """Issue a new sync token for a site and print it once (older ones stop working)."""
    from pos.central import tokens
    from pos.sites import Site

    site = db.session.scalars(select(Site).where(Site.code == code)).first()
    if site is None:
        click.echo(f"오류: 매장 코드 {code}을(를) 찾을 수 없습니다", err=True)
        sys.exit(1)
    if revoke:
        count = tokens.revoke(site)
        db.session.commit()
        if count:
            click.echo(f"{site.code} ({site.name}) 동기화 토큰을 폐기했습니다.")
        else:
            click.echo(f"{site.code} ({site.name})에는 쓰이는 동기화 토큰이 없습니다.")
        return
    issued = tokens.issue(site, created_by="cli")
    db.session.commit()
    click.echo(f"{site.code} ({site.name}) 새 동기화 토큰 (지금 한 번만 보입니다):", err=True)
    click.echo(issued.token)


def init_app(app) -> None:
    app.cli.add_command(sync_group)

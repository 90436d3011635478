"""``pos fair add`` and ``pos fair vendor`` (DESIGN §5): Korean messages, exit 1 on refusal."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import with_appcontext

from pos.api import ApiError
from pos.db import db
from pos.korean import josa

fair_group = click.Group("fair", help="Fairs (하루장터): create one, place its vendors in booths.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"오류: {message}", err=True)
    sys.exit(1)


def _day(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{what}: YYYY-MM-DD 형식으로 적어 주세요 (예: 2024-05-03)")


@fair_group.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--date", "day", required=True, help="YYYY-MM-DD")
@click.option("--opens", required=True, help="HH:MM")
@click.option("--closes", required=True, help="HH:MM")
@click.option("--vendor", "vendor_brn", required=True, help="사업자등록번호 of the organiser")
@click.option("--place", default="")
@click.option("--rain-date", "rain_date", default=None, help="YYYY-MM-DD")
@click.option("--commission", default="0", help="default commission in percent (2 decimals)")
@with_appcontext
def fair_add(code, name, day, opens, closes, vendor_brn, place, rain_date, commission) -> None:
    """Create a fair: a site of kind fair run by the organiser, state planned."""
    from .service import create_fair, pct_text

    when = _day(day, "날짜")
    rain = _day(rain_date, "우천 예비일")
    try:
        fair = create_fair(
            code,
            name=name,
            date=when,
            opens=opens,
            closes=closes,
            organiser_brn=vendor_brn,
            place=place,
            rain_date=rain,
            commission_pct=commission,
        )
    except ApiError as exc:
        _fail(exc.message)
    db.session.commit()
    click.echo(
        f"행사 추가: {code} {name} {when:%Y-%m-%d} {opens}~{closes} "
        f"(준비 중, 기본 수수료 {pct_text(fair.commission_bp):g}%)"
    )


@fair_group.command("vendor")
@click.argument("code")
@click.argument("brn")
@click.option("--booth", required=True, help="booth label, e.g. A-1")
@click.option("--commission", default=None, help="this vendor's commission in percent")
@with_appcontext
def fair_vendor_cmd(code: str, brn: str, booth: str, commission: str | None) -> None:
    """Put a vendor in a booth of the fair (or move it), with its own commission if given."""
    from sqlalchemy import select

    from pos.sites import Site

    from .models import Fair, FairState
    from .service import commission_bp, pct_text, set_vendor

    site = db.session.execute(select(Site).where(Site.code == code)).scalar_one_or_none()
    fair = db.session.get(Fair, site.id) if site is not None else None
    if fair is None:
        _fail(f"행사 {josa(code, '을/를')} 찾을 수 없습니다")
    if fair.state == FairState.CLOSED:
        _fail("마감된 행사는 바꿀 수 없습니다")
    try:
        fv = set_vendor(fair, brn, booth, commission)
    except ApiError as exc:
        _fail(exc.message)
    db.session.commit()
    pct = pct_text(commission_bp(fair, fv))
    click.echo(f"{code}: {fv.vendor.name} → 부스 {fv.booth} (수수료 {pct:g}%)")

"""The ``pos`` command (DESIGN §5): the Flask CLI of this app plus our own commands."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from inventory.models import SITE_KINDS, Site, Vendor
from inventory.vendors import InvalidBrn, normalize_brn

from .auth.models import ROLES, User
from .db import db
from .korean import josa

#: commands that run beside a serving till: they give it the CPU from their first import on
#: (the app's imports alone are 2-3 s of CPU, which stalled sales by up to half a second)
BESIDE_THE_TILL = frozenset({"backup", "check"})


def _create_app():
    if BESIDE_THE_TILL.intersection(sys.argv[1:2]):
        from .ops.backup import yield_to_sales

        yield_to_sales()
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """꿈이든 POS"""


def fail(message: str) -> None:
    click.echo(f"오류: {message}", err=True)
    sys.exit(1)


@click.command("init")
@with_appcontext
def init_cmd() -> None:
    """Create or migrate the database (idempotent); backs up before a pending migration and
    refuses a database newer than the code."""
    from .ops.upgrade import UpgradeError, safe_upgrade

    try:
        backup = safe_upgrade()
    except UpgradeError as exc:
        fail(str(exc))
    if backup:
        click.echo(f"업그레이드 전 백업: {backup}")
    url = db.engine.url.render_as_string(hide_password=True)
    click.echo(f"데이터베이스 준비 완료: {url}")


@click.command("demo")
@click.option(
    "--day",
    is_flag=True,
    help="also yesterday's café day at CAFE03 (float, sales, a refund, a close)",
)
@with_appcontext
def demo_cmd(day: bool) -> None:
    """Load the demo data from the newsletters (idempotent)."""
    from .demo import load_demo

    summary = load_demo()
    db.session.commit()
    click.echo(summary)
    if day:
        from .demo_day import load_cafe_day

        click.echo(load_cafe_day())
        db.session.commit()


site_group = click.Group("site", help="Sites: branches, fairs, store rooms.")


@site_group.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(SITE_KINDS), default="cafe")
@click.option("--vendor", "vendor_brn", required=True, help="사업자등록번호 of the operator")
@click.option("--address", default="")
@with_appcontext
def site_add(code: str, name: str, kind: str, vendor_brn: str, address: str) -> None:
    """Create a site run by the vendor with that 사업자등록번호."""
    try:
        brn = normalize_brn(vendor_brn)
    except InvalidBrn as exc:
        fail(str(exc))
    vendor = db.session.execute(select(Vendor).where(Vendor.brn == brn)).scalar_one_or_none()
    if vendor is None:
        fail(
            f"사업자등록번호 {vendor_brn}인 공급자가 없습니다. "
            "먼저 pos import vendors 로 등록하세요"
        )
    if db.session.execute(select(Site).where(Site.code == code)).scalar_one_or_none():
        fail(f"매장 코드 {code}는 이미 있습니다")
    db.session.add(Site(code=code, name=name, kind=kind, vendor_id=vendor.id, address=address))
    db.session.commit()
    click.echo(f"매장 추가: {code} {name} ({kind}) 운영 {vendor.name}")


user_group = click.Group("user", help="Users and their roles.")


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--site", "site_code", default=None)
@click.option("--pin", default=None, help="4-6 digits, for the cashier keypad")
@click.option("--password", default=None)
@click.option("--display-name", default=None)
@with_appcontext
def user_add(name, role, site_code, pin, password, display_name) -> None:
    """Create a user with a PIN and/or a password (both stored hashed)."""
    if pin is None and password is None:
        fail("--pin 또는 --password 중 하나는 필요합니다")
    _check_secrets(pin, password)
    if role == "cashier" and not site_code:
        fail("계산원은 --site 로 매장을 지정해야 합니다")
    # log-in ignores capitals, so names may not differ only in them
    same = select(User).where(func.lower(User.username) == name.strip().lower())
    if db.session.scalars(same).first():
        fail(f"사용자 {josa(name, '은/는')} 이미 있습니다")
    site_id = None
    if site_code:
        site = db.session.execute(select(Site).where(Site.code == site_code)).scalar_one_or_none()
        if site is None:
            fail(f"매장 {josa(site_code, '이/가')} 없습니다")
        site_id = site.id
    user = User(username=name, display_name=display_name or name, role=role, site_id=site_id)
    if pin:
        user.set_pin(pin)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"사용자 추가: {name} ({role})")


@user_group.command("set")
@click.argument("name")
@click.option("--pin", default=None)
@click.option("--password", default=None)
@with_appcontext
def user_set(name, pin, password) -> None:
    """Change a user's PIN or password and clear a log-in lock."""
    user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
    if user is None:
        fail(f"사용자 {josa(name, '이/가')} 없습니다")
    _check_secrets(pin, password)
    if pin:
        user.set_pin(pin)
    if password:
        user.set_password(password)
    from .auth.service import unlock

    unlock(user.username)
    db.session.commit()
    click.echo(f"사용자 {name}: 변경했고 잠금을 풀었습니다")


def _check_secrets(pin: str | None, password: str | None) -> None:
    if pin is not None and not (pin.isdigit() and 4 <= len(pin) <= 6):
        fail("PIN은 숫자 4~6자리여야 합니다")
    if password is not None and len(password) < 8:
        fail("비밀번호는 8자 이상이어야 합니다")


import_group = click.Group("import", help="Import vendors or products from CSV or XLSX.")


def _run_import(kind: str, path: str) -> None:
    from inventory.imports import ImportFailed, import_file

    from .context import server_site

    try:
        count = import_file(kind, path, stock_site=server_site())
    except ImportFailed as exc:
        db.session.rollback()
        click.echo(
            f"가져오기 실패: 아무것도 저장하지 않았습니다 ({len(exc.errors)}개 오류)", err=True
        )
        shown = 200  # a whole bad file would scroll the first errors off the screen
        for err in exc.errors[:shown]:
            click.echo(f"  {err}", err=True)
        if len(exc.errors) > shown:
            click.echo(f"  … 외 {len(exc.errors) - shown}개 오류", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{count}건을 가져왔습니다")


@import_group.command("vendors")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_vendors(path: str) -> None:
    """Columns (or Korean headers): name 상호, owner 대표자, brn 사업자등록번호, address 주소,
    phone 전화, tax_type 과세유형 (일반 / 간이 / 면세). CSV or XLSX up to 10 MB.
    """
    _run_import("vendors", path)


@import_group.command("products")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_products(path: str) -> None:
    """Columns (or Korean headers): sku 상품코드, name 상품명, category 분류, price 가격,
    tax 과세구분, vendor_brn 공급자사업자번호, barcode 바코드, track_stock 재고관리, stock 재고.
    """
    _run_import("products", path)


@click.command("receipt")
@click.argument("sale_id")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None)
@click.option("--reprint", is_flag=True, help="print the 재출력 mark")
@with_appcontext
def receipt_cmd(sale_id: str, out: str | None, reprint: bool) -> None:
    """Write the sale's ESC/POS bytes to a file or standard output."""
    from .receipts.queue import render_sale
    from .sales.models import Sale

    sale = db.session.get(Sale, sale_id)
    if sale is None:
        fail(f"판매 {josa(sale_id, '을/를')} 찾을 수 없습니다")
    data = render_sale(sale, reprint=reprint)
    if out:
        with open(out, "wb") as fh:
            fh.write(data)
        click.echo(f"{len(data)} bytes -> {out}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@click.command("serve")
@click.option("--host", default="0.0.0.0")
@click.option("--port", default=5000, type=int)
@click.option("--workers", default=2, type=int, help="web processes (one per core)")
@click.option("--threads", default=2, type=int, help="request threads per web process")
@click.option("--cert", default=None, help="HTTPS certificate (PEM; default TLS_CERT)")
@click.option("--key", default=None, help="its private key (PEM; default TLS_KEY)")
@with_appcontext
def serve_cmd(
    host: str, port: int, workers: int, threads: int, cert: str | None, key: str | None
) -> None:
    """Production server (hypercorn: slow clients never hold a request thread) plus the print
    worker; SIGTERM or Ctrl+C finishes the requests in flight, then stops. With a certificate
    and key (``pos tls init`` makes them) it serves HTTPS only."""
    from .ops.storage import startup_problem
    from .ops.tls import SERVE_TLS_ENV, check_tls_files
    from .server import make_config, serve

    app = current_app._get_current_object()
    damaged = startup_problem(app)  # a broken database stops here, in Korean, naming pos restore
    if damaged:
        fail(damaged)
    if cert is None and key is None:
        cert, key = app.config.get("TLS_CERT") or None, app.config.get("TLS_KEY") or None
    problem = check_tls_files(cert, key)
    if problem:
        fail(problem)
    # the web processes read it: receipt links name this port, whatever Host a client sends
    os.environ["SERVER_PORT"] = str(port)
    # and this: their session cookies are Secure only while they are served over HTTPS
    os.environ[SERVE_TLS_ENV] = "1" if cert else "0"
    scheme = "https" if cert else "http"
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    click.echo(f"꿈이든 POS ({app.config['POS_ROLE']}) {scheme}://{shown}:{port}/  (Ctrl+C로 종료)")
    config = make_config(host, port, max(1, workers), certfile=cert, keyfile=key)
    sys.exit(serve(config, max(1, threads)))


@click.command("print-worker")
def print_worker_cmd() -> None:
    """Print queued receipts until stopped; `pos serve` runs one in its own process."""
    from .receipts.queue import run_print_worker_process

    run_print_worker_process()


def init_app(app) -> None:
    for command in (
        init_cmd,
        demo_cmd,
        site_group,
        user_group,
        import_group,
        receipt_cmd,
        serve_cmd,
        print_worker_cmd,
    ):
        app.cli.add_command(command)
    from inventory.fairs.cli import fair_group  # pos fair add / pos fair vendor

    app.cli.add_command(fair_group)

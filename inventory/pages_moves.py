"""Receive goods, waste and transfers: many lines in one form, booked in one transaction.

The form carries a hidden UUID made when it was shown: submitting it twice (a double tap, the
back button) finds the batch already booked and books nothing more.
"""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pos.auth.service import roles_required
from pos.db import db
from pos.korean import josa
from pos.scope import require_site
from pos.sites import site_directory

from . import stock_service as service
from .pages import bp
from .pages_common import BOOKERS, SUPERVISORS, form_id, mark_error, read_lines
from .pages_data import line_products
from .stock import InsufficientStock
from .stock_service import StockInputError

#: kind → (template title, button, done message, template)
_KINDS = {
    "receive": ("입고", "입고하기", "{n}가지 상품 {units}개를 입고했습니다"),
    "waste": ("폐기", "폐기하기", "{n}가지 상품 {units}개를 폐기했습니다"),
    "transfer": ("매장 간 이동", "이동하기", "{n}가지 상품 {units}개를 {to} 보냈습니다"),
}


def _targets(site_id: int):
    """Where a transfer may go: every other active site."""
    sites = site_directory().sites.values()
    return sorted((s for s in sites if s.active and s.id != site_id), key=lambda s: s.code)


def _show(kind: str, site, rows=None, error: str = "", status: int = 200, field=None, **form):
    title, button, _ = _KINDS[kind]
    return (
        render_template(
            "stock/lines.html",
            kind=kind,
            title=title,
            button=button,
            site=site,
            rows=rows or [],
            products=line_products(site.id),
            batch_id=form.pop("batch_id", None) or str(uuid.uuid4()),
            error=error,
            error_field=field,
            reasons=service.WASTE_REASONS,
            targets=_targets(site.id) if kind == "transfer" else [],
            form=form,
        ),
        status,
    )


def _site():
    from pos.scope import working_site

    site = working_site()
    require_site(site.id)
    return site


@bp.get("/stock/receive")
@roles_required(*BOOKERS)
def receive():
    return _show("receive", _site())


@bp.get("/stock/waste")
@roles_required(*BOOKERS)
def waste():
    return _show("waste", _site())


@bp.get("/stock/transfer")
@roles_required(*SUPERVISORS)
def transfer():
    return _show("transfer", _site())


@bp.post("/stock/receive")
@roles_required(*BOOKERS)
def receive_post():
    return _book("receive")


@bp.post("/stock/waste")
@roles_required(*BOOKERS)
def waste_post():
    return _book("waste")


@bp.post("/stock/transfer")
@roles_required(*SUPERVISORS)
def transfer_post():
    return _book("transfer")


def _book(kind: str):
    site = _site()
    batch_id = form_id()
    note = request.form.get("note", "").strip()[:200]
    form = {
        "note": note,
        "reason": request.form.get("reason", ""),
        "to_site": request.form.get("to_site", ""),
        "batch_id": batch_id,
    }
    rows, parsed = read_lines(site.id)
    if not rows:
        return _show(kind, site, rows, "상품을 한 가지 이상 넣으세요", 422, **form)
    if any(r["error"] for r in rows):
        return _show(
            kind, site, rows, "표시된 줄을 고쳐 주세요. 아무것도 기록하지 않았습니다", 422, **form
        )
    try:
        batch = _call(kind, site, parsed, batch_id, note, form)
        db.session.commit()
    except StockInputError as exc:
        db.session.rollback()
        mark_error(rows, exc)
        message = exc.message + ". 아무것도 기록하지 않았습니다"
        return _show(kind, site, rows, message, 422, field=exc.field, **form)
    except InsufficientStock as exc:
        db.session.rollback()
        for row in rows:
            if row["id"] == exc.product.id:
                row["error"] = f"남은 수량 {exc.available}개"
        message = f"{exc.product.name} 재고가 부족합니다 (남은 수량 {exc.available}개)."
        return _show(kind, site, rows, message + " 아무것도 기록하지 않았습니다", 409, **form)
    except IntegrityError:
        # the same form submitted twice at once: the other submit booked it
        db.session.rollback()
        batch = _call(kind, site, parsed, batch_id, note, form)
    _, _, done = _KINDS[kind]
    if batch.replayed:
        flash("이미 기록한 내용입니다. 다시 기록하지 않았습니다", "ok")
    else:
        to = site_directory().by_code(form["to_site"])
        units = sum(abs(q) for _, q, _ in batch.lines)
        flash(
            done.format(n=len(batch.lines), units=units, to=josa(to.name, "으로/로") if to else ""),
            "ok",
        )
    return redirect(url_for(f".{kind}"))


def _call(kind, site, parsed, batch_id, note, form):
    user_id = current_user.id
    if kind == "receive":
        return service.receive(site, parsed, batch_id=batch_id, user_id=user_id, note=note)
    if kind == "waste":
        return service.waste(
            site, parsed, reason=form["reason"], batch_id=batch_id, user_id=user_id, note=note
        )
    return service.transfer(
        site, parsed, to_code=form["to_site"], batch_id=batch_id, user_id=user_id, note=note
    )

"""만원의 행복 pages: campaigns with owed / donated / outstanding, their products, donations
handed over (a Donation and, for a tracked product, a 'donation' stock move) and the XLSX.

Figures cover the sites the user may see; a donation is recorded at the working site (picked
at the top of the back office) and never for more than is outstanding there. Also mounts the
campaign API (pos/sales/campaigns_api.py).
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from inventory.campaigns import service
from inventory.campaigns.models import Campaign
from inventory.campaigns.xlsx import campaign_xlsx
from inventory.models import Product, Vendor
from pos.api import ApiError
from pos.auth.models import User
from pos.auth.service import roles_required
from pos.db import db, utcnow
from pos.korean import particle
from pos.sales import campaign_tally as tally
from pos.sales import campaigns_api
from pos.sales.record import local_time
from pos.scope import BACK_OFFICE, allowed_sites, require_site, working_site

from .catalog_exports import _download
from .views import bp

bp.register_blueprint(campaigns_api.api)

staff = roles_required(*BACK_OFFICE)


def _scope() -> tuple[list, list[int]]:
    sites = allowed_sites()
    return sites, [s.id for s in sites]


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _today() -> date:
    return local_time(utcnow()).date()


@bp.get("/admin/campaigns")
@staff
def campaigns():
    _, site_ids = _scope()
    found = service.campaigns()
    return render_template(
        "backoffice/campaigns/index.html",
        campaigns=found,
        figures=tally.figures(found, site_ids),
        products={c.id: service.campaign_products(c.id) for c in found},
        form={},
        errors={},
    )


def _form_fields() -> dict:
    return {
        "name": request.form.get("name", ""),
        "unit": request.form.get("unit", ""),
        "recipient": request.form.get("recipient", ""),
    }


@bp.post("/admin/campaigns")
@staff
def campaign_new():
    try:
        campaign = service.save_campaign(None, **_form_fields())
    except ApiError as exc:
        db.session.rollback()
        _, site_ids = _scope()
        found = service.campaigns()
        return render_template(
            "backoffice/campaigns/index.html",
            campaigns=found,
            figures=tally.figures(found, site_ids),
            products={c.id: service.campaign_products(c.id) for c in found},
            form=request.form,
            errors={exc.field or "name": exc.message},
        ), 422
    db.session.commit()
    flash(f"캠페인 '{campaign.name}'{particle(campaign.name, '을/를')} 만들었습니다.", "ok")
    return redirect(url_for(".campaign_detail", campaign_id=campaign.id))


def _detail(campaign: Campaign, *, errors=None, form=None, status=200):
    sites, site_ids = _scope()
    here = working_site()
    figures = tally.figures([campaign], site_ids)[campaign.id]
    names = {s.id: s.name for s in sites}
    users = dict(db.session.execute(select(User.id, User.display_name)).all())
    items = service.campaign_products(campaign.id)
    candidates = db.session.scalars(
        select(Product)
        .where(Product.active.is_(True) | (Product.campaign_id == campaign.id))
        .order_by(Product.vendor_id, Product.sort, Product.id)
    ).all()
    candidates = sorted(candidates, key=lambda p: p.campaign_id != campaign.id)  # ticked first
    vendors = dict(db.session.execute(select(Vendor.id, Vendor.name)).all())
    default_form = {
        "name": campaign.name,
        "unit": campaign.unit,
        "recipient": campaign.recipient,
        "donation_id": str(uuid.uuid4()),
        "day": _today().isoformat(),
        "give_recipient": campaign.recipient,
        "qty": "",
        "product_id": str(items[0].id) if items else "",
    }
    return render_template(
        "backoffice/campaigns/detail.html",
        campaign=campaign,
        figures=figures,
        site_rows=[(names.get(sid, str(sid)), *figures.at(sid)) for sid in sorted(figures.by_site)],
        here=here,
        here_figures=figures.at(here.id),
        items=items,
        candidates=candidates,
        vendors=vendors,
        donations=service.donations(campaign.id, site_ids),
        site_names=names,
        users=users,
        errors=errors or {},
        form={**default_form, **(form or {})},
        today=_today(),
    ), status


@bp.get("/admin/campaigns/<int:campaign_id>")
@staff
def campaign_detail(campaign_id: int):
    return _detail(_campaign(campaign_id))


@bp.post("/admin/campaigns/<int:campaign_id>")
@staff
def campaign_edit(campaign_id: int):
    campaign = _campaign(campaign_id)
    try:
        service.save_campaign(
            campaign, **_form_fields(), active=request.form.get("active", "1") == "1"
        )
    except ApiError as exc:
        db.session.rollback()
        return _detail(
            campaign, errors={exc.field or "name": exc.message}, form=_form_fields(), status=422
        )
    db.session.commit()
    flash(f"캠페인 '{campaign.name}'{particle(campaign.name, '을/를')} 저장했습니다.", "ok")
    return redirect(url_for(".campaign_detail", campaign_id=campaign.id))


@bp.post("/admin/campaigns/<int:campaign_id>/products")
@staff
def campaign_products(campaign_id: int):
    campaign = _campaign(campaign_id)
    ids = [int(v) for v in request.form.getlist("product_ids") if v.isascii() and v.isdigit()]
    service.set_products(campaign, ids[:500])
    db.session.commit()
    flash(
        f"{campaign.name} 상품 {len(service.campaign_products(campaign.id))}개를 저장했습니다.",
        "ok",
    )
    return redirect(url_for(".campaign_detail", campaign_id=campaign.id))


def _donation_in() -> tuple[service.DonationIn | None, dict]:
    form = request.form
    errors = {}
    try:
        given_id = str(uuid.UUID(form.get("donation_id", "")))
    except ValueError:
        given_id = str(uuid.uuid4())
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        day = None
        errors["day"] = "날짜를 고르세요"
    if day is not None and day > _today():
        errors["day"] = "앞으로의 날짜에는 기록할 수 없습니다"
    qty_text = form.get("qty", "").strip().replace(",", "")
    if not qty_text.isascii() or not qty_text.isdigit() or not 1 <= int(qty_text) <= 100_000:
        errors["qty"] = "수량은 1 이상의 정수로 적으세요"
    product_text = form.get("product_id", "")
    product_id = int(product_text) if product_text.isascii() and product_text.isdigit() else None
    if errors:
        return None, errors
    return (
        service.DonationIn(
            id=given_id,
            day=day,
            recipient=form.get("give_recipient", ""),
            qty=int(qty_text),
            product_id=product_id,
            note=form.get("note", ""),
        ),
        {},
    )


@bp.post("/admin/campaigns/<int:campaign_id>/donations")
@staff
def campaign_donate(campaign_id: int):
    campaign = _campaign(campaign_id)
    here = working_site()
    require_site(here.id)
    given, errors = _donation_in()
    form = {
        k: request.form.get(k, "")
        for k in ("donation_id", "day", "give_recipient", "qty", "product_id", "note")
    }
    if given is None:
        return _detail(campaign, errors=errors, form=form, status=422)
    try:
        body, status = campaigns_api.give(campaign.id, here, given)
    except ApiError as exc:
        return _detail(campaign, errors={exc.field or "qty": exc.message}, form=form, status=422)
    if status == 201:
        flash(
            f"{here.name}: {body['recipient']}에 {body['qty']}{campaign.unit} 기부를 기록했습니다. "
            f"남은 적립 {body['outstanding']}{campaign.unit}.",
            "ok",
        )
    else:
        flash("이미 기록한 기부입니다 (두 번 눌러도 한 번만 기록됩니다).", "ok")
    return redirect(url_for(".campaign_detail", campaign_id=campaign.id))


@bp.get("/admin/campaigns/<int:campaign_id>.xlsx")
@staff
def campaign_export(campaign_id: int):
    campaign = _campaign(campaign_id)
    sites, site_ids = _scope()
    names = {s.id: s.name for s in sites}
    figures = tally.figures([campaign], site_ids)[campaign.id]
    users = dict(db.session.execute(select(User.id, User.display_name)).all())
    products = dict(db.session.execute(select(Product.id, Product.name)).all())
    data = campaign_xlsx(
        name=campaign.name,
        unit=campaign.unit,
        summary=[(names.get(sid, str(sid)), *figures.at(sid)) for sid in sorted(figures.by_site)],
        days=[
            (r.day, names.get(r.site_id, str(r.site_id)), r.sold, r.refunded, r.owed)
            for r in tally.by_day(campaign.id, site_ids)
        ],
        donations=[
            (
                d.day,
                names.get(d.site_id, str(d.site_id)),
                d.recipient,
                products.get(d.product_id, ""),
                d.qty,
                d.note,
                users.get(d.user_id, ""),
            )
            for d in service.donations(campaign.id, site_ids)
        ],
    )
    stamp = _today().strftime("%Y%m%d")
    return _download(data, f"{campaign.name}-{stamp}.xlsx")

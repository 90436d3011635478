"""만원의 행복 API: ``GET /api/campaigns`` (owed / donated / outstanding in the caller's scope)
and ``POST /api/campaigns/ID/donations`` (a donation handed over at the caller's site,
idempotent by id, never more than is outstanding there)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from flask import Blueprint, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inventory.campaigns import service
from inventory.campaigns.models import Campaign, Donation
from pos.api import MAX_ID, ApiError, endpoint
from pos.auth.service import login_required
from pos.context import current_site
from pos.db import db
from pos.scope import site_by_code

from . import campaign_tally as tally

#: nested under the back office's blueprint (registered before it)
api = Blueprint("campaigns_api", __name__, url_prefix="/api")


class CampaignOut(BaseModel):
    id: int
    name: str
    unit: str
    recipient: str
    active: bool
    owed: int
    donated: int
    outstanding: int


class CampaignsOut(BaseModel):
    #: the site the figures are for; null: every site the caller may see
    site: str | None
    campaigns: list[CampaignOut]


class DonationBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: UUID
    day: date
    #: empty or absent: the campaign's usual recipient
    recipient: str | None = Field(default=None, max_length=120)
    qty: int = Field(ge=1, le=service.QTY_MAX)
    #: the campaign's product handed over (a tracked one leaves the shelf)
    product_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    note: str = Field(default="", max_length=200)


class DonationOut(BaseModel):
    id: str
    campaign_id: int
    site: str
    day: date
    recipient: str
    qty: int
    product_id: int | None
    owed: int
    donated: int
    outstanding: int


def scope_site_ids() -> tuple[str | None, list[int] | None]:
    """(site code, [site id]) for a site-bound caller or ``?site=CODE``; else (None, None)."""
    code = request.args.get("site", "").strip()
    if code:
        site = site_by_code(code)
        return site.code, [site.id]
    if current_user.site_id:
        site = current_site()
        return site.code, [site.id]
    return None, None


def campaign_json(c: Campaign, f: tally.Figures) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "unit": c.unit,
        "recipient": c.recipient,
        "active": c.active,
        "owed": f.owed,
        "donated": f.donated,
        "outstanding": f.outstanding,
    }


@endpoint(
    "/campaigns",
    summary="만원의 행복 campaigns with units owed, donated and outstanding",
    response=CampaignsOut,
    blueprint=api,
)
@login_required
def get_campaigns():
    code, site_ids = scope_site_ids()
    found = service.campaigns()
    figures = tally.figures(found, site_ids)
    return jsonify({"site": code, "campaigns": [campaign_json(c, figures[c.id]) for c in found]})


def locked_campaign(campaign_id: int) -> Campaign:
    """The campaign, locked on PostgreSQL so two donations at once cannot both pass the
    outstanding check."""
    campaign = db.session.execute(
        select(Campaign).where(Campaign.id == campaign_id).with_for_update()
    ).scalar_one_or_none()
    if campaign is None:
        raise ApiError(404, "not_found", "없는 캠페인입니다")
    return campaign


def donation_json(donation: Donation, campaign: Campaign, site) -> dict:
    owed, given, left = tally.figures([campaign], [site.id])[campaign.id].at(site.id)
    return {
        "id": donation.id,
        "campaign_id": campaign.id,
        "site": site.code,
        "day": donation.day.isoformat(),
        "recipient": donation.recipient,
        "qty": donation.qty,
        "product_id": donation.product_id,
        "owed": owed,
        "donated": given,
        "outstanding": left,
    }


def give(campaign_id: int, site, given: service.DonationIn) -> tuple[dict, int]:
    """Record (or find again) a donation and commit; the API and the page share it."""
    try:
        campaign = locked_campaign(campaign_id)
        outstanding = tally.outstanding_at(campaign, site.id)
        donation, created = service.record_donation(
            campaign, site, given, outstanding=outstanding, user_id=current_user.id
        )
        body = donation_json(donation, campaign, site)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same id at once from a double tap: the other one won
        campaign = locked_campaign(campaign_id)
        donation, created = service.record_donation(
            campaign, site, given, outstanding=0, user_id=current_user.id
        )
        body = donation_json(donation, campaign, site)
        db.session.rollback()
    except ApiError:
        db.session.rollback()
        raise
    return body, 201 if created else 200


@endpoint(
    "/campaigns/<int:campaign_id>/donations",
    "POST",
    body=DonationBody,
    summary="Record units handed over to the campaign's recipient (idempotent by id)",
    response=DonationOut,
    responses={
        201: "recorded",
        200: "the same id and body again",
        404: "no such campaign",
        409: "more than outstanding, not enough stock, or the id used with another body",
        422: "invalid",
    },
    status=201,
    blueprint=api,
)
@login_required
def post_donation(campaign_id: int, payload: DonationBody):
    site = current_site()
    given = service.DonationIn(
        id=str(payload.id),
        day=payload.day,
        recipient=payload.recipient or "",
        qty=payload.qty,
        product_id=payload.product_id,
        note=payload.note,
    )
    body, status = give(campaign_id, site, given)
    return jsonify(body), status

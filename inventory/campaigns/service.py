"""만원의 행복: keeping campaigns, flagging their products and recording what was handed over.

What is owed is counted from sales (pos/sales/campaign_tally.py, which may read sales); this
module knows only campaigns, products, donations and the stock ledger, and takes the
outstanding number from its caller. A donation of a tracked product is also a 'donation' stock
move (−qty) in the same transaction, so on-hand and the ledger stay equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from inventory.models import MoveReason, Product
from inventory.stock import InsufficientStock, move_stock
from pos.api import ApiError
from pos.db import db
from pos.korean import particle
from pos.outbox import record_event

from .models import Campaign, Donation

NAME_MAX, UNIT_MAX, RECIPIENT_MAX, NOTE_MAX = 60, 10, 120, 200
QTY_MAX = 100_000


def campaigns(*, active_only: bool = False) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.active.desc(), Campaign.id)
    if active_only:
        query = query.where(Campaign.active.is_(True))
    return list(db.session.scalars(query))


def campaign_products(campaign_id: int) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.campaign_id == campaign_id)
            .order_by(Product.sort, Product.id)
        )
    )


def _clean(raw: str | None, limit: int, field: str, what: str, *, required: bool) -> str:
    text = " ".join((raw or "").split())
    if required and not text:
        raise ApiError(422, "invalid", f"{what}{particle(what, '을/를')} 입력하세요", field)
    if len(text) > limit:
        raise ApiError(
            422, "invalid", f"{what}{particle(what, '은/는')} {limit}자까지입니다", field
        )
    return text


def save_campaign(
    campaign: Campaign | None, *, name: str, unit: str, recipient: str, active: bool = True
) -> Campaign:
    """Create or change a campaign (name unique). Flushes; the caller commits."""
    name = _clean(name, NAME_MAX, "name", "이름", required=True)
    unit = _clean(unit, UNIT_MAX, "unit", "단위", required=True)
    recipient = _clean(recipient, RECIPIENT_MAX, "recipient", "기부처", required=False)
    taken = select(Campaign.id).where(func.lower(Campaign.name) == name.lower())
    if campaign is not None:
        taken = taken.where(Campaign.id != campaign.id)
    if db.session.execute(taken).first():
        raise ApiError(
            409, "duplicate", f"'{name}'{particle(name, '은/는')} 이미 있는 캠페인입니다", "name"
        )
    if campaign is None:
        campaign = Campaign()
        db.session.add(campaign)
    campaign.name, campaign.unit, campaign.recipient = name, unit, recipient
    campaign.active = active
    db.session.flush()
    return campaign


def set_products(campaign: Campaign, product_ids: list[int]) -> None:
    """Exactly these products carry the campaign from now on (a product carries at most one;
    ticking one here takes it from another campaign). Sales already made keep their mark."""
    wanted = set(product_ids)
    for product in db.session.scalars(
        select(Product).where((Product.campaign_id == campaign.id) | Product.id.in_(wanted))
    ):
        product.campaign_id = campaign.id if product.id in wanted else None
    db.session.flush()


def donated(campaign_ids: list[int] | None = None, site_ids: list[int] | None = None) -> dict:
    """(campaign_id, site_id) → units handed over."""
    query = select(Donation.campaign_id, Donation.site_id, func.sum(Donation.qty)).group_by(
        Donation.campaign_id, Donation.site_id
    )
    if campaign_ids is not None:
        query = query.where(Donation.campaign_id.in_(campaign_ids))
    if site_ids is not None:
        query = query.where(Donation.site_id.in_(site_ids))
    return {(c, s): int(q) for c, s, q in db.session.execute(query)}


def donations(campaign_id: int, site_ids: list[int] | None = None) -> list[Donation]:
    query = select(Donation).where(Donation.campaign_id == campaign_id)
    if site_ids is not None:
        query = query.where(Donation.site_id.in_(site_ids))
    return list(db.session.scalars(query.order_by(Donation.day.desc(), Donation.created_at.desc())))


@dataclass(frozen=True)
class DonationIn:
    id: str
    day: date
    recipient: str
    qty: int
    product_id: int | None = None
    note: str = ""


def _same(done: Donation, wanted: DonationIn, campaign: Campaign, site_id: int) -> bool:
    return (
        done.campaign_id == campaign.id
        and done.site_id == site_id
        and done.day == wanted.day
        and done.recipient == wanted.recipient
        and done.qty == wanted.qty
        and done.product_id == wanted.product_id
    )


def record_donation(
    campaign: Campaign, site, given: DonationIn, *, outstanding: int, user_id: int | None
) -> tuple[Donation, bool]:
    """(the donation, created). The same id with the same content is the one recorded before
    (created False); with other content 409. More than ``outstanding`` (owed less handed
    over at this site) is 409; a tracked product also leaves the shelf (409 when short).
    Flushes; the caller commits."""
    recipient = _clean(given.recipient, RECIPIENT_MAX, "recipient", "기부처", required=False)
    recipient = recipient or campaign.recipient
    if not recipient:
        raise ApiError(422, "invalid", "기부처를 입력하세요", "recipient")
    note = _clean(given.note, NOTE_MAX, "note", "메모", required=False)
    given = DonationIn(given.id, given.day, recipient, given.qty, given.product_id, note)
    if not 1 <= given.qty <= QTY_MAX:
        raise ApiError(422, "invalid", "수량은 1 이상이어야 합니다", "qty")
    if (done := db.session.get(Donation, given.id)) is not None:
        if _same(done, given, campaign, site.id):
            return done, False
        raise ApiError(409, "id_conflict", "이미 다른 내용으로 기록된 기부 번호입니다", "id")
    product = None
    if given.product_id is not None:
        product = db.session.get(Product, given.product_id)
        if product is None or product.campaign_id != campaign.id:
            raise ApiError(
                422,
                "invalid",
                f"{campaign.name} 캠페인 상품이 아닙니다",
                "product_id",
            )
    unit = campaign.unit
    if given.qty > outstanding:
        raise ApiError(
            409,
            "over_outstanding",
            f"기부할 수량({given.qty}{unit})이 남은 적립({max(outstanding, 0)}{unit})보다 많습니다",
            "qty",
        )
    donation = Donation(
        id=given.id,
        campaign_id=campaign.id,
        site_id=site.id,
        product_id=given.product_id,
        day=given.day,
        recipient=given.recipient,
        qty=given.qty,
        user_id=user_id,
        note=given.note,
    )
    db.session.add(donation)
    db.session.flush()
    record_event(
        "donation.recorded",
        site.code,
        {
            "id": donation.id,
            "campaign": campaign.name,
            "qty": donation.qty,
            "day": donation.day.isoformat(),
            "recipient": donation.recipient,
            "product_uid": product.uid if product is not None else None,
            "note": donation.note,
        },
        event_id=donation.id,
    )
    if product is not None and product.track_stock:
        try:
            move_stock(
                site,
                product,
                -given.qty,
                MoveReason.DONATION.value,
                ref=f"donation:{given.id}",
                user_id=user_id,
                note=f"{campaign.name} 기부: {given.recipient}"[:NOTE_MAX],
            )
        except InsufficientStock as exc:
            raise ApiError(
                409,
                "insufficient_stock",
                f"{product.name} 재고가 부족합니다 (남은 수량 {exc.available}{unit})",
                "qty",
            ) from None
    return donation, True

"""만원의 행복 figures: units owed (sold less refunded), handed over and still outstanding.

Owed counts the sale lines that carried a campaign when sold (SaleLine.campaign_id, a snapshot:
flagging a product later does not change old sales) less the units of those lines given back
by refunds and voids. Handed over is the sum of Donation rows. All three are sums of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from inventory.campaigns import service as campaigns
from inventory.campaigns.models import Campaign
from pos.db import db
from pos.refunds.models import Refund, RefundLine

from .models import Sale, SaleLine


def _sold(campaign_ids: list[int], site_ids: list[int] | None) -> dict[tuple[int, int], int]:
    query = (
        select(SaleLine.campaign_id, Sale.site_id, func.sum(SaleLine.qty))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(SaleLine.campaign_id.in_(campaign_ids))
        .group_by(SaleLine.campaign_id, Sale.site_id)
    )
    if site_ids is not None:
        query = query.where(Sale.site_id.in_(site_ids))
    return {(c, s): int(q) for c, s, q in db.session.execute(query)}


def _refunded(campaign_ids: list[int], site_ids: list[int] | None) -> dict[tuple[int, int], int]:
    query = (
        select(SaleLine.campaign_id, Sale.site_id, func.sum(RefundLine.qty))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .join(Sale, Sale.id == Refund.sale_id)
        .join(
            SaleLine,
            and_(
                SaleLine.sale_id == Refund.sale_id,
                SaleLine.position == RefundLine.sale_line_position,
            ),
        )
        .where(SaleLine.campaign_id.in_(campaign_ids))
        .group_by(SaleLine.campaign_id, Sale.site_id)
    )
    if site_ids is not None:
        query = query.where(Sale.site_id.in_(site_ids))
    return {(c, s): int(q) for c, s, q in db.session.execute(query)}


@dataclass
class Figures:
    owed: int = 0
    donated: int = 0
    #: site_id → (owed, donated)
    by_site: dict[int, list[int]] = field(default_factory=dict)

    @property
    def outstanding(self) -> int:
        """Still to hand over; never below 0 (a refund after a donation leaves it ``ahead``)."""
        return max(self.owed - self.donated, 0)

    @property
    def ahead(self) -> int:
        """Units handed over beyond what is owed (sales later refunded): the next sales owe
        nothing until they are covered."""
        return max(self.donated - self.owed, 0)

    def at(self, site_id: int) -> tuple[int, int, int]:
        owed, given = self.by_site.get(site_id, [0, 0])
        return owed, given, max(owed - given, 0)


def figures(campaign_list: list[Campaign], site_ids: list[int] | None = None) -> dict[int, Figures]:
    """campaign id → its figures over ``site_ids`` (None: every site)."""
    ids = [c.id for c in campaign_list]
    out = {cid: Figures() for cid in ids}
    if not ids:
        return out
    sold, back = _sold(ids, site_ids), _refunded(ids, site_ids)
    given = campaigns.donated(ids, site_ids)
    for (cid, sid), qty in sold.items():
        out[cid].by_site.setdefault(sid, [0, 0])[0] += qty - back.get((cid, sid), 0)
    for (cid, sid), qty in given.items():
        out[cid].by_site.setdefault(sid, [0, 0])[1] += qty
    for f in out.values():
        f.owed = sum(v[0] for v in f.by_site.values())
        f.donated = sum(v[1] for v in f.by_site.values())
    return out


def outstanding_at(campaign: Campaign, site_id: int) -> int:
    return figures([campaign], [site_id])[campaign.id].at(site_id)[2]


@dataclass(frozen=True)
class DayRow:
    day: date
    site_id: int
    sold: int
    refunded: int

    @property
    def owed(self) -> int:
        return self.sold - self.refunded


def by_day(campaign_id: int, site_ids: list[int] | None = None) -> list[DayRow]:
    """Units sold per business day and site, and units refunded on that day (by the refund's
    own day), oldest first: the workbook's sales sheet."""
    sold = (
        select(Sale.business_day, Sale.site_id, func.sum(SaleLine.qty))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(SaleLine.campaign_id == campaign_id)
        .group_by(Sale.business_day, Sale.site_id)
    )
    back = (
        select(Refund.business_day, Refund.site_id, func.sum(RefundLine.qty))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .join(
            SaleLine,
            and_(
                SaleLine.sale_id == Refund.sale_id,
                SaleLine.position == RefundLine.sale_line_position,
            ),
        )
        .where(SaleLine.campaign_id == campaign_id)
        .group_by(Refund.business_day, Refund.site_id)
    )
    if site_ids is not None:
        sold = sold.where(Sale.site_id.in_(site_ids))
        back = back.where(Refund.site_id.in_(site_ids))
    rows: dict[tuple[date, int], list[int]] = {}
    for day, sid, qty in db.session.execute(sold):
        rows.setdefault((day, sid), [0, 0])[0] += int(qty)
    for day, sid, qty in db.session.execute(back):
        rows.setdefault((day, sid), [0, 0])[1] += int(qty)
    return [DayRow(day, sid, s, r) for (day, sid), (s, r) in sorted(rows.items())]

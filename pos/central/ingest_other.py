"""stock.move, shift.opened/closed, cash.moved, fair.opened/closed, donation.recorded."""

from __future__ import annotations

import uuid

from pos.sites import site_directory

from .errors import Rejected
from .facts import CCashMove, CDonation, CShift, CStockMove
from .ingest_payloads import (
    CashMovedIn,
    DonationIn,
    FairIn,
    ShiftClosedIn,
    ShiftOpenedIn,
    StockMoveIn,
)
from .ingest_sales import local_day
from .rollups import CFair, RCampaignDay

#: the code of a stock move that names a receiving site where it must not
MALFORMED_MOVE = "malformed"

_SHIFT_CLOSE = (
    "closed_at",
    "counted_cash",
    "expected_cash",
    "over_short",
    "cash_sales",
    "cash_refunds",
    "sales",
    "refunds",
    "discounts",
)


def _stock_move(site, event, p: StockMoveIn, ids, out) -> None:
    product = ids.product(p.product_uid)
    day = local_day(p.at)
    arrival = _arrival_site(site, p)
    row = {
        "site_id": site.id,
        "day": day,
        "id": p.id,
        "product_id": product.id,
        "qty": p.qty,
        "reason": p.reason,
        "ref": p.ref,
        "note": p.note,
        "at": p.at,
    }
    out.fact(CStockMove.__table__, row)
    out.stock.append((site.id, product.id, p.qty, p.at))
    if arrival is not None:  # the goods reach the other site in the same event
        arrival_id = p.arrival_id or str(uuid.uuid5(uuid.NAMESPACE_OID, f"{p.id}:transfer_in"))
        moved_in = {**row, "site_id": arrival, "id": arrival_id, "qty": -p.qty}
        out.fact(CStockMove.__table__, {**moved_in, "reason": "transfer_in"})
        out.stock.append((arrival, product.id, -p.qty, p.at))


def _arrival_site(site, p: StockMoveIn) -> int | None:
    """The receiving site's id of a transfer_out that names one; refuses a name that is not
    a transfer's, the sender itself or a site central does not know."""
    if p.to_site is None:
        return None
    if p.reason != "transfer_out" or p.qty >= 0 or p.to_site == site.code:
        raise Rejected(MALFORMED_MOVE, "받는 매장은 다른 매장으로 보내는 이동에만 적습니다")
    target = site_directory().by_code(p.to_site)
    if target is None:
        raise Rejected("unknown_site", f"중앙에 없는 받는 매장입니다 ({p.to_site[:40]})")
    return target.id


def _shift_row(site, p, **more) -> dict:
    row = {
        "site_id": site.id,
        "day": local_day(p.opened_at),
        "id": p.id,
        "opened_at": p.opened_at,
        "opening_float": p.opening_float,
        **{c: None for c in _SHIFT_CLOSE},
    }
    row.update(more)
    return row


def _shift_opened(site, event, p: ShiftOpenedIn, ids, out) -> None:
    from .ingest import Merge

    row = _shift_row(site, p, username=p.user)
    out.days.add(row["day"])
    out.merges.append(Merge(CShift.__table__, row, ("site_id", "day", "id"), ()))


def _shift_closed(site, event, p: ShiftClosedIn, ids, out) -> None:
    from .ingest import Merge

    row = _shift_row(site, p, username=p.username, **{c: getattr(p, c) for c in _SHIFT_CLOSE})
    out.days.add(row["day"])
    out.merges.append(Merge(CShift.__table__, row, ("site_id", "day", "id"), _SHIFT_CLOSE))


def _cash_moved(site, event, p: CashMovedIn, ids, out) -> None:
    out.fact(
        CCashMove.__table__,
        {
            "site_id": site.id,
            "day": local_day(p.created_at),
            "id": p.id,
            "shift_id": p.shift_id,
            "kind": p.kind,
            "amount": p.amount,
            "reason": p.reason,
            "username": p.user,
            "at": p.created_at,
        },
    )


def _fair(site, event, p: FairIn, ids, out) -> None:
    from .ingest import Merge

    closed = p.state == "closed"
    row = {
        "site_id": site.id,
        "code": p.code,
        "name": p.name,
        "date": p.date,
        "place": p.place,
        "state": p.state,
        "opened_at": p.opened_at,
        "closed_at": p.closed_at,
        "gross": p.gross or 0,
        "sales": p.sales or 0,
        "vendors": p.vendors or 0,
    }
    update = ("code", "name", "date", "place", "state", "opened_at", "closed_at")
    if closed:
        update += ("gross", "sales", "vendors")
    out.merges.append(Merge(CFair.__table__, row, ("site_id",), update))


def _donation(site, event, p: DonationIn, ids, out) -> None:
    campaign_id = ids.campaign(p.campaign)
    product_id = ids.product(p.product_uid).id if p.product_uid else None
    out.fact(
        CDonation.__table__,
        {
            "site_id": site.id,
            "day": p.day,
            "id": p.id,
            "campaign_id": campaign_id,
            "product_id": product_id,
            "qty": p.qty,
            "recipient": p.recipient,
        },
    )
    out.add(
        RCampaignDay.__table__, site_id=site.id, day=p.day, campaign_id=campaign_id, donated=p.qty
    )


HANDLERS = {
    "stock.move": (StockMoveIn, _stock_move),
    "shift.opened": (ShiftOpenedIn, _shift_opened),
    "shift.closed": (ShiftClosedIn, _shift_closed),
    "cash.moved": (CashMovedIn, _cash_moved),
    "fair.opened": (FairIn, _fair),
    "fair.closed": (FairIn, _fair),
    "donation.recorded": (DonationIn, _donation),
}

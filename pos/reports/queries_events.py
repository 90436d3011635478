"""The dashboard's fair summaries and 만원의 행복 donations, over ``c_fairs`` and the campaign
rollups (split from :mod:`pos.reports.queries` to keep files short)."""

from __future__ import annotations

from sqlalchemy import and_, func, select

from pos.db import db

from .filters import Filters
from .queries import _day_text, _site, table
from .sources import something, source

FAIR_STATES = {"planned": "준비", "open": "진행 중", "closed": "마감"}


def fairs(f: Filters) -> list[dict]:
    """The fairs held in the range at sites in scope: gross, sales and vendors."""
    t = table("c_fairs")
    clauses = [t.c.date >= f.start, t.c.date <= f.end]
    if not f.all_sites:
        clauses.append(t.c.site_id.in_(f.site_ids))
    stmt = select(t).where(and_(*clauses)).order_by(t.c.date, t.c.code)
    return [
        {
            "code": r.code,
            "name": r.name,
            "date": _day_text(r.date),
            "place": r.place or "",
            "state": r.state,
            "state_label": FAIR_STATES.get(r.state, r.state),
            "gross": int(r.gross or 0),
            "sales": int(r.sales or 0),
            "vendors": int(r.vendors or 0),
        }
        for r in db.session.execute(stmt)
    ]


def donations(f: Filters) -> list[dict]:
    """만원의 행복: units sold that owe a donation beside units given, per site and campaign."""
    t, where = source("r_campaign_day", f)
    c = table("campaigns")
    sold, given = func.sum(t.c.sold).label("sold"), func.sum(t.c.donated).label("donated")
    stmt = (
        select(t.c.site_id, c.c.name, c.c.unit, sold, given)
        .select_from(t)
        .join(c, c.c.id == t.c.campaign_id)
        .where(where)
        .group_by(t.c.site_id, c.c.id, c.c.name, c.c.unit)
        .having(something(t, "sold", "donated"))
    )
    rows = []
    for r in db.session.execute(stmt):
        code, name = _site(r.site_id)
        sold_n, given_n = int(r.sold or 0), int(r.donated or 0)
        rows.append(
            {
                "site": code,
                "site_name": name,
                "campaign": r.name,
                "unit": r.unit,
                "sold": sold_n,
                "donated": given_n,
                "owed": max(sold_n - given_n, 0),
            }
        )
    return sorted(rows, key=lambda r: (r["campaign"], r["site"]))

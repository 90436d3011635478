"""A fair's plan in the pull document: when a token's site is a fair that central has planned,
the document carries its event details and the vendors' booths, so a fair tablet made with
only ``pos init`` knows the fair. Its state (open, closed) is the tablet's own and flows up as
events; the plan is applied only while the fair here is still planned."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from inventory.fairs.models import Fair, FairState, FairVendor
from inventory.models import Vendor
from pos.db import db
from pos.sites import Site


class FairVendorDoc(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    brn: str = Field(min_length=10, max_length=10)
    booth: str = ""
    commission_bp: int | None = Field(default=None, ge=0, le=10000)
    sort: int = 0


class FairDoc(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    place: str = ""
    date: str
    opens: str = Field(max_length=5)
    closes: str = Field(max_length=5)
    rain_date: str | None = None
    commission_bp: int = Field(default=0, ge=0, le=10000)
    payment_methods: str = ""
    vendors: list[FairVendorDoc] = []


def fair_block(site: Site) -> dict | None:
    """Central: the fair's plan, or None for a café or a fair not planned here."""
    fair = db.session.get(Fair, site.id) if site.kind == "fair" else None
    if fair is None:
        return None
    rows = db.session.execute(
        select(FairVendor, Vendor.brn)
        .join(Vendor, Vendor.id == FairVendor.vendor_id)
        .where(FairVendor.site_id == site.id)
        .order_by(FairVendor.sort, Vendor.brn)
    )
    return {
        "place": fair.place or "",
        "date": fair.date.isoformat(),
        "opens": fair.opens,
        "closes": fair.closes,
        "rain_date": fair.rain_date.isoformat() if fair.rain_date else None,
        "commission_bp": fair.commission_bp or 0,
        "payment_methods": fair.payment_methods or "",
        "vendors": [
            {
                "brn": brn,
                "booth": fv.booth or "",
                "commission_bp": fv.commission_bp,
                "sort": fv.sort,
            }
            for fv, brn in rows
        ],
    }


def check_fair(doc: FairDoc) -> tuple[date, date | None]:
    """The dates, or ValueError (the caller refuses the whole document)."""
    day = date.fromisoformat(doc.date)
    rain = date.fromisoformat(doc.rain_date) if doc.rain_date else None
    return day, rain


def apply_fair(doc: FairDoc, site: Site, vendors: dict[str, Vendor]) -> int:
    """Branch: make the fair if missing, take central's plan while it is planned here."""
    day, rain = check_fair(doc)
    fair = db.session.get(Fair, site.id)
    if fair is None:
        fair = Fair(site_id=site.id, state=FairState.PLANNED.value)
        db.session.add(fair)
    elif fair.state != FairState.PLANNED.value:
        return 0
    changed = 0
    plan = {
        "place": doc.place,
        "date": day,
        "opens": doc.opens,
        "closes": doc.closes,
        "rain_date": rain,
        "commission_bp": doc.commission_bp,
        "payment_methods": doc.payment_methods,
    }
    for key, value in plan.items():
        if getattr(fair, key) != value:
            setattr(fair, key, value)
            changed = 1
    db.session.flush()
    for v in doc.vendors:
        vendor = vendors[v.brn]
        row = db.session.get(FairVendor, (site.id, vendor.id))
        if row is None:
            row = FairVendor(site_id=site.id, vendor_id=vendor.id)
            db.session.add(row)
        for key in ("booth", "commission_bp", "sort"):
            if getattr(row, key) != getattr(v, key):
                setattr(row, key, getattr(v, key))
                changed = 1
    db.session.flush()
    return changed

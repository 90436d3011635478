"""``GET /api/sync/status`` (central): each site's last contact and how far behind it is.

``lag_seconds`` is how old central's picture of a site is, in seconds:
- while the branch's last push said events still wait there (``pending`` > 0): now − the
  branch time of the newest event central has from it (catching up: shrinks as batches land);
- otherwise: at the last push, central's receive time − the branch time of the newest event
  in it (the delivery delay; a few seconds while the line is up);
- None before central has any event of the site.
A site is ``silent`` when it is open (a shift or a fair open) and central has heard nothing
from it (no push, no pull) for ``SYNC_SILENT_MINUTES``: a closed café is silent by design."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from pydantic import BaseModel
from sqlalchemy import select

from pos.api import endpoint
from pos.auth.service import roles_required
from pos.central.ledger import SyncSite
from pos.db import db, utcnow
from pos.sites import Site

#: who sees the sync status of sites
VIEWERS = ("manager", "admin")

bp = Blueprint("central_status", __name__, url_prefix="/api")


@dataclass
class SiteStatus:
    site: str
    name: str
    kind: str
    last_push_at: datetime | None
    last_pull_at: datetime | None
    events: int
    rejected: int
    pending: int | None
    high_water: int
    lag_seconds: int | None
    open: bool
    silent: bool
    last_error: str | None

    @property
    def last_contact(self) -> datetime | None:
        times = [t for t in (self.last_push_at, self.last_pull_at) if t is not None]
        return max(times) if times else None

    def as_json(self) -> dict:
        def iso(value):
            return value.isoformat() + "Z" if value is not None else None

        return {
            "site": self.site,
            "name": self.name,
            "kind": self.kind,
            "last_push_at": iso(self.last_push_at),
            "last_pull_at": iso(self.last_pull_at),
            "events": self.events,
            "rejected": self.rejected,
            "pending": self.pending,
            "high_water": self.high_water,
            "lag_seconds": self.lag_seconds,
            "open": self.open,
            "silent": self.silent,
        }


def _open_site_ids() -> set[int]:
    try:
        from pos.central.facts import open_site_ids
    except ImportError:  # pragma: no cover (facts is part of central)
        return set()
    return open_site_ids()


def lag_of(ledger: SyncSite | None, now: datetime) -> int | None:
    if ledger is None or ledger.last_event_at is None:
        return None
    if ledger.pending:
        return max(0, int((now - ledger.last_event_at).total_seconds()))
    return ledger.lag_seconds


def site_statuses(user=None) -> list[SiteStatus]:
    """Every active site the user may see (a manager with a site: only it), in code order."""
    user = user or current_user
    query = select(Site, SyncSite).outerjoin(SyncSite, SyncSite.site_id == Site.id)
    query = query.where(Site.active.is_(True)).order_by(Site.code)
    if getattr(user, "site_id", None):
        query = query.where(Site.id == user.site_id)
    now = utcnow()
    silent_after = timedelta(minutes=current_app.config["SYNC_SILENT_MINUTES"])
    open_ids = _open_site_ids()
    out = []
    for site, ledger in db.session.execute(query).all():
        is_open = site.id in open_ids
        contact = [
            t
            for t in (ledger and ledger.last_push_at, ledger and ledger.last_pull_at)
            if t is not None
        ]
        last = max(contact) if contact else None
        out.append(
            SiteStatus(
                site=site.code,
                name=site.name,
                kind=site.kind,
                last_push_at=ledger.last_push_at if ledger else None,
                last_pull_at=ledger.last_pull_at if ledger else None,
                events=ledger.events if ledger else 0,
                rejected=ledger.rejected if ledger else 0,
                pending=ledger.pending if ledger else None,
                high_water=ledger.high_water if ledger else 0,
                lag_seconds=lag_of(ledger, now),
                open=is_open,
                silent=is_open and (last is None or now - last > silent_after),
                last_error=ledger.last_error if ledger else None,
            )
        )
    return out


class SiteStatusOut(BaseModel):
    site: str
    name: str
    kind: str
    last_push_at: str | None
    last_pull_at: str | None
    events: int
    rejected: int
    pending: int | None
    high_water: int
    lag_seconds: int | None
    open: bool
    silent: bool


class SyncStatusOut(BaseModel):
    sites: list[SiteStatusOut]


@endpoint(
    "/sync/status",
    "GET",
    blueprint=bp,
    response=SyncStatusOut,
    summary="Each site's last push and pull, events, lag and whether it is silent (central)",
)
@roles_required(*VIEWERS)
def sync_status():
    return jsonify({"sites": [s.as_json() for s in site_statuses()]})


def init_app(app) -> None:
    if app.config["POS_ROLE"] == "central":
        app.register_blueprint(bp)

"""Sites (branch cafés, fairs, store rooms) and which one a request works for.

Part of the kernel: auth, sales and inventory all need the site, so it lives below them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db
from pos.enums import check_in, values
from pos.versions import TokenCache, version_column, versioned, watch

if TYPE_CHECKING:
    from inventory.models import Vendor


class SiteKind(StrEnum):
    CAFE = "cafe"
    FAIR = "fair"
    WAREHOUSE = "warehouse"


SITE_KINDS = values(SiteKind)


class Site(db.Model):
    """A branch café, a fair, or a store room: where sales happen and stock lives."""

    __tablename__ = "sites"
    __table_args__ = (check_in("kind", SiteKind, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: one of SiteKind
    kind: Mapped[str] = mapped_column(String(16), default=SiteKind.CAFE.value)
    #: the operator and, at cafés, the legal seller on every receipt
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: sell past zero (made-to-order shops that count later)
    allow_negative_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: extra lines printed under the seller's details (e.g. 영업시간, Wi-Fi), one per line
    receipt_header: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: lines printed at the bottom of every receipt (e.g. 감사합니다, 교환·환불 안내)
    receipt_footer: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: this site's receipt printer; overrides ``PRINTER_URL`` when set
    printer_url: Mapped[str | None] = mapped_column(String(300))
    #: a discount over this percent of the amount needs a manager's PIN (None: never)
    discount_approval_pct: Mapped[int | None] = mapped_column(
        Integer, default=10, server_default="10"
    )

    #: catalog version of the last change that flows down to branches (see pos.versions)
    version: Mapped[int] = version_column()

    vendor: Mapped[Vendor] = relationship("Vendor")


watch(Site)
#: the printer is the branch's own hardware: it does not flow down
versioned(Site, "site", lambda s: s.code, local=("printer_url",))


@dataclass(frozen=True)
class SiteInfo:
    """What a request knows of a site; safe to share between threads."""

    id: int
    code: str
    name: str
    kind: str
    vendor_id: int
    allow_negative_stock: bool
    active: bool
    receipt_header: str = ""
    receipt_footer: str = ""
    printer_url: str | None = None
    discount_approval_pct: int | None = 10


@dataclass
class SiteDirectory:
    token: str | None
    sites: dict[int, SiteInfo] = field(default_factory=dict)

    def get(self, site_id: int | None) -> SiteInfo | None:
        return self.sites.get(site_id) if site_id is not None else None

    def by_code(self, code: str) -> SiteInfo | None:
        return next((s for s in self.sites.values() if s.code == code), None)

    def first_active(self) -> SiteInfo | None:
        return next((s for _, s in sorted(self.sites.items()) if s.active), None)


def _build(token: str | None) -> SiteDirectory:
    directory = SiteDirectory(token)
    for s in db.session.scalars(select(Site)):
        directory.sites[s.id] = SiteInfo(
            s.id,
            s.code,
            s.name,
            s.kind,
            s.vendor_id,
            s.allow_negative_stock,
            s.active,
            s.receipt_header or "",
            s.receipt_footer or "",
            s.printer_url or None,
            s.discount_approval_pct,
        )
    return directory


_directory = TokenCache("site_directory", _build)


def site_directory() -> SiteDirectory:
    """Every site, rebuilt only when the catalog token changes (one SELECT otherwise)."""
    return _directory.get()

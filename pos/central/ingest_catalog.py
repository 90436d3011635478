"""Identity keys → this database's ids, for ingest: product uid, vendor brn, campaign name.

One per-process copy per database, rebuilt when the catalog token changes (``pos.versions``),
so resolving a batch of 200 sales costs one SELECT of the token, not one per line. A key not in
the copy rebuilds it once more before it is refused (a row added without a token change)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from inventory.campaigns.models import Campaign
from inventory.models import Product, Vendor
from pos.db import db
from pos.versions import TokenCache

from .errors import Rejected


@dataclass(frozen=True)
class ProductRef:
    id: int
    vendor_id: int
    campaign_id: int | None


@dataclass
class Ids:
    products: dict[str, ProductRef] = field(default_factory=dict)
    vendors: dict[str, int] = field(default_factory=dict)
    campaigns: dict[str, int] = field(default_factory=dict)


def _build(_token: str | None) -> Ids:
    ids = Ids()
    rows = db.session.execute(
        select(Product.uid, Product.id, Product.vendor_id, Product.campaign_id)
    )
    ids.products = {uid: ProductRef(pid, vid, cid) for uid, pid, vid, cid in rows}
    ids.vendors = {brn: vid for brn, vid in db.session.execute(select(Vendor.brn, Vendor.id))}
    ids.campaigns = {n: cid for n, cid in db.session.execute(select(Campaign.name, Campaign.id))}
    return ids


_cache = TokenCache("central_ingest_ids", _build)


class Resolver:
    """Looks keys up in the cached copy; on a miss, in a fresh one (once per resolver)."""

    def __init__(self) -> None:
        self.ids = _cache.get()
        self.fresh = False

    def _refresh(self) -> bool:
        if self.fresh:
            return False
        self.ids = _build(None)
        self.fresh = True
        return True

    def product(self, uid: str, sku: str = "") -> ProductRef:
        found = self.ids.products.get(uid)
        if found is None and self._refresh():
            found = self.ids.products.get(uid)
        if found is None:
            what = f" ({sku})" if sku else ""
            raise Rejected("unknown_product", f"중앙 상품 목록에 없는 상품입니다{what}")
        return found

    def vendor(self, brn: str) -> int:
        found = self.ids.vendors.get(brn)
        if found is None and self._refresh():
            found = self.ids.vendors.get(brn)
        if found is None:
            raise Rejected("unknown_vendor", f"중앙에 등록되지 않은 공급자입니다 ({brn})")
        return found

    def campaign(self, name: str) -> int:
        found = self.ids.campaigns.get(name)
        if found is None and self._refresh():
            found = self.ids.campaigns.get(name)
        if found is None:
            raise Rejected("unknown_campaign", f"중앙에 없는 캠페인입니다 ({name})")
        return found

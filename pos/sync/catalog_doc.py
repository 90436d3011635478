"""The shape of the pull document (``GET /api/sync/catalog``) as the branch checks it before
applying anything: a document that does not fit is refused whole."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .fair_doc import FairDoc


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


UID = Field(min_length=1, max_length=36)


class SiteDoc(_Row):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(max_length=120)
    kind: str
    vendor_brn: str = Field(min_length=10, max_length=10)
    address: str = ""
    phone: str = ""
    allow_negative_stock: bool = False
    active: bool = True
    receipt_header: str = ""
    receipt_footer: str = ""
    discount_approval_pct: int | None = 10


class VendorDoc(_Row):
    brn: str = Field(min_length=10, max_length=10)
    name: str = Field(max_length=120)
    owner: str = Field(max_length=60)
    address: str = ""
    phone: str = ""
    tax_type: str = "general"
    is_example: bool = False
    active: bool = True


class CategoryDoc(_Row):
    uid: str = UID
    name: str = Field(max_length=60)
    sort: int = 0
    active: bool = True


class CampaignDoc(_Row):
    name: str = Field(min_length=1, max_length=60)
    unit: str = "개"
    recipient: str = ""
    active: bool = True


class OptionDoc(_Row):
    uid: str = UID
    name: str = Field(max_length=60)
    price_delta: int = 0
    sort: int = 0
    active: bool = True


class OptionGroupDoc(_Row):
    uid: str = UID
    name: str = Field(max_length=60)
    required: bool = False
    max_select: int = Field(default=1, ge=1)
    sort: int = 0
    active: bool = True
    options: list[OptionDoc] = []


class ProductDoc(_Row):
    uid: str = UID
    sku: str = Field(min_length=1, max_length=40)
    name: str = Field(max_length=120)
    barcode: str | None = None
    price: int = Field(ge=0)
    tax: str
    vendor_brn: str = Field(min_length=10, max_length=10)
    category_uid: str | None = None
    track_stock: bool = False
    active: bool = True
    sort: int = 0
    description: str = ""
    low_stock: int | None = None
    made_to_order: bool = False
    campaign: str | None = None
    option_group_uids: list[str] = []


class SitePriceDoc(_Row):
    product_uid: str = UID
    price: int | None = Field(default=None, ge=0)
    hidden: bool = False


class UserDoc(_Row):
    username: str = Field(min_length=1, max_length=60)
    display_name: str = Field(max_length=60)
    role: str
    site: str | None = None
    pin_hash: str | None = None
    password_hash: str | None = None
    active: bool = True


class DeletedDoc(_Row):
    kind: str
    key: str


class CatalogDoc(_Row):
    #: the version this document brings the branch to (its next pull asks since=version)
    version: int = Field(ge=0)
    #: the version it was asked for
    since: int = 0
    site: SiteDoc | None = None
    vendors: list[VendorDoc] = []
    categories: list[CategoryDoc] = []
    campaigns: list[CampaignDoc] = []
    option_groups: list[OptionGroupDoc] = []
    products: list[ProductDoc] = []
    site_prices: list[SitePriceDoc] = []
    users: list[UserDoc] = []
    deleted: list[DeletedDoc] = []
    #: a fair site's plan (event details, booths); None for a café
    fair: FairDoc | None = None


#: what a person calls each part of the document (error messages name it, never a path)
PART_LABELS = {
    "version": "버전",
    "site": "매장",
    "vendors": "공급자",
    "categories": "분류",
    "campaigns": "캠페인",
    "option_groups": "옵션 그룹",
    "products": "상품",
    "site_prices": "매장 가격",
    "users": "사용자",
    "deleted": "삭제 목록",
    "fair": "행사",
}

"""Catalog and stock tables. On-hand is kept beside the append-only ledger in one transaction."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos.db import db, new_id, utcnow
from pos.enums import check_in, values
from pos.sites import SITE_KINDS, Site  # noqa: F401  (sites live in the kernel; re-exported)
from pos.versions import uid_column, version_column, versioned


class ProductTax(StrEnum):
    TAXABLE = "taxable"  #: 과세
    EXEMPT = "exempt"  #: 면세


class MoveReason(StrEnum):
    """Why a stock move happened; the ledger is append-only, so every change has one."""

    RECEIVE = "receive"
    SALE = "sale"
    REFUND = "refund"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUST = "adjust"
    COUNT = "count"
    WASTE = "waste"
    CONSIGN_IN = "consign_in"
    CONSIGN_RETURN = "consign_return"
    DONATION = "donation"  #: 만원의 행복: units handed over to the campaign's recipient


PRODUCT_TAX = values(ProductTax)
MOVE_REASONS = values(MoveReason)


class Vendor(db.Model):
    __tablename__ = "vendors"
    __table_args__ = (CheckConstraint("length(brn) = 10", name="brn_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 상호
    name: Mapped[str] = mapped_column(String(120))
    #: 대표자
    owner: Mapped[str] = mapped_column(String(60))
    #: 사업자등록번호, ten digits without dashes, check digit verified on the way in
    brn: Mapped[str] = mapped_column(String(10), unique=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: one of TAX_TYPES
    tax_type: Mapped[str] = mapped_column(String(20), default="general")
    #: demo data: the number is an example, not a real registration
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    #: deactivated vendors stay for the sales that name them; nothing with sales is deleted
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: catalog version of the last change that flows down to branches (see pos.versions)
    version: Mapped[int] = version_column()


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: identity key, the same on central and every branch (local ids never cross the wire)
    uid: Mapped[str] = uid_column()
    name: Mapped[str] = mapped_column(String(60), unique=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    #: catalog version of the last change that flows down to branches (see pos.versions)
    version: Mapped[int] = version_column()


product_option_groups = Table(
    "product_option_groups",
    db.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("option_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("sort", Integer, nullable=False, default=0),
)


class OptionGroup(db.Model):
    """HOT/ICE (required, pick one), size, 샷 추가 (pick several)."""

    __tablename__ = "option_groups"
    __table_args__ = (CheckConstraint("max_select >= 1", name="max_select"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: identity key, the same on central and every branch
    uid: Mapped[str] = uid_column()
    name: Mapped[str] = mapped_column(String(60))
    #: a sale must pick at least one option of a required group
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    #: how many picks (counting repeats, e.g. 샷 추가 ×2) one line may have in this group
    max_select: Mapped[int] = mapped_column(Integer, default=1)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    #: catalog version of the last change that flows down to branches (see pos.versions)
    version: Mapped[int] = version_column()

    options: Mapped[list[Option]] = relationship(
        back_populates="group", order_by="Option.sort, Option.id"
    )


class Option(db.Model):
    __tablename__ = "options"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: identity key, the same on central and every branch
    uid: Mapped[str] = uid_column()
    group_id: Mapped[int] = mapped_column(ForeignKey("option_groups.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    #: won added to the unit price (may be negative, e.g. a smaller size)
    price_delta: Mapped[int] = mapped_column(BigInteger, default=0)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: catalog version of the last change that flows down to branches (see pos.versions)
    version: Mapped[int] = version_column()

    group: Mapped[OptionGroup] = relationship(back_populates="options")


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_nonneg"),
        check_in("tax", ProductTax, "tax"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: identity key, the same on central and every branch (sale events name products by it)
    uid: Mapped[str] = uid_column()
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    #: VAT-inclusive price in won
    price: Mapped[int] = mapped_column(BigInteger)
    #: 과세 (taxable) or 면세 (exempt)
    tax: Mapped[str] = mapped_column(String(10), default="taxable")
    #: the 자활기업/센터 that makes or brings it; the seller of record at a fair
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    barcode: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: services and made-to-order drinks need no stock
    track_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    #: marked sold out by hand (e.g. out of milk), whatever the stock says
    sold_out: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    #: warn when on-hand falls to this or below (a site's own threshold wins); None = never
    low_stock: Mapped[int | None] = mapped_column(Integer)
    #: made to order (drinks): a bar ticket prints and the order board shows it
    made_to_order: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: 만원의 행복: each unit sold owes one to this campaign's donation
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    #: catalog version of the last change that flows down to branches (see pos.versions)
    version: Mapped[int] = version_column()

    category: Mapped[Category | None] = relationship()
    vendor: Mapped[Vendor] = relationship()
    option_groups: Mapped[list[OptionGroup]] = relationship(
        secondary=product_option_groups, order_by="OptionGroup.sort, OptionGroup.id"
    )


class SiteProduct(db.Model):
    """A product's terms at one site: its own price, hidden there, 품절 for the day, and the
    low-stock threshold. No row means the product's defaults."""

    __tablename__ = "site_products"
    __table_args__ = (
        CheckConstraint("price is null or price >= 0", name="price_nonneg"),
        CheckConstraint("low_stock is null or low_stock >= 0", name="low_stock_nonneg"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    #: VAT-inclusive price in won at this site; None = the product's price
    price: Mapped[int | None] = mapped_column(BigInteger)
    #: not offered at this site (the cashier screen does not show it)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 품절 on this local (Asia/Seoul) day only; the next day it sells again by itself
    sold_out_on: Mapped[date | None] = mapped_column(Date)
    #: warn when on-hand falls to this or below; None = the product's threshold
    low_stock: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    #: catalog version of the last price or hidden change (the 품절 day and threshold stay here)
    version: Mapped[int] = version_column()


def _site_price_key(row: SiteProduct) -> str:
    site, product = db.session.get(Site, row.site_id), db.session.get(Product, row.product_id)
    return f"{site.code if site else row.site_id}:{product.uid if product else row.product_id}"


versioned(Vendor, "vendor", lambda v: v.brn, local=("created_at",))
versioned(Category, "category", lambda c: c.uid)
versioned(OptionGroup, "option_group", lambda g: g.uid)
versioned(Option, "option", lambda o: o.uid, parent=lambda o: o.group)
versioned(Product, "product", lambda p: p.uid, local=("sold_out",))
versioned(
    SiteProduct,
    "site_price",
    _site_price_key,
    local=("sold_out_on", "low_stock", "updated_at"),
    new_if=lambda row: row.price is not None or bool(row.hidden),
)


class StockLevel(db.Model):
    """On-hand per site and product; always equals the sum of that pair's ledger moves."""

    __tablename__ = "stock_levels"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StockMove(db.Model):
    """Append-only ledger row. Never updated or deleted; corrections are new moves."""

    __tablename__ = "stock_moves"
    __table_args__ = (
        CheckConstraint("qty <> 0", name="qty_nonzero"),
        check_in("reason", MoveReason, "reason"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    #: signed: negative leaves the site
    qty: Mapped[int] = mapped_column(BigInteger)
    #: one of MoveReason
    reason: Mapped[str] = mapped_column(String(20))
    #: what caused it, e.g. "sale:<uuid>"
    ref: Mapped[str] = mapped_column(String(80), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


# the campaigns table is a foreign key target of products: make sure it is always declared
from .campaigns import models as _campaign_models  # noqa: E402,F401

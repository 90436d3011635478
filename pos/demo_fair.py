"""The demo fair: 2024 경남 자활생산물품 하루장터 (newsletter in shared/seeds), checked in and
signed so that ``make run`` shows a fair ready to open (state planned).

Vendors are named after the 지역자활센터 of 경남 in the newsletter; every 사업자등록번호 is an
EXAMPLE with a valid check digit (``is_example``). Idempotent: what exists is kept.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from inventory.fairs.models import Fair, FairVendor
from inventory.fairs.service import add_fair_row, check_in, set_vendor
from inventory.models import Category, Product, Site, SiteProduct, Vendor
from inventory.vendors import make_brn

from .db import db
from .versions import natural_uid

FAIR_CODE = "GN-FAIR"
ORGANISER_BRN9 = "608820001"  #: 경남광역자활센터 (pos.demo.VENDORS)
EVENT = {
    "place": "경남도청 신관 앞",
    "date": date(2024, 5, 3),
    "opens": "10:00",
    "closes": "17:00",
    "rain_date": date(2024, 5, 2),
    "commission_bp": 1000,  # 10 %
}

#: (first nine BRN digits, 상호, 대표자, address, phone); the first three exist in pos.demo
VENDORS = [
    ("608820004", "산청지역자활센터", "산청우", "경상남도 산청군 산청읍 중앙로 1", "055-210-4000"),
    ("608820005", "밀양지역자활센터", "박밀양", "경상남도 밀양시", "055-210-5000"),
    ("608820006", "함안지역자활센터", "조함안", "경상남도 함안군", "055-210-6000"),
    ("608820002", "김해지역자활센터", "김해진", "경상남도 김해시 김해대로 2401", "055-210-2000"),
    ("608820003", "마산지역자활센터", "문마산", "경상남도 창원시 마산합포구 3·15대로 1", ""),
    ("608820007", "함양지역자활센터", "정함양", "경상남도 함양군", "055-210-7000"),
    ("608820008", "거제지역자활센터", "윤거제", "경상남도 거제시", "055-210-8000"),
    ("608820009", "합천지역자활센터", "한합천", "경상남도 합천군", "055-210-9000"),
    ("608820010", "하동지역자활센터", "강하동", "경상남도 하동군", "055-211-0000"),
]

#: booth per vendor (same order) and a commission of its own where it differs from 10 %
BOOTHS = ["A-1", "A-2", "A-3", "A-4", "A-5", "B-1", "B-2", "B-3", "B-4"]
OWN_COMMISSION = {"김해지역자활센터": "5", "거제지역자활센터": "7.5"}

#: vendor → [(sku, name, category, price, tax, consigned qty, low-stock threshold)]
PRODUCTS = {
    "산청지역자활센터": [
        ("GNF-SC1", "산청 건표고버섯 100g", "농산물", 12000, "exempt", 30, 5),
        ("GNF-SC2", "산청 곶감 선물세트", "농산물", 25000, "exempt", 12, 3),
        ("GNF-SC3", "표고버섯 가루 80g", "먹거리", 8000, "taxable", 20, None),
    ],
    "밀양지역자활센터": [
        ("GNF-MY1", "밀양 얼음골 사과즙 15포", "먹거리", 15000, "taxable", 20, 4),
        ("GNF-MY2", "밀양 대추 500g", "농산물", 10000, "exempt", 25, None),
        ("GNF-MY3", "쑥떡 한 팩", "먹거리", 5000, "taxable", 40, 8),
    ],
    "함안지역자활센터": [
        ("GNF-HA1", "함안 수박잼 240g", "먹거리", 7000, "taxable", 24, None),
        ("GNF-HA2", "천연 수제 비누", "생활용품", 6000, "taxable", 30, 5),
        ("GNF-HA3", "함안 찹쌀 4kg", "농산물", 20000, "exempt", 10, 2),
    ],
    "김해지역자활센터": [
        ("GNF-GH1", "참기름 300ml", "먹거리", 13000, "taxable", 24, 4),
        ("GNF-GH2", "들기름 300ml", "먹거리", 15000, "taxable", 18, 4),
        ("GNF-GH3", "김해 단감 2kg", "농산물", 12000, "exempt", 15, None),
        ("GNF-GH4", "가래떡 1kg", "먹거리", 7000, "taxable", 20, 5),
    ],
    "마산지역자활센터": [
        ("GNF-MS1", "EM 비누 3개 세트", "생활용품", 9000, "taxable", 20, None),
        ("GNF-MS2", "업사이클 에코백", "생활용품", 12000, "taxable", 15, 3),
        ("GNF-MS3", "천연 수세미 2개", "생활용품", 3000, "taxable", 50, 10),
    ],
    "함양지역자활센터": [
        ("GNF-HY1", "지리산 야생화꿀 500g", "먹거리", 18000, "taxable", 12, 3),
        ("GNF-HY2", "함양 건고사리 100g", "농산물", 9000, "exempt", 20, None),
        ("GNF-HY3", "오미자청 500ml", "먹거리", 15000, "taxable", 15, None),
    ],
    "거제지역자활센터": [
        ("GNF-GJ1", "거제 건멸치 300g", "농산물", 14000, "exempt", 20, 4),
        ("GNF-GJ2", "거제 건미역 200g", "농산물", 8000, "exempt", 25, None),
        ("GNF-GJ3", "유자청 500g", "먹거리", 10000, "taxable", 18, None),
    ],
    "합천지역자활센터": [
        ("GNF-HC1", "합천 햅쌀 4kg", "농산물", 16000, "exempt", 10, 2),
        ("GNF-HC2", "수제 한과 세트", "먹거리", 12000, "taxable", 15, None),
        ("GNF-HC3", "황토 천연염색 손수건", "생활용품", 5000, "taxable", 30, None),
    ],
    "하동지역자활센터": [
        ("GNF-HD1", "하동 녹차 티백 25개", "먹거리", 8000, "taxable", 30, None),
        ("GNF-HD2", "하동 매실청 500ml", "먹거리", 15000, "taxable", 12, 3),
        ("GNF-HD3", "하동 건취나물 100g", "농산물", 9000, "exempt", 15, None),
    ],
}
CATEGORIES = {"농산물": "장터 농산물", "먹거리": "장터 먹거리", "생활용품": "장터 생활용품"}


def _consignment_id(vendor_name: str) -> str:
    """The same id on every run, so loading the demo twice books the goods once."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kkumideun-demo/gn-fair/{vendor_name}"))


def _vendor(first9: str, name: str, owner: str, address: str, phone: str) -> Vendor:
    brn = make_brn(first9)
    vendor = db.session.execute(select(Vendor).where(Vendor.brn == brn)).scalar_one_or_none()
    if vendor is None:
        vendor = Vendor(
            brn=brn,
            name=name,
            owner=owner,
            address=address,
            phone=phone,
            tax_type="general",
            is_example=True,
        )
        db.session.add(vendor)
        db.session.flush()
    return vendor


def _category(name: str, sort: int) -> Category:
    cat = db.session.execute(select(Category).where(Category.name == name)).scalar_one_or_none()
    if cat is None:
        cat = Category(uid=natural_uid("category", name), name=name, sort=sort)
        db.session.add(cat)
        db.session.flush()
    return cat


def load_demo_fair(organiser_user_id: int | None) -> str:
    """Add the fair's event row, vendors, booths, products and signed check-ins if missing."""
    site = db.session.execute(select(Site).where(Site.code == FAIR_CODE)).scalar_one_or_none()
    if site is None:
        return ""
    fair = db.session.get(Fair, site.id) or add_fair_row(site, **EVENT)
    _vendor(ORGANISER_BRN9, "경남광역자활센터", "이경남", "", "")
    cats = {key: _category(name, 100 + i) for i, (key, name) in enumerate(CATEGORIES.items())}
    elsewhere = list(db.session.scalars(select(Site.id).where(Site.kind != "fair")))
    checked_in = 0
    for (first9, name, owner, address, phone), booth in zip(VENDORS, BOOTHS, strict=True):
        vendor = _vendor(first9, name, owner, address, phone)
        if db.session.get(FairVendor, (site.id, vendor.id)) is None:
            set_vendor(fair, vendor.brn, booth, OWN_COMMISSION.get(name))
        lines = []
        for sku, pname, cat, price, tax, qty, low in PRODUCTS[name]:
            product = db.session.execute(
                select(Product).where(Product.sku == sku)
            ).scalar_one_or_none()
            if product is None:
                product = Product(
                    uid=natural_uid("product", sku),
                    sku=sku,
                    name=pname,
                    category_id=cats[cat].id,
                    price=price,
                    tax=tax,
                    vendor_id=vendor.id,
                    track_stock=True,
                    low_stock=low,
                    sort=1000 + len(lines),
                )
                db.session.add(product)
                db.session.flush()
                # fair goods stay off the cafés' screens, whatever their assortment rule
                for site_id in elsewhere:
                    db.session.add(SiteProduct(site_id=site_id, product_id=product.id, hidden=True))
            lines.append((product.id, qty))
        if fair.state == "planned":
            _c, created = check_in(
                fair,
                _consignment_id(name),
                vendor.brn,
                lines,
                user_id=organiser_user_id,
                signed_by=owner,
            )
            checked_in += created
    db.session.flush()
    return f"행사 {FAIR_CODE}: 참가 {len(VENDORS)}곳, 새 입고 {checked_in}건"

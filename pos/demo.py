"""Demo data from the newsletters in shared/seeds (places and names are real, numbers are not).

Every 사업자등록번호 here is an EXAMPLE made with a valid check digit (vendors.is_example), so
receipts look right on a test printer; replace them before going live.
"""

from __future__ import annotations

from sqlalchemy import select

from inventory.campaigns.models import Campaign
from inventory.models import Category, Option, OptionGroup, Product, Site, StockLevel, Vendor
from inventory.stock import move_stock
from inventory.vendors import make_brn

from .auth.models import User
from .db import db
from .sales.models import DiscountReason
from .versions import natural_uid

#: (key, 상호, 대표자, first nine digits of the example BRN, address, phone)
VENDORS = [
    (
        "incheon",
        "인천광역자활센터",
        "한숙희",
        "131820001",
        "인천광역시 남동구 인하로 501",
        "032-710-1000",
    ),
    (
        "yeonsu",
        "인천연수지역자활센터",
        "김연수",
        "131820002",
        "인천광역시 연수구 원인재로 115",
        "032-710-2000",
    ),
    (
        "donggu",
        "인천동구지역자활센터",
        "박동구",
        "131820003",
        "인천광역시 동구 석수로 392",
        "032-710-3000",
    ),
    (
        "bupyeong",
        "인천부평지역자활센터",
        "박은영",
        "131820004",
        "인천광역시 부평구 부평대로 165",
        "032-710-4000",
    ),
    (
        "seogu",
        "인천서구지역자활센터",
        "최서구",
        "131820005",
        "인천광역시 서구 서곶로 307",
        "032-710-5000",
    ),
    (
        "namdong",
        "인천남동지역자활센터",
        "정남동",
        "131820006",
        "인천광역시 남동구 남동대로 801",
        "032-710-6000",
    ),
    (
        "songi",
        "꿈이든일터 송이팜랜드",
        "박은영",
        "131820007",
        "인천광역시 남동구 만수동 LH 상가",
        "032-710-4100",
    ),
    (
        "gyeongnam",
        "경남광역자활센터",
        "이경남",
        "608820001",
        "경상남도 창원시 의창구 중앙대로 300",
        "055-210-1000",
    ),
    (
        "gimhae",
        "김해지역자활센터",
        "김해진",
        "608820002",
        "경상남도 김해시 김해대로 2401",
        "055-210-2000",
    ),
    (
        "masan",
        "마산지역자활센터",
        "문마산",
        "608820003",
        "경상남도 창원시 마산합포구 3·15대로 1",
        "055-210-3000",
    ),
    (
        "sancheong",
        "산청지역자활센터",
        "산청우",
        "608820004",
        "경상남도 산청군 산청읍 중앙로 1",
        "055-210-4000",
    ),
]

#: (code, name, kind, operator key, address)
SITES = [
    ("CAFE01", "꿈이든 the 카페 1호 청라호수도서관점", "cafe", "seogu", "인천 서구 청라호수도서관"),
    ("CAFE02", "꿈이든 the 카페 2호 서부여성회관점", "cafe", "seogu", "인천 서구 서부여성회관"),
    (
        "CAFE03",
        "꿈이든 the 카페 3호 인천여성의광장점",
        "cafe",
        "yeonsu",
        "인천 연수구 동춘동 인천여성의광장 1층",
    ),
    (
        "CAFE04",
        "꿈이든 the 카페 4호 북부교육문화센터점",
        "cafe",
        "bupyeong",
        "인천 부평구 북부교육문화센터",
    ),
    ("CAFE05", "꿈이든 the 카페 5호 서구서로신협점", "cafe", "seogu", "인천 서구 서로신협"),
    (
        "CAFE06",
        "꿈이든 the 카페 6호 서구사회적경제지원센터점",
        "cafe",
        "seogu",
        "인천 서구 사회적경제지원센터",
    ),
    (
        "CAFE07",
        "꿈이든 the 카페 7호 제물포스마트타운점",
        "cafe",
        "donggu",
        "인천 미추홀구 제물포스마트타운 1층",
    ),
    ("CAFE08", "꿈이든 the 카페 8호 인천여성복지관점", "cafe", "namdong", "인천 인천여성복지관"),
    ("SHOE01", "꿈이든 일터 1호 착한신발", "cafe", "yeonsu", "인천 미추홀타워 지하1층"),
    ("FARM02", "꿈이든 일터 2호 송이팜랜드", "cafe", "songi", "인천 남동구 만수동"),
    (
        "GN-FAIR",
        "경남 자활생산물품 하루장터 (경남도청 신관)",
        "fair",
        "gyeongnam",
        "경상남도청 신관 앞",
    ),
]

#: (name, required, max_select, [(option, delta)])
OPTION_GROUPS = [
    ("온도", True, 1, [("HOT", 0), ("ICE", 0)]),
    ("사이즈", False, 1, [("레귤러", 0), ("라지", 500)]),
    ("샷 추가", False, 3, [("샷 추가", 500)]),
    ("시럽", False, 2, [("바닐라 시럽", 500), ("헤이즐넛 시럽", 500)]),
]

#: (sku, name, category, price, tax, vendor key or None=site operator, groups, stock)
PRODUCTS = [
    ("C001", "아메리카노", "커피", 4500, "taxable", "incheon", ["온도", "사이즈", "샷 추가"], None),
    (
        "C002",
        "카페라떼",
        "커피",
        5000,
        "taxable",
        "incheon",
        ["온도", "사이즈", "샷 추가", "시럽"],
        None,
    ),
    ("C003", "바닐라라떼", "커피", 5500, "taxable", "incheon", ["온도", "사이즈", "샷 추가"], None),
    ("C004", "카푸치노", "커피", 5000, "taxable", "incheon", ["온도", "샷 추가"], None),
    ("C005", "에스프레소", "커피", 3500, "taxable", "incheon", ["샷 추가"], None),
    ("T001", "유자차", "차·음료", 5000, "taxable", "incheon", ["온도"], None),
    ("T002", "레몬에이드", "차·음료", 5500, "taxable", "incheon", [], None),
    ("T003", "핫초코", "차·음료", 5000, "taxable", "incheon", ["사이즈"], None),
    ("D001", "수제 마들렌", "디저트", 2500, "taxable", "incheon", [], 20),
    ("D002", "초코칩 쿠키", "디저트", 2000, "taxable", "incheon", [], 15),
    ("S001", "생표고버섯 500g", "자활생산품", 10000, "exempt", "songi", [], 20),
    ("S002", "건표고버섯 100g", "자활생산품", 12000, "exempt", "songi", [], 12),
    ("S003", "표고버섯 칩", "자활생산품", 5000, "taxable", "songi", [], 10),
    ("V001", "운동화 세척", "착한신발", 8000, "taxable", "yeonsu", [], None),
    ("V002", "구두 굽갈이", "착한신발", 10000, "taxable", "yeonsu", [], None),
]

CATEGORY_ORDER = ["커피", "차·음료", "디저트", "자활생산품", "착한신발"]

#: drinks are made at the bar: a ticket prints and the order board shows them
MADE_TO_ORDER_CATEGORIES = ("커피", "차·음료")

#: the manager's list of discount reasons the cashier picks from
DISCOUNT_REASONS = ["직원 할인", "단골 쿠폰", "시식·파손", "행사 할인"]

#: 만원의 행복 at 꿈이든일터 2호점 송이팜랜드: buy a pack of mushrooms, one pack is donated
CAMPAIGN = ("만원의 행복", "팩", "만수7단지 무료급식소")
CAMPAIGN_SKUS = ("S001", "S002")

#: (username, display name, role, site code, pin, password)
USERS = [
    ("cashier3", "김하늘", "cashier", "CAFE03", "1234", None),
    ("cashier3b", "이바다", "cashier", "CAFE03", "5678", None),
    ("cashier7", "박가람", "cashier", "CAFE07", "2468", None),
    ("organiser", "경남 행사담당", "organiser", "GN-FAIR", "1357", "organiser1234"),
    ("manager", "지점 매니저", "manager", None, "2580", "manager1234"),
    ("admin", "관리자", "admin", None, None, "admin1234"),
]

DEMO_STOCK_SITES = ("CAFE03", "CAFE07", "FARM02")


def _get_or_add(model, where: dict, **values):
    obj = db.session.execute(select(model).filter_by(**where)).scalar_one_or_none()
    if obj is None:
        obj = model(**where, **values)
        db.session.add(obj)
        db.session.flush()
        return obj, True
    return obj, False


def load_demo() -> str:
    """Create what is missing; running it twice changes nothing. Flushes, caller commits."""
    vendors: dict[str, Vendor] = {}
    for key, name, owner, first9, address, phone in VENDORS:
        vendors[key], _ = _get_or_add(
            Vendor,
            {"brn": make_brn(first9)},
            name=name,
            owner=owner,
            address=address,
            phone=phone,
            tax_type="general",
            is_example=True,
        )
    sites: dict[str, Site] = {}
    for code, name, kind, operator, address in SITES:
        sites[code], _ = _get_or_add(
            Site,
            {"code": code},
            name=name,
            kind=kind,
            vendor_id=vendors[operator].id,
            address=address,
        )
    groups: dict[str, OptionGroup] = {}
    for sort, (gname, required, max_select, options) in enumerate(OPTION_GROUPS):
        group, created = _get_or_add(
            OptionGroup,
            {"name": gname},
            uid=natural_uid("option_group", gname),
            required=required,
            max_select=max_select,
            sort=sort,
        )
        if created:
            for osort, (oname, delta) in enumerate(options):
                uid = natural_uid("option", f"{gname}:{oname}")
                option = Option(group=group, uid=uid, name=oname, price_delta=delta, sort=osort)
                db.session.add(option)
        groups[gname] = group
    categories = {
        name: _get_or_add(Category, {"name": name}, uid=natural_uid("category", name), sort=i)[0]
        for i, name in enumerate(CATEGORY_ORDER)
    }
    new_products = []
    for sort, (sku, name, cat, price, tax, vkey, gnames, stock) in enumerate(PRODUCTS):
        product, created = _get_or_add(
            Product,
            {"sku": sku},
            uid=natural_uid("product", sku),
            name=name,
            category_id=categories[cat].id,
            price=price,
            tax=tax,
            vendor_id=vendors[vkey].id,
            barcode=f"88000000{sort + 1:05d}",
            track_stock=stock is not None,
            sort=sort,
            made_to_order=cat in MADE_TO_ORDER_CATEGORIES,
        )
        if created:
            product.option_groups = [groups[g] for g in gnames]
            new_products.append((product, stock))
    db.session.flush()
    for product, stock in new_products:
        if not stock:
            continue
        for code in DEMO_STOCK_SITES:
            level = db.session.get(StockLevel, (sites[code].id, product.id))
            if level is None or level.on_hand == 0:
                move_stock(sites[code], product, stock, "receive", ref="demo", note="데모 입고")
    _load_cafe_operations()
    users_made = 0
    for username, display, role, site_code, pin, password in USERS:
        known = db.session.execute(select(User).filter_by(username=username)).scalar_one_or_none()
        if known is not None:
            if pin and not known.pin_hash and role == "manager":
                known.set_pin(pin)  # a demo loaded before the approval PIN existed
            continue
        user = User(
            username=username,
            display_name=display,
            role=role,
            site_id=sites[site_code].id if site_code else None,
        )
        if pin:
            user.set_pin(pin)
        if password:
            user.set_password(password)
        db.session.add(user)
        users_made += 1
    db.session.flush()
    from .demo_fair import load_demo_fair

    organiser = db.session.execute(select(User).filter_by(username="organiser")).scalar()
    fair_summary = load_demo_fair(organiser.id if organiser else None)
    return (
        f"데모 데이터: 공급자 {len(vendors)}곳, 매장 {len(sites)}곳, 상품 {len(PRODUCTS)}개 "
        f"(새 상품 {len(new_products)}개, 새 사용자 {users_made}명). "
        f"사업자등록번호는 모두 예시입니다. {fair_summary}"
    )


def _load_cafe_operations() -> None:
    """Discount reasons, the 만원의 행복 campaign and its mushroom packs. The first run that
    makes the campaign also marks the drinks made to order in a demo loaded before these
    flags existed; later runs leave whatever the manager changed since."""
    for sort, name in enumerate(DISCOUNT_REASONS):
        _get_or_add(DiscountReason, {"name": name}, sort=sort, active=True)
    name, unit, recipient = CAMPAIGN
    campaign, created = _get_or_add(Campaign, {"name": name}, unit=unit, recipient=recipient)
    if not created:
        return
    for product in db.session.scalars(select(Product).where(Product.sku.in_(CAMPAIGN_SKUS))):
        product.campaign_id = campaign.id
    drinks = select(Product).join(Product.category)
    for product in db.session.scalars(drinks.where(Category.name.in_(MADE_TO_ORDER_CATEGORIES))):
        product.made_to_order = True
    db.session.flush()


DEMO_LOGINS = [
    ("cashier3 (김하늘, 3호 인천여성의광장점)", "PIN 1234"),
    ("cashier3b (이바다, 3호 인천여성의광장점)", "PIN 5678"),
    ("manager", "비밀번호 manager1234 · 승인 PIN 2580"),
    ("admin", "비밀번호 admin1234"),
]

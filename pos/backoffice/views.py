"""The back office's home (/admin), its layout's navigation and the working-site switcher."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from pos.auth.service import roles_required
from pos.context import safe_path
from pos.scope import BACK_OFFICE, SITE_ADMINS, allowed_sites, pick_working_site, working_site

bp = Blueprint("backoffice", __name__)

#: cashiers see stock and book deliveries and waste (DESIGN: "cashiers sell and see stock")
STOCK_VIEWERS = ("cashier", *BACK_OFFICE)

#: (section, [(endpoint, label, roles)]); links whose page is missing or not allowed are left out
NAV = [
    ("홈", [("backoffice.home", "한눈에 보기", BACK_OFFICE)]),
    (
        "판매",
        [
            ("backoffice.sales", "오늘 판매", BACK_OFFICE),
            ("backoffice.close", "일일 마감", SITE_ADMINS),
            ("backoffice.cash_receipts", "현금영수증", BACK_OFFICE),
            ("orders.board", "주문 현황판", STOCK_VIEWERS),
        ],
    ),
    (
        "상품",
        [
            ("backoffice.products", "상품", BACK_OFFICE),
            ("backoffice.categories", "분류", BACK_OFFICE),
            ("backoffice.options", "옵션", BACK_OFFICE),
            ("backoffice.vendors", "공급자", BACK_OFFICE),
            ("backoffice.availability", "매장 가격·품절", BACK_OFFICE),
            ("backoffice.imports", "파일로 가져오기", BACK_OFFICE),
            ("backoffice.discount_reasons", "할인 사유", SITE_ADMINS),
        ],
    ),
    (
        "재고",
        [
            ("stock.index", "재고 현황", STOCK_VIEWERS),
            ("stock.receive", "입고", STOCK_VIEWERS),
            ("stock.transfer", "매장 간 이동", BACK_OFFICE),
            ("stock.count", "재고실사", BACK_OFFICE),
            ("stock.waste", "폐기", STOCK_VIEWERS),
            ("stock.low", "부족 재고", STOCK_VIEWERS),
            ("stock.labels", "라벨 인쇄", BACK_OFFICE),
        ],
    ),
    ("행사", [("fairs.index", "하루장터", BACK_OFFICE)]),
    ("나눔", [("backoffice.campaigns", "만원의 행복", BACK_OFFICE)]),
    (
        "리포트",
        [
            ("backoffice.reports", "매출 리포트", SITE_ADMINS),
            ("backoffice.report_vat", "부가세 신고 자료", SITE_ADMINS),
        ],
    ),
    (
        "동기화",
        [
            ("backoffice.sync", "동기화 상태", SITE_ADMINS),
            ("backoffice.central_sites", "매장 연결 현황", SITE_ADMINS),
            ("backoffice.sync_rejections", "거부된 이벤트", SITE_ADMINS),
            ("backoffice.sync_tokens", "동기화 토큰", ("admin",)),
            ("backoffice.sites", "매장·행사 목록", ("admin",)),
        ],
    ),
    (
        "설정",
        [
            ("backoffice.users", "사용자", SITE_ADMINS),
            ("staff.index", "직원 관리", SITE_ADMINS),
            ("backoffice.settings", "매장 설정", SITE_ADMINS),
        ],
    ),
    (
        "서버 관리",
        [
            ("backoffice.backups", "백업", SITE_ADMINS),
            ("backoffice.tls", "보안 연결(HTTPS)", SITE_ADMINS),
        ],
    ),
]


def _nav() -> list[tuple[str, list[tuple[str, str]]]]:
    rules = {r.endpoint for r in current_app.url_map.iter_rules()}
    role = current_user.role if current_user.is_authenticated else None
    out = []
    for section, links in NAV:
        shown = [(ep, label) for ep, label, roles in links if ep in rules and role in roles]
        if shown:
            out.append((section, shown))
    return out


def layout_context() -> dict:
    """What templates/backoffice/layout.html needs on every back-office page."""
    if not request.blueprint or request.blueprint not in ("backoffice", "stock", "fairs"):
        return {}
    if not current_user.is_authenticated:
        return {}
    return {"nav": _nav(), "working_site": working_site(), "sites": allowed_sites()}


@bp.get("/admin")
@roles_required(*BACK_OFFICE)
def home():
    return render_template("backoffice/home.html")


@bp.get("/users")
@bp.get("/sales")
@bp.get("/settings")
@roles_required(*BACK_OFFICE)
def short_paths():
    """Short addresses people type (/users, /sales, /settings) lead to the back-office pages."""
    target = {"/users": ".users", "/sales": ".sales", "/settings": ".settings"}[request.path]
    return redirect(url_for(target))


@bp.post("/admin/site")
@roles_required(*BACK_OFFICE)
def pick_site():
    site = pick_working_site(request.form.get("site", ""))
    flash(f"{site.name}의 화면으로 바꿨습니다", "ok")
    return redirect(safe_path(request.form.get("back")) or url_for(".home"))

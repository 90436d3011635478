"""매장 설정's receipt preview is the receipt as it prints: the site's seller (상호, 대표자,
사업자등록번호, 주소, 전화), then the header lines, and at the bottom the footer lines (or the
default thanks), each row centred at PRINTER_COLUMNS cells in a monospace box."""

from __future__ import annotations

import html as htmllib
import re

from test_backoffice_admin_users import manager

from inventory.vendors import format_brn
from pos.db import db
from pos.sites import Site
from printers.layout import cp949_width

HEADER = "영업시간 08:00-20:00\nWi-Fi kkumideun"
FOOTER = "교환·환불은 7일 안에\n고맙습니다"


def preview_rows(page: str) -> list[str]:
    box = re.search(r'<pre class="bo-receipt-preview"[^>]*>(.*?)</pre>', page, re.S)
    assert box, "no preview box"
    return htmllib.unescape(re.sub(r"<[^>]+>", "", box.group(1))).split("\n")


def test_preview_shows_the_seller_header_and_footer_as_printed(sqlite_app):
    app = sqlite_app
    app.config["PRINTER_COLUMNS"] = 42
    mgr = manager(app)
    form = {"receipt_header": HEADER, "receipt_footer": FOOTER, "printer_url": ""}
    assert mgr.post("/admin/settings", form).status_code == 302
    page = mgr.get("/admin/settings").get_data(as_text=True)
    with app.app_context():
        site = db.session.query(Site).filter_by(code="CAFE03").one()
        seller = site.vendor
        name, owner, brn = seller.name, seller.owner, format_brn(seller.brn)
        phone, address = seller.phone, seller.address
    rows = preview_rows(page)
    stripped = [r.strip() for r in rows]
    assert 'style="--cols: 42"' in page and 'data-columns="42"' in page
    assert stripped[0] == name
    for row in (f"대표자: {owner}", f"사업자등록번호: {brn}", f"전화: {phone}"):
        assert row in stripped, row
    assert any(r.startswith("주소: ") and address.startswith(r[4:]) for r in stripped)
    assert "(상호, 사업자등록번호, 상품과 금액 …)" not in page
    # header lines under the seller, footer at the bottom, each centred in 42 cells
    top = stripped.index("영업시간 08:00-20:00")
    assert top > stripped.index(f"전화: {phone}")
    assert stripped.index("고맙습니다") > stripped.index("교환·환불은 7일 안에") > top
    row = rows[stripped.index("교환·환불은 7일 안에")]
    gap = len(row) - len(row.lstrip())
    assert gap == (42 - cp949_width("교환·환불은 7일 안에")) // 2
    assert all(cp949_width(r) <= 42 for r in rows)
    assert "js/backoffice/settings.js" in page

    # no footer of its own: the default thanks, as the receipt prints it
    assert mgr.post("/admin/settings", {**form, "receipt_footer": ""}).status_code == 302
    page = mgr.get("/admin/settings").get_data(as_text=True)
    assert "이용해 주셔서 감사합니다" in [r.strip() for r in preview_rows(page)]

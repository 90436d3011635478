"""Findings of a new user's first fair day, on SQLite and PostgreSQL: the check-in form keeps
what was typed after a refusal and marks the bad box; a count's variance of 0 looks fine, not
like a shortage; opening on a day that is not the fair's asks for a tick first."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support import ApiClient

from inventory.fairs.models import Consignment, Fair
from inventory.models import Product, Vendor
from inventory.site_terms import today
from pos.db import db
from pos.sites import Site

FAIR = "GN-FAIR"
VENDOR = "산청지역자활센터"


@pytest.fixture
def app(app_factory, backend):
    return app_factory(backend, POS_SITE=FAIR)


def organiser(app) -> ApiClient:
    return ApiClient(app, "organiser", password="organiser1234")


def post(api: ApiClient, url: str, data: dict):
    return api.post(url, data=data, follow_redirects=True)


def text(resp) -> str:
    return resp.get_data(as_text=True)


def vendor_products(app, name: str = VENDOR) -> tuple[str, list[int]]:
    with app.app_context():
        vendor = db.session.scalar(select(Vendor).where(Vendor.name == name))
        ids = db.session.scalars(
            select(Product.id).where(Product.vendor_id == vendor.id).order_by(Product.id)
        )
        return vendor.brn, list(ids)


def consignments(app) -> list[dict[int, int]]:
    with app.app_context():
        rows = db.session.scalars(select(Consignment).order_by(Consignment.created_at))
        return [{ln.product_id: ln.qty for ln in c.lines} for c in rows]


def input_tag(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


def set_fair(app, **values) -> None:
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == FAIR))
        fair = db.session.get(Fair, site.id)
        for key, value in values.items():
            setattr(fair, key, value)
        db.session.commit()


def fair_state(app) -> str:
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == FAIR))
        return db.session.get(Fair, site.id).state


def test_checkin_keeps_what_was_typed_and_marks_the_bad_box(app):
    org = organiser(app)
    brn, (first, second, *_rest) = vendor_products(app)
    before = consignments(app)
    url = f"/fairs/{FAIR}/checkin"

    typed = {"brn": brn, f"qty_{first}": "abc", f"qty_{second}": "3", "signed_by": "김대표"}
    html = text(post(org, url, typed))
    assert "숫자로만 입력하세요" in html
    bad, good = input_tag(html, f"qty_{first}"), input_tag(html, f"qty_{second}")
    assert 'value="abc"' in bad and "is-invalid" in bad and 'aria-invalid="true"' in bad
    assert 'value="3"' in good and "is-invalid" not in good
    assert 'value="김대표"' in input_tag(html, "signed_by")

    # a negative count is "1 or more" (as the API says), not "digits only"
    html = text(post(org, url, {"brn": brn, f"qty_{first}": "-3", f"qty_{second}": "2"}))
    assert "1 이상" in html and "숫자로만" not in html
    assert "is-invalid" in input_tag(html, f"qty_{first}")
    assert 'value="2"' in input_tag(html, f"qty_{second}")
    assert consignments(app) == before

    # full-width digits (a Korean keyboard's 전각) are digits
    done = text(post(org, url, {"brn": brn, f"qty_{first}": "５", f"qty_{second}": "１，２"}))
    assert "입고했습니다" in done
    assert consignments(app)[len(before) :] == [{first: 5, second: 12}]


def test_count_preview_shows_zero_as_fine_and_shortage_and_surplus_apart(app):
    org = organiser(app)
    assert "열었습니다" in text(post(org, f"/fairs/{FAIR}/open", {"other_day": "yes"}))
    assert "마감했습니다" in text(post(org, f"/fairs/{FAIR}/close", {"confirm": "yes"}))
    brn, _ids = vendor_products(app)
    page = text(org.get(f"/fairs/{FAIR}/count?vendor={brn}"))
    rows = re.findall(r'data-expected="(\d+)".*?name="counted_(\d+)"', page, re.S)
    expected = {int(pid): int(left) for left, pid in rows}
    assert len(expected) >= 3 and all(left > 0 for left in expected.values())
    exact, short, over = list(expected)[:3]
    counted = {f"counted_{pid}": str(left) for pid, left in expected.items()}
    counted[f"counted_{short}"] = str(expected[short] - 1)
    counted[f"counted_{over}"] = str(expected[over] + 2)
    html = text(post(org, f"/fairs/{FAIR}/count", {"vendor": brn, "action": "preview", **counted}))

    def variance(pid: int) -> str:
        row = re.search(
            rf'<tr data-sku="[^"]*" class="([^"]*)">(?:(?!</tr>).)*name="counted_{pid}"'
            rf'(?:(?!</tr>).)*<td class="num fair-variance ([^"]*)"[^>]*>([^<]*)<',
            html,
            re.S,
        )
        assert row, pid
        return " ".join(row.group(1).split()), " ".join(row.group(2).split()), row.group(3)

    assert variance(exact) == ("is-zero", "is-zero", "0")
    assert variance(short) == ("is-short", "is-short", "-1")
    assert variance(over) == ("is-over", "is-over", "+2")


def test_opening_on_another_day_asks_first(app):
    org = organiser(app)
    page = text(org.get(f"/fairs/{FAIR}"))
    assert "행사 날짜(2024-05-03)는 오늘이 아닙니다. 그래도 열까요?" in page
    assert 'name="other_day"' in page
    refused = text(post(org, f"/fairs/{FAIR}/open", {}))
    assert "확인란" in refused and fair_state(app) == "planned"
    assert "열었습니다" in text(post(org, f"/fairs/{FAIR}/open", {"other_day": "yes"}))
    assert fair_state(app) == "open"


@pytest.mark.parametrize("which", ["date", "rain_date"])
def test_opening_on_the_day_or_the_rain_day_needs_no_tick(app, which):
    set_fair(app, **{which: today()})
    org = organiser(app)
    page = text(org.get(f"/fairs/{FAIR}"))
    assert "오늘이 아닙니다" not in page and 'name="other_day"' not in page
    assert "열었습니다" in text(post(org, f"/fairs/{FAIR}/open", {}))
    assert fair_state(app) == "open"

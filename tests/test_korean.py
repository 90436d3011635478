"""Particles follow the word before them: people read 카푸치노는 품절입니다, not 카푸치노은(는)."""

from __future__ import annotations

import pytest

from pos.korean import josa


@pytest.mark.parametrize(
    ("word", "pair", "said"),
    [
        ("카푸치노", "은/는", "카푸치노는"),
        ("수제 마들렌", "은/는", "수제 마들렌은"),
        ("온도", "을/를", "온도를"),
        ("샷 추가", "을/를", "샷 추가를"),
        ("1원", "이/가", "1원이"),
        ("2,000원", "과/와", "2,000원과"),
        ("사과즙 15포", "은/는", "사과즙 15포는"),
        ("제물포스마트타운점", "으로/로", "제물포스마트타운점으로"),
        ("서울", "으로/로", "서울로"),  # ㄹ takes 로
        ("매장 CAFE07", "으로/로", "매장 CAFE07로"),  # 칠
        ("GN-3", "이/가", "GN-3이"),  # 삼
        ("(주)다온", "과/와", "(주)다온과"),
        ("★", "은/는", "★은(는)"),  # cannot be told: both forms
    ],
)
def test_particle_follows_the_last_sound(word, pair, said):
    assert josa(word, pair) == said


def test_sold_out_message_reads_naturally(app, cashier):
    from sqlalchemy import select
    from support import new_sale_body

    from inventory.models import Product
    from pos.db import db

    with app.app_context():
        db.session.execute(
            select(Product).where(Product.name == "카푸치노")
        ).scalar_one().sold_out = True
        db.session.commit()
    body = new_sale_body(cashier, [("아메리카노", 1, [("온도", "HOT")])])
    cat = cashier.catalog()
    body["lines"].append({"product_id": cat["카푸치노"]["id"], "qty": 1, "options": []})
    body["payments"] = [{"method": "cash", "amount": 9500}]
    resp = cashier.post("/api/sales", body)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["message"] == "카푸치노는 품절입니다"

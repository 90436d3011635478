"""Helpers of the stock page tests (tests/test_stock_pages_*.py): product ids, on-hand beside
the ledger sum, the move count, a page's visible text, form lines, and managers (all sites or
bound to one). Test modules take the fixture with `manager = stock_pages.manager`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Product, Site, StockLevel, StockMove
from pos.auth.models import User
from pos.db import db


def ids(app, *skus: str) -> list[int]:
    with app.app_context():
        return [db.session.scalar(select(Product.id).where(Product.sku == s)) for s in skus]


def level(app, sku: str, site: str = "CAFE03") -> tuple[int, int]:
    """(on-hand, ledger sum) of a product at a site."""
    with app.app_context():
        pid = db.session.scalar(select(Product.id).where(Product.sku == sku))
        sid = db.session.scalar(select(Site.id).where(Site.code == site))
        on_hand = db.session.scalar(
            select(StockLevel.on_hand).where(
                StockLevel.site_id == sid, StockLevel.product_id == pid
            )
        )
        total = db.session.scalar(
            select(func.coalesce(func.sum(StockMove.qty), 0)).where(
                StockMove.site_id == sid, StockMove.product_id == pid
            )
        )
        return on_hand or 0, total


def moves_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StockMove))


def text(resp) -> str:
    """The page's visible text, tags dropped, spaces squeezed."""
    body = re.sub(r"<script.*?</script>", " ", resp.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def lines(pairs) -> dict:
    return {"product_id": [str(p) for p, _ in pairs], "qty": [str(q) for _, q in pairs]}


@pytest.fixture
def manager(app):
    return ApiClient(app, "manager", password="manager1234")


def site_manager(app, code: str) -> ApiClient:
    """A manager bound to one site (the demo's manager sees every site)."""
    with app.app_context():
        site_id = db.session.scalar(select(Site.id).where(Site.code == code))
        user = User(username=f"mgr-{code.lower()}", display_name="지점장", role="manager")
        user.site_id = site_id
        user.set_password("manager1234")
        db.session.add(user)
        db.session.commit()
    return ApiClient(app, f"mgr-{code.lower()}", password="manager1234")

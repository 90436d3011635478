"""Two booths selling the last units of one vendor's product at once never oversell: the 마산
booth's tablets and the joint checkout's tablets, each its own session, all at the same moment."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select
from support import ApiClient

from inventory.models import Product, Site, StockLevel, StockMove, Vendor
from pos.db import db
from pos.sales.models import SaleLine

SKU = "GNF-MS2"  # 업사이클 에코백, 15 checked in by the demo


def test_two_booths_sell_the_last_units_once(app_factory, backend):
    app = app_factory(backend, POS_SITE="GN-FAIR")
    with app.app_context():
        pid, price = db.session.execute(
            select(Product.id, Product.price).where(Product.sku == SKU)
        ).one()
        masan = db.session.execute(
            select(Vendor.brn).where(Vendor.name == "마산지역자활센터")
        ).scalar_one()
        site_id = db.session.execute(select(Site.id).where(Site.code == "GN-FAIR")).scalar_one()
    organiser = ApiClient(app, "organiser", pin="1357")
    assert organiser.post("/api/fairs/GN-FAIR/open", json={}).status_code == 200
    first = {
        "id": str(uuid.uuid4()),
        "lines": [{"product_id": pid, "qty": 12, "options": []}],
        "payments": [{"method": "cash", "amount": price * 12}],
    }
    assert organiser.post("/api/sales", json=first).status_code == 201  # 3 left
    booth = [ApiClient(app, "organiser", pin="1357") for _ in range(4)]
    joint = [ApiClient(app, "organiser", pin="1357") for _ in range(4)]
    for api in booth:
        assert api.post("/api/booth", json={"brn": masan}).get_json()["booth"]["booth"] == "A-5"
    for api in joint:
        assert api.get("/api/booth").get_json()["joint"] is True
    tablets = booth + joint
    barrier = threading.Barrier(len(tablets))
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def sell(api: ApiClient) -> None:
        body = {
            "id": str(uuid.uuid4()),
            "lines": [{"product_id": pid, "qty": 1, "options": []}],
            "payments": [{"method": "card", "amount": price, "approval_no": "12345678"}],
        }
        barrier.wait()
        resp = api.post("/api/sales", json=body)
        code = (resp.get_json().get("error") or {}).get("code")
        with lock:
            results.append((resp.status_code, code))

    threads = [threading.Thread(target=sell, args=(t,)) for t in tablets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(s for s, _ in results) == [201] * 3 + [409] * 5, results
    assert {c for s, c in results if s == 409} == {"insufficient_stock"}
    with app.app_context():
        level = db.session.get(StockLevel, (site_id, pid)).on_hand
        ledger = db.session.scalar(
            select(func.sum(StockMove.qty)).where(
                StockMove.site_id == site_id, StockMove.product_id == pid
            )
        )
        sold = db.session.scalar(select(func.sum(SaleLine.qty)).where(SaleLine.product_id == pid))
    assert level == ledger == 0
    assert sold == 15
    board = organiser.get("/api/fairs/GN-FAIR/board").get_json()
    bag = {p["sku"]: p for v in board["vendors"] for p in v["products"]}[SKU]
    assert (bag["brought"], bag["sold"], bag["left"], bag["sold_out"]) == (15, 15, 0, True)

"""`pos demo --day` brings yesterday's café day (float, sales, a refund, a close), once;
plain `pos demo` (what tests and live servers run) brings none."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from support import ApiClient

from pos.db import db
from pos.refunds.models import Refund
from pos.sales.models import Sale
from pos.shifts.models import Shift


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m)) for m in (Sale, Refund, Shift)
        )


def test_demo_day_adds_up_in_the_z_report_and_loads_once(app):
    runner = app.test_cli_runner()
    plain = runner.invoke(args=["demo"])
    assert plain.exit_code == 0 and "데모 영업일" not in plain.output
    assert _counts(app) == (0, 0, 0)
    first = runner.invoke(args=["demo", "--day"])
    assert first.exit_code == 0, first.output
    assert "데모 영업일" in first.output and "과부족 -500원" in first.output
    assert _counts(app) == (5, 1, 1)
    again = runner.invoke(args=["demo", "--day"])
    assert again.exit_code == 0 and "이미 있습니다" in again.output
    assert _counts(app) == (5, 1, 1)

    manager = ApiClient(app, "manager", password="manager1234")
    # today is untouched: the day is yesterday's
    assert manager.get("/api/reports/z").get_json()["sales"] == 0
    yesterday = (datetime.now(ZoneInfo("Asia/Seoul")) - timedelta(days=1)).date()
    z = manager.get(f"/api/reports/z?day={yesterday}").get_json()
    assert z["sales"] == 5 and z["refunds"] == 5500
    with app.app_context():
        totals = db.session.scalar(select(func.sum(Sale.total)))
    assert z["net"] == totals - 5500 == 50800
    assert z["taxable"] + z["vat"] + z["exempt"] == z["net"]
    assert sum(z["by_method"].values()) == z["net"]
    (till,) = z["shifts"]
    # 50,000 float + 9,000 + 20,000 + 11,000 cash − 5,500 refunded − 12,000 milk
    assert (till["opening_float"], till["expected_cash"], till["over_short"]) == (
        50000,
        72500,
        -500,
    )
    assert z["cash_receipts_pending"] == 1
    with app.app_context():
        days = set(db.session.scalars(select(Sale.business_day)))
        assert days == {yesterday}
        assert all(
            no.split("-")[1] == f"{yesterday:%Y%m%d}"
            for no in db.session.scalars(select(Sale.receipt_no))
        )

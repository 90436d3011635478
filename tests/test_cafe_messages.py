"""Bad input on the café calls names the field as a cashier knows it, never a path."""

from __future__ import annotations

import uuid

from support import ApiClient, new_sale_body


def test_bad_floats_amounts_and_percents_name_their_field(sqlite_app):
    cashier = ApiClient(sqlite_app, "cashier3", pin="1234")
    cases = [
        ("/api/shifts", {"id": str(uuid.uuid4()), "opening_float": -5}, "시작 현금:"),
        (
            "/api/cash-movements",
            {"id": str(uuid.uuid4()), "kind": "pay_out", "amount": -5, "reason": "우유"},
            "금액:",
        ),
    ]
    body = new_sale_body(cashier, [("수제 마들렌", 1, [])], [{"method": "cash", "amount": 2500}])
    body["discount_pct"] = 150
    cases.append(("/api/sales", body, "할인율:"))
    for url, payload, label in cases:
        resp = cashier.post(url, json=payload)
        assert resp.status_code == 422, (url, resp.get_json())
        message = resp.get_json()["error"]["message"]
        assert message.startswith(label), (url, message)
        assert "입력값" not in message and "결제 금액" not in message

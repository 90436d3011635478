"""A cashier's tablet and a manager on a real branch server's API, for the sync tests."""

from __future__ import annotations

import uuid

import requests

#: the demo's manager: (user name, PIN, password)
MANAGER = ("manager", "2580", "manager1234")


class Till:
    """A cashier's tablet on the branch API: log-in session with the CSRF header."""

    def __init__(self, base: str, username: str, pin: str):
        self.base = base
        self.s = requests.Session()
        r = self.s.post(base + "/api/login", json={"username": username, "pin": pin}, timeout=10)
        assert r.status_code == 200, r.text
        self.s.headers["X-CSRFToken"] = r.json()["csrf_token"]
        products = self.s.get(base + "/api/catalog", timeout=10).json()["products"]
        #: made-to-order products (no stock, so hundreds of sales never sell out)
        self.menu = [p for p in products if not p["track_stock"] and p["price"] > 0]
        assert len(self.menu) >= 3, products
        self.n = 0

    def _line(self, product: dict, qty: int) -> tuple[dict, int]:
        options, price = [], product["price"]
        for g in product["option_groups"]:
            if g["required"] and g["options"]:
                o = g["options"][self.n % len(g["options"])]
                options.append(o["id"])
                price += o["price_delta"]
        return {"product_id": product["id"], "qty": qty, "options": options}, price * qty

    def sell(self) -> dict:
        """One sale of 2-3 lines; every third is split between card and cash."""
        self.n += 1
        count = 2 + self.n % 2
        lines, total = [], 0
        for k in range(count):
            line, amount = self._line(self.menu[(self.n + k * 3) % len(self.menu)], 1 + k % 2)
            lines.append(line)
            total += amount
        if self.n % 3 == 0:
            card = total // 2
            payments = [
                {"method": "card", "amount": card, "approval_no": f"{self.n:08d}"},
                {"method": "cash", "amount": total - card, "tendered": total - card},
            ]
        else:
            payments = [{"method": "cash", "amount": total, "tendered": total}]
        body = {"id": str(uuid.uuid4()), "lines": lines, "payments": payments}
        r = self.s.post(self.base + "/api/sales", json=body, timeout=30)
        assert r.status_code == 201, r.text
        return {**r.json(), "paid": payments}

    def sell_many(self, n: int) -> list[dict]:
        return [self.sell() for _ in range(n)]

    def refund(self, sale: dict) -> dict:
        """A whole refund, approved with the manager's PIN, paid back as it was paid."""
        back = [
            {k: p[k] for k in ("method", "amount", "approval_no") if k in p} for p in sale["paid"]
        ]
        body = {
            "id": str(uuid.uuid4()),
            "reason": "고객 변심",
            "payments": back,
            "approver": {"username": MANAGER[0], "pin": MANAGER[1]},
        }
        r = self.s.post(f"{self.base}/api/sales/{sale['id']}/refund", json=body, timeout=30)
        assert r.status_code == 201, r.text
        return r.json()


def manager_session(base: str) -> requests.Session:
    s = requests.Session()
    r = s.post(
        base + "/api/login", json={"username": MANAGER[0], "password": MANAGER[2]}, timeout=10
    )
    assert r.status_code == 200, r.text
    s.headers["X-CSRFToken"] = r.json()["csrf_token"]
    return s

"""Test helpers shared by several test modules (a tablet-like JSON client)."""

from __future__ import annotations

import uuid


class ApiClient:
    """A tablet: a cookie session plus the CSRF header on every unsafe call."""

    def __init__(self, app, username: str, pin: str | None = None, password: str | None = None):
        self.app = app
        self.client = app.test_client()
        body = {"username": username}
        body.update({"pin": pin} if pin else {"password": password})
        resp = self.client.post("/api/login", json=body)
        assert resp.status_code == 200, resp.get_json()
        self.csrf = resp.get_json()["csrf_token"]

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, json=None, **kw):
        headers = {"X-CSRFToken": self.csrf, **kw.pop("headers", {})}
        return self.client.post(url, json=json, headers=headers, **kw)

    def catalog(self) -> dict:
        return {p["name"]: p for p in self.get("/api/catalog").get_json()["products"]}

    def option(self, product: dict, group: str, name: str) -> int:
        for g in product["option_groups"]:
            if g["name"] == group:
                for o in g["options"]:
                    if o["name"] == name:
                        return o["id"]
        raise KeyError((group, name))


def new_sale_body(api: ApiClient, items, payments=None, **extra) -> dict:
    """items: [(product name, qty, [(group, option), ...])]; pays cash exactly by default."""
    cat = api.catalog()
    lines = []
    for name, qty, options in items:
        product = cat[name]
        lines.append(
            {
                "product_id": product["id"],
                "qty": qty,
                "options": [api.option(product, g, o) for g, o in options],
            }
        )
    body = {"id": str(uuid.uuid4()), "lines": lines, **extra}
    body["payments"] = payments if payments is not None else []
    return body

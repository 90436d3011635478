"""Back-office forms that return to the page they came from never redirect off the server,
whatever their ``back`` field says (//evil, /\\evil, a full URL, a tab)."""

from __future__ import annotations

import re

import pytest
from support import ApiClient

HOSTILE = ["//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example"]


def form_post(api: ApiClient, url: str, data: dict):
    page = api.get("/admin").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return api.client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


@pytest.mark.parametrize("back", HOSTILE)
def test_hostile_back_stays_on_the_server(sqlite_app, back):
    manager = ApiClient(sqlite_app, "manager", password="manager1234")
    pid = manager.catalog()["수제 마들렌"]["id"]  # stock-tracked, so it has a threshold
    for url, data in (
        ("/admin/site", {"site": "CAFE03", "back": back}),
        (f"/availability/{pid}", {"sold_out": "1", "back": back}),
        (f"/stock/products/{pid}/threshold", {"threshold": "3", "back": back}),
    ):
        resp = form_post(manager, url, data)
        location = resp.headers.get("Location", "")
        assert resp.status_code in (302, 303, 200), (url, resp.status_code)
        assert not location or (location.startswith("/") and not location.startswith("//")), (
            url,
            location,
        )
        assert "evil" not in location, (url, location)

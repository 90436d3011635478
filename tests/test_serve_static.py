"""pos serve answers conditional requests for static files (a 304 has an empty body, which
hypercorn's WSGI wrapper alone turns into a 500)."""

from __future__ import annotations

import requests
from live import LiveServer


def test_cached_stylesheet_is_a_304_not_a_500(tmp_path):
    server = LiveServer(tmp_path / "instance")
    base = server.start()
    try:
        first = requests.get(f"{base}/static/css/pos.css", timeout=10)
        assert first.status_code == 200 and first.content
        again = requests.get(
            f"{base}/static/css/pos.css",
            headers={"If-Modified-Since": first.headers["Last-Modified"]},
            timeout=10,
        )
        assert again.status_code == 304
        assert requests.get(f"{base}/api/health", timeout=10).json()["ok"] is True
    finally:
        server.stop()

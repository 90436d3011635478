"""The 보안 연결(HTTPS) page in real Chromium against a real `pos serve` over plain HTTP: a
Korean warning that the connection is not encrypted, the way to make a certificate before
there is one, then the CA certificate to download with its fingerprint and the install steps
for Android and iPad. Screenshots at 1024×768 and 800×1280."""

from __future__ import annotations

import re

import pytest
from conftest import PORTRAIT, TABLET, login_password, own_fixtures
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

tls_server, tls_page = own_fixtures("tls")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_plain_http_warns_then_offers_the_ca_and_the_tablet_steps(tls_server, tls_page, shot):
    page = tls_page(TABLET)
    login_password(page)
    page.goto("/admin/tls")
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("암호화하지 않은 연결(HTTP)")
    expect(warning).to_contain_text("PIN")
    expect(page.get_by_text("아직 인증서가 없습니다")).to_be_visible()
    expect(page.get_by_role("link", name="로컬 인증기관 인증서 내려받기")).to_have_count(0)
    shot(page, "tls-none-1024")

    made = tls_server.live.pos("tls", "init")
    assert made.returncode == 0, made.stdout + made.stderr
    for viewport, name in ((TABLET, "1024"), (PORTRAIT, "800")):
        office = tls_page(viewport)
        login_password(office)
        office.goto("/admin/tls")
        expect(office.get_by_role("alert")).to_contain_text("암호화하지 않은 연결(HTTP)")
        expect(office.get_by_role("heading", name="안드로이드 태블릿")).to_be_visible()
        expect(office.get_by_role("heading", name="iPad")).to_be_visible()
        expect(office.get_by_text("인증서 신뢰 설정")).to_be_visible()
        fingerprint = office.get_by_text(re.compile(r"지문\(SHA-256\)"))
        expect(fingerprint).to_contain_text(re.compile(r"([0-9A-F]{2}:){31}[0-9A-F]{2}"))
        body = office.locator("main, body").first.inner_text()
        for word in ("TLS_CERT", "TLS_KEY", "Not Found", "None"):
            assert word not in body, f"{word!r} shown to the user"
        assert _overflow(office) <= 0
        shot(office, f"tls-http-{name}")

    with office.expect_download() as download:
        office.get_by_role("link", name="로컬 인증기관 인증서 내려받기").click()
    with open(download.value.path(), "rb") as f:
        pem = f.read()
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert download.value.suggested_filename == "kkumideun-pos-ca.crt"

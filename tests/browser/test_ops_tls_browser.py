"""The 보안 연결(HTTPS) page in real Chromium against a real `pos serve`.

Over plain HTTP: a Korean warning that the connection is not encrypted, the way to make a
certificate before there is one, then the CA certificate to download with its fingerprint and
the install steps for Android and iPad. Over HTTPS (the same instance served again with
TLS_CERT/TLS_KEY after `pos tls init`): the page says the connection is encrypted and gives no
HTTP warning. Screenshots at 1024×768 and 800×1280; no horizontal overflow, no setting names
or stray English words shown to the user."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator

import pytest
from conftest import PORTRAIT, TABLET, login_password, own_fixtures, pages
from live import free_port, start_serve, stop_group, wait_healthy
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

tls_server, tls_page = own_fixtures("tls")

#: Latin words the page may show outside its command/file/address spans (.t-code): device,
#: browser and menu names as the tablets themselves show them, and the product name 꿈이든 POS
ALLOWED_LATIN = {"HTTPS", "HTTP", "PIN", "Wi", "Fi", "Chrome", "Safari", "iPad", "CA", "SHA", "POS"}
#: what must never reach the user: setting names and options, Python and HTTP error leftovers
FORBIDDEN = ("TLS_", "POS_", "--cert", "--key", "Not Found", "None", "Traceback", "{{", "}}")


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _check_wording(page: Page) -> None:
    """No setting names anywhere on the page; outside commands, file names and addresses
    (.t-code) only the Latin words of ALLOWED_LATIN."""
    body = page.locator("body").inner_text()
    for word in FORBIDDEN:
        assert word not in body, f"{word!r} shown to the user"
    prose = page.evaluate(
        """() => {
            const main = document.querySelector("main").cloneNode(true);
            main.querySelectorAll(".t-code").forEach(e => e.remove());
            return main.innerText;
        }"""
    )
    latin = set(re.findall(r"[A-Za-z]+", prose))
    assert latin <= ALLOWED_LATIN, f"English on the page: {sorted(latin - ALLOWED_LATIN)}"


def _download_ca(page: Page) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name="로컬 인증기관 인증서 내려받기").click()
    assert download.value.suggested_filename == "kkumideun-pos-ca.crt"
    with open(download.value.path(), "rb") as f:
        return f.read()


def test_plain_http_warns_then_offers_the_ca_and_the_tablet_steps(tls_server, tls_page, shot):
    page = tls_page(TABLET)
    login_password(page)
    page.goto("/admin/tls")
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("암호화하지 않은 연결(HTTP)")
    expect(warning).to_contain_text("PIN")
    expect(warning).to_contain_text("계산과 관리는 지금처럼 쓸 수 있지만")  # HTTP still works
    expect(page.get_by_text("아직 인증서가 없습니다")).to_be_visible()
    expect(page.get_by_text("아직 인증서가 없습니다")).to_contain_text("pos tls init")
    expect(page.get_by_role("link", name="로컬 인증기관 인증서 내려받기")).to_have_count(0)
    expect(page.get_by_role("heading", name="안드로이드 태블릿")).to_be_visible()
    expect(page.get_by_role("heading", name="iPad")).to_be_visible()
    _check_wording(page)
    assert _overflow(page) <= 0
    shot(page, "tls-none-1024")

    made = tls_server.live.pos("tls", "init")
    assert made.returncode == 0, made.stdout + made.stderr
    for viewport, name in ((TABLET, "1024"), (PORTRAIT, "800")):
        office = tls_page(viewport)
        login_password(office)
        office.goto("/admin/tls")
        expect(office.get_by_role("alert")).to_contain_text("암호화하지 않은 연결(HTTP)")
        expect(office.get_by_role("status")).to_have_count(0)
        expect(office.get_by_role("heading", name="안드로이드 태블릿")).to_be_visible()
        expect(office.get_by_role("heading", name="iPad")).to_be_visible()
        expect(office.get_by_text("인증서 신뢰 설정")).to_be_visible()
        fingerprint = office.get_by_text(re.compile(r"지문\(SHA-256\)"))
        expect(fingerprint).to_contain_text(re.compile(r"([0-9A-F]{2}:){31}[0-9A-F]{2}"))
        _check_wording(office)
        assert _overflow(office) <= 0
        shot(office, f"tls-http-{name}")

    pem = _download_ca(office)
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert pem == (tls_server.live.instance / "tls" / "ca.pem").read_bytes()


@pytest.fixture(scope="module")
def tls_https(tls_server) -> Iterator[str]:
    """The same instance served a second time, over HTTPS, with TLS_CERT/TLS_KEY set to the
    files `pos tls init` made; yields its https:// base URL."""
    folder = tls_server.live.instance / "tls"
    if not (folder / "server.pem").exists():
        made = tls_server.live.pos("tls", "init")
        assert made.returncode == 0, made.stdout + made.stderr
    port = free_port()
    env = {
        **tls_server.live.env,
        "TLS_CERT": str(folder / "server.pem"),
        "TLS_KEY": str(folder / "server-key.pem"),
    }
    log_path = tls_server.live.instance / "serve-https.log"
    proc = start_serve(["--port", str(port)], env, log_path)
    try:
        base = f"https://127.0.0.1:{port}"
        trusted = ssl.create_default_context(cafile=str(folder / "ca.pem"))
        wait_healthy(proc, base, log_path, 90, context=trusted)
        yield base
    finally:
        stop_group(proc)


def test_https_says_encrypted_and_gives_no_http_warning(browser, tls_server, tls_https, shot):
    ca = (tls_server.live.instance / "tls" / "ca.pem").read_bytes()
    port = tls_https.rpartition(":")[2]
    with pages(browser, tls_https) as make:
        for viewport, name in ((TABLET, "1024"), (PORTRAIT, "800")):
            page = make(viewport, ignore_https_errors=True)
            login_password(page)
            page.goto("/admin/tls")
            assert page.url.startswith("https://127.0.0.1:")
            ok = page.get_by_role("status")
            expect(ok).to_contain_text("보안 연결(HTTPS)로 접속 중입니다")
            expect(ok).to_contain_text("암호화되어")
            expect(page.get_by_role("alert")).to_have_count(0)
            expect(page.get_by_text("암호화하지 않은")).to_have_count(0)
            color = ok.evaluate("e => getComputedStyle(e).borderTopColor")
            assert color == "rgb(30, 122, 58)"  # green, not the red of the warning
            expect(page.get_by_role("heading", name="안드로이드 태블릿")).to_be_visible()
            expect(page.get_by_role("heading", name="iPad")).to_be_visible()
            expect(page.get_by_text("서버 인증서 유효 기간")).to_contain_text("까지")
            # the address to open on the tablet: this server's HTTPS port
            expect(page.locator("main")).to_contain_text(re.compile(rf"https://\S+:{port}/"))
            _check_wording(page)
            assert _overflow(page) <= 0
            shot(page, f"tls-https-{name}")
        assert _download_ca(page) == ca

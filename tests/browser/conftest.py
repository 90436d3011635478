"""Browser tests run the real thing: `pos serve` on a free port with the demo data, a TCP socket
standing in for the receipt printer, and Debian's headless Chromium driven by Playwright.

Screenshots of each screen are kept in test-artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from live import ROOT as LIVE_ROOT
from live import FakePrinter, LiveServer, pos_command
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 1024, "height": 768}
PORTRAIT = {"width": 800, "height": 1280}
SITE = "CAFE03"
#: every test logs in from 127.0.0.1: the per-address log-in limit is not what these test
RELAXED_LIMITS = 'LOGIN_RATE_LIMIT = "1000 per minute"\nLOGIN_NAME_RATE_LIMIT = "100 per minute"\n'
#: cashiers of the lock-out server, one per test that locks someone: (username, name, PIN)
LOCK_CASHIERS = [
    ("lock1", "최잠금", "2580"),
    ("lock2", "한풀림", "1470"),
    ("lock3", "오새핀", "3690"),
]


@pytest.fixture(scope="session")
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.close()


@dataclass
class OwnServer:
    """A running `pos serve` of a test module's own: its base URL and its receipt printer."""

    url: str
    printer: FakePrinter
    live: LiveServer


def _run(live: LiveServer, command: list[str]) -> None:
    done = subprocess.run(
        command, env=live.env, cwd=LIVE_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="session")
def own_server(tmp_path_factory):
    """Factory: `with own_server(site, cashiers=[(username, name, PIN)], script=PYTHON, **env)
    as srv:` runs a server in a fresh instance of its own (demo data, relaxed log-in limits,
    its own FakePrinter unless ``printer`` is given), so what a module changes stays there.
    ``script`` is Python run against the instance before the server starts."""

    @contextlib.contextmanager
    def start(
        site: str = SITE,
        *,
        cashiers: Sequence[tuple[str, str, str]] = (),
        script: str | None = None,
        printer: FakePrinter | None = None,
        **env: str,
    ) -> Iterator[OwnServer]:
        fake = printer or FakePrinter()
        env.setdefault("PRINTER_URL", fake.url)
        live = LiveServer(tmp_path_factory.mktemp(f"pos-{site.lower()}"), site, **env)
        (live.instance / "config.py").write_text(RELAXED_LIMITS, encoding="utf-8")
        for username, name, pin in cashiers:
            args = ["user", "add", username, "--role", "cashier", "--site", site, "--pin", pin]
            _run(live, pos_command() + args + ["--display-name", name])
        if script:
            _run(live, [sys.executable, "-c", script])
        try:
            yield OwnServer(live.start(), fake, live)
        finally:
            live.stop()
            if printer is None:
                fake.close()

    return start


def own_fixtures(prefix: str, site: str = SITE, **options):
    """A module's own server and its page factory, as two fixtures: PREFIX_server (module
    scope, an OwnServer started by own_server(site, **options)) and PREFIX_page (a factory
    like new_page, on that server). In the module: `x_server, x_page = own_fixtures("x")`."""

    @pytest.fixture(scope="module", name=f"{prefix}_server")
    def server_fixture(own_server) -> Iterator[OwnServer]:
        with own_server(site, **options) as srv:
            yield srv

    @pytest.fixture(name=f"{prefix}_page")
    def page_fixture(browser, request) -> Iterator[Callable[..., Page]]:
        with pages(browser, request.getfixturevalue(f"{prefix}_server").url) as make:
            yield make

    return server_fixture, page_fixture


@pytest.fixture(scope="session")
def server(own_server, printer) -> Iterator[str]:
    """`pos init`, `pos demo`, then `pos serve` in a fresh instance folder; yields the base URL."""
    with own_server(SITE, printer=printer) as srv:
        yield srv.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def lock_server(own_server) -> Iterator[str]:
    """A second server for tests that lock cashiers out, so the shared one's log-in page and
    users stay as the other tests expect. Has the LOCK_CASHIERS at CAFE03 besides the demo."""
    with own_server(SITE, cashiers=LOCK_CASHIERS) as srv:
        yield srv.url


@pytest.fixture
def lock_page(browser, lock_server):
    """Factory like new_page, on the lock-out server."""
    with pages(browser, lock_server) as make:
        yield make


@pytest.fixture
def new_page(browser, server):
    """Factory: a fresh browser context (own cookies and localStorage) with a viewport."""
    with pages(browser, server) as make:
        yield make


@contextlib.contextmanager
def pages(browser: Browser, base_url: str) -> Iterator[Callable[..., Page]]:
    """Factory of pages on ``base_url``, each in a context of its own; fails the test on any
    JavaScript error. For a module's own server: `with pages(browser, srv.url) as make`."""
    contexts = []
    errors: list[str] = []

    def make(viewport: dict | None = None, **options) -> Page:
        context = browser.new_context(
            viewport=viewport or TABLET,
            locale="ko-KR",
            timezone_id="Asia/Seoul",
            base_url=base_url,
            has_touch=True,
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def login_password(
    page: Page, username: str = "manager", password: str = "manager1234", lands: str = "**/admin"
) -> None:
    """Log in with 관리자 로그인 (username and password) and wait for the page it lands on."""
    page.goto("/login")
    page.get_by_role("button", name="관리자 로그인").click()
    form = page.locator(".admin-login")
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    form.get_by_role("button", name="로그인").click()
    page.wait_for_url(lands)


def login_pin(page: Page, name: str, pin: str, lands: str | None = "**/pos") -> None:
    """Log in on the PIN keypad: the name tile, the digits, 확인; then wait for ``lands``
    (None: don't wait, for a PIN that should be refused)."""
    page.goto("/login")
    page.locator(".tile", has_text=name).click()
    for digit in pin:
        page.locator(f'.pin-keypad [data-key="{digit}"]').click()
    page.locator('.pin-keypad [data-key="ok"]').click()
    if lands:
        page.wait_for_url(lands)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def shot():
    """Save a full-page screenshot under test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        extra = os.environ.get("POS_SHOTS_DIR")  # e.g. /tmp/shots, to look at them by hand
        if extra:
            os.makedirs(extra, exist_ok=True)
            shutil.copy(path, extra)
        return path

    return take


@pytest.fixture
def login():
    """Log in on the PIN keypad by tapping the name tile and the digits."""

    def do(page: Page, name: str = "김하늘", pin: str = "1234") -> None:
        login_pin(page, name, pin)
        page.locator(".product").first.wait_for()

    return do


def page_api(page: Page, path: str, method: str = "GET", body: dict | None = None) -> dict:
    """Call the JSON API from inside the page, with its session cookie and CSRF token."""
    return page.evaluate(
        """async ([path, method, body]) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const res = await fetch(path, {
                method,
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: body === null ? undefined : JSON.stringify(body),
            });
            return {status: res.status, data: await res.json()};
        }""",
        [path, method, body],
    )


@pytest.fixture
def api():
    """page_api as a fixture, for the tests that take it so."""
    return page_api


@pytest.fixture
def on_hand(api):
    """On-hand of a product (by SKU) at the cashier's site, read through GET /api/stock."""

    def read(page: Page, sku: str) -> int:
        res = api(page, "/api/stock")
        assert res["status"] == 200, res
        return next(i["on_hand"] for i in res["data"]["items"] if i["sku"] == sku)

    return read

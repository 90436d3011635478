"""Browser tests run the real thing: `pos serve` on a free port with the demo data, a TCP socket
standing in for the receipt printer, and Debian's headless Chromium driven by Playwright.

Screenshots of each screen are kept in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
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
SITE = "CAFE03"


def _pos_command() -> list[str]:
    """The `pos` console script of the virtualenv running pytest."""
    script = Path(sys.executable).with_name("pos")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "flask", "--app", "pos"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakePrinter:
    """A TCP listener on 127.0.0.1 that accepts print jobs and keeps their bytes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="fake-printer", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(10)
                chunks = []
                try:
                    while data := conn.recv(65536):
                        chunks.append(data)
                except OSError:
                    pass
            with self._lock:
                self.jobs.append(b"".join(chunks))

    def close(self) -> None:
        self.sock.close()
        self._thread.join(timeout=5)


@pytest.fixture(scope="session")
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory, printer) -> Iterator[str]:
    """`pos init`, `pos demo`, then `pos serve` in a fresh instance folder; yields the base URL."""
    instance = tmp_path_factory.mktemp("pos-instance")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "RECEIPT_BASE_URL", "POS_ROLE", "CENTRAL_URL", "SECRET_KEY"}
    }
    env.update(
        POS_INSTANCE=str(instance),
        POS_SITE=SITE,
        PRINTER_URL=f"tcp://127.0.0.1:{printer.port}",
        PYTHONUNBUFFERED="1",
    )
    pos = _pos_command()
    for step in (["init"], ["demo"]):
        done = subprocess.run(
            pos + step, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"pos {step[0]} failed:\n{done.stdout}\n{done.stderr}"

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = instance / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            pos + ["serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"pos serve exited:\n{log_path.read_text(errors='replace')}")
                try:
                    with urllib.request.urlopen(f"{base}/api/health", timeout=2) as resp:
                        if json.load(resp).get("ok"):
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"pos serve did not answer:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, server):
    """Factory: a fresh browser context (own cookies and localStorage) with a viewport."""
    contexts = []
    errors: list[str] = []

    def make(viewport: dict | None = None, **options) -> Page:
        context = browser.new_context(
            viewport=viewport or TABLET,
            locale="ko-KR",
            timezone_id="Asia/Seoul",
            base_url=server,
            has_touch=True,
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


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
        return path

    return take


@pytest.fixture
def login():
    """Log in on the PIN keypad by tapping the name tile and the digits."""

    def do(page: Page, name: str = "김하늘", pin: str = "1234") -> None:
        page.goto("/login")
        page.locator(".tile", has_text=name).click()
        for digit in pin:
            page.locator(f'.pin-keypad [data-key="{digit}"]').click()
        page.locator('.pin-keypad [data-key="ok"]').click()
        page.wait_for_url("**/pos")
        page.locator(".product").first.wait_for()

    return do


@pytest.fixture
def api():
    """Call the JSON API from inside the page, with its session cookie and CSRF token."""

    def call(page: Page, path: str, method: str = "GET", body: dict | None = None) -> dict:
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

    return call


@pytest.fixture
def on_hand(api):
    """On-hand of a product (by SKU) at the cashier's site, read through GET /api/stock."""

    def read(page: Page, sku: str) -> int:
        res = api(page, "/api/stock")
        assert res["status"] == 200, res
        return next(i["on_hand"] for i in res["data"]["items"] if i["sku"] == sku)

    return read

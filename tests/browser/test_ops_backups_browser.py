"""The 백업 page in real Chromium against a real `pos serve`: no backup and an old one are red
and say so in Korean; a fresh one is not red and the manager can download it. Screenshots at
1024×768 and 800×1280."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest
from conftest import PORTRAIT, TABLET, login_password, own_fixtures
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

backups_server, backups_page = own_fixtures("backups")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _make_copy(srv, age_days: float) -> str:
    folder = srv.live.instance / "backups"
    os.makedirs(folder, exist_ok=True)
    path = str(folder / "pos-20261201-030000.sqlite3")
    with sqlite3.connect(srv.live.instance / "pos.sqlite3", timeout=15) as src:
        dst = sqlite3.connect(path)
        src.backup(dst)
        dst.close()
    then = time.time() - age_days * 86400
    os.utime(path, (then, then))
    return path


def test_backup_status_red_when_none_or_old_download_when_fresh(backups_server, backups_page, shot):
    page = backups_page(TABLET)
    login_password(page)
    page.goto("/admin/backups")
    card = page.locator("[data-backup-status]")
    expect(card).to_have_attribute("data-backup-status", "none")
    expect(card).to_contain_text("백업이 하나도 없습니다")

    _make_copy(backups_server, age_days=3)
    for viewport, name in ((TABLET, "1024"), (PORTRAIT, "800")):
        office = backups_page(viewport)
        login_password(office)
        office.goto("/admin/backups")
        card = office.locator("[data-backup-status]")
        expect(card).to_have_attribute("data-backup-status", "old")
        expect(card).to_contain_text("3일 전")
        expect(card).to_contain_text("이틀보다 오래되었습니다")
        color = card.evaluate("e => getComputedStyle(e).borderTopColor")
        assert color == "rgb(179, 38, 30)"
        assert _overflow(office) <= 0
        shot(office, f"backups-old-{name}")

    path = _make_copy(backups_server, age_days=0)
    page.goto("/admin/backups")
    card = page.locator("[data-backup-status]")
    expect(card).to_have_attribute("data-backup-status", "fresh")
    with page.expect_download() as download:
        page.get_by_role("link", name="가장 최근 백업 내려받기").click()
    saved = download.value.path()
    assert os.path.getsize(saved) == os.path.getsize(path)
    with open(saved, "rb") as f:
        assert f.read(16) == b"SQLite format 3\x00"
    shot(page, "backups-fresh-1024")

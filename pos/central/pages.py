"""Central admin pages: each site's connection (매장 연결 현황), rejected events, sync tokens,
and the list of sites (the last also on a branch).

They belong to the back office (blueprint ``backoffice``, its layout and navigation) but are
added to the app under ``backoffice.*`` endpoints when the app is made, not to the blueprint
at import: the blueprint is registered before this part runs, and the central-only pages must
not exist on a branch (its navigation leaves their links out, the addresses answer 404)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pos.db import utcnow

KST = ZoneInfo("Asia/Seoul")

#: site kinds in Korean
KIND_LABELS = {"cafe": "카페(지점)", "fair": "행사(장터)", "warehouse": "창고"}


def local_time(value: datetime | None, with_date: bool = True) -> str:
    """A stored UTC time as Seoul time for a page ("12-02 13:42")."""
    if value is None:
        return ""
    shown = value.replace(tzinfo=ZoneInfo("UTC")).astimezone(KST)
    return shown.strftime("%m-%d %H:%M" if with_date else "%H:%M")


def ago(value: datetime | None) -> str:
    """How long ago, in words a manager reads at a glance ("3분 전", "2시간 전")."""
    if value is None:
        return "없음"
    seconds = max(0, int((utcnow() - value).total_seconds()))
    if seconds < 60:
        return "방금"
    if seconds < 3600:
        return f"{seconds // 60}분 전"
    if seconds < 86400:
        return f"{seconds // 3600}시간 전"
    return f"{seconds // 86400}일 전"


def duration(seconds: int | None) -> str:
    """A lag in Korean: "3초", "5분", "2시간 10분", "3일"."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds}초"
    if seconds < 3600:
        return f"{seconds // 60}분"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours}시간 {minutes}분" if minutes else f"{hours}시간"
    return f"{seconds // 86400}일"


def silent_text(minutes: int) -> str:
    """ "1시간 넘게 연락 없음" for the default 60 minutes."""
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}시간 넘게 연락 없음"
    return f"{minutes}분 넘게 연락 없음"


def add_page(app, rule: str, name: str, view, methods=("GET",)) -> None:
    """A back-office page: endpoint ``backoffice.<name>``, so it gets the layout and nav."""
    app.add_url_rule(rule, endpoint=f"backoffice.{name}", view_func=view, methods=list(methods))


def init_app(app) -> None:
    from . import pages_sites, pages_sync, pages_tokens

    pages_sites.init_app(app)
    if app.config["POS_ROLE"] == "central":
        pages_sync.init_app(app)
        pages_tokens.init_app(app)

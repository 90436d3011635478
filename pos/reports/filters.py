"""What a report is asked for: a range of Korean business days, the sites in the user's scope,
and the unit (day, week, month). The API, the pages and the exports read the same query string,
so one parser decides, and a bad date or range is a Korean 400, never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import request
from flask_login import current_user

from pos.api import ApiError
from pos.korean import josa
from pos.sites import SiteInfo, site_directory

KST = ZoneInfo("Asia/Seoul")
#: the longest range one report covers (about three years)
MAX_DAYS = 1100
UNITS = {"day": "일", "week": "주", "month": "월"}
_KOREAN_DATE = re.compile(r"^\s*(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-./년]\s*(\d{1,2})\s*[.월]?\s*$")


def today() -> date:
    """Today in Seoul: report days are Korean business days whatever the server's clock zone."""
    return datetime.now(KST).date()


def bad(message: str, field: str) -> ApiError:
    return ApiError(400, "invalid", message, field)


def parse_date(text: str, field: str, label: str) -> date:
    """2026-12-01, 2026.12.1, 2026. 12. 1. or 2026년 12월 1일."""
    match = _KOREAN_DATE.match(text or "")
    if not match:
        raise bad(f"{josa(label, '은/는')} 2026-12-01처럼 연-월-일로 입력하세요", field)
    try:
        day = date(*(int(g) for g in match.groups()))
    except ValueError:
        raise bad(f"{josa(label, '이/가')} 달력에 없는 날짜입니다", field) from None
    if not date(2000, 1, 1) <= day <= date(2099, 12, 31):
        raise bad(f"{josa(label, '은/는')} 2000년부터 2099년 사이여야 합니다", field)
    return day


def parse_month(text: str | None) -> date:
    """YYYY-MM (or 2026년 12월) → the month's first day; this month when absent."""
    if not text:
        return today().replace(day=1)
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise bad("월은 2026-12처럼 연-월로 입력하세요", "month")
    year = int(match.group(1))
    if not 2000 <= year <= 2099:
        raise bad("월은 2000년부터 2099년 사이여야 합니다", "month")
    return date(year, int(match.group(2)), 1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def period_start(day: date, unit: str) -> date:
    """Weeks start on Monday, months on the 1st."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def period_starts(start: date, end: date, unit: str) -> list[date]:
    """Every period touching [start, end], by its first day."""
    out = []
    cursor = period_start(start, unit)
    while cursor <= end:
        out.append(cursor)
        if unit == "day":
            cursor += timedelta(days=1)
        elif unit == "week":
            cursor += timedelta(days=7)
        else:
            cursor = add_months(cursor, 1)
    return out


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    unit: str
    #: the sites asked for, all inside the user's scope
    sites: tuple[SiteInfo, ...]
    #: True for every site there is: a regional manager or admin who named no site
    all_sites: bool

    @property
    def site_ids(self) -> list[int]:
        return [s.id for s in self.sites]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> tuple[date, date]:
        """The period of the same length just before: whole months go back by months (지난달
        beside this month), any other range by its number of days."""
        if self.start.day == 1 and self.end == month_end(self.end):
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            first = add_months(self.start, -months)
            return first, month_end(add_months(first, months - 1))
        return self.start - timedelta(days=self.days), self.start - timedelta(days=1)

    def query(self, **extra) -> dict:
        """The query string that asks for these filters again (links to exports)."""
        args = {"from": self.start.isoformat(), "to": self.end.isoformat(), "by": self.unit}
        if not self.all_sites:
            args["site"] = ",".join(s.code for s in self.sites)
        return {**args, **extra}


def scope_sites() -> list[SiteInfo]:
    """The sites this user's reports may cover: a manager with a site only it; a regional
    manager (no site) and an admin every site, active or not (old sales stay reportable)."""
    sites = sorted(site_directory().sites.values(), key=lambda s: s.code)
    if current_user.site_id:
        return [s for s in sites if s.id == current_user.site_id]
    return sites


def parse_sites(values: list[str]) -> tuple[tuple[SiteInfo, ...], bool]:
    """``site=A&site=B`` or ``site=A,B``; 403 for a site outside the user's scope."""
    codes = [c.strip() for v in values for c in v.split(",") if c.strip()]
    scope = scope_sites()
    if not codes:
        return tuple(scope), not current_user.site_id
    by_code = {s.code: s for s in scope}
    chosen = []
    for code in dict.fromkeys(codes):
        if code not in by_code:
            if current_user.site_id or site_directory().by_code(code) is not None:
                raise ApiError(403, "forbidden", "이 매장의 리포트를 볼 권한이 없습니다", "site")
            raise bad("알 수 없는 매장입니다", "site")
        chosen.append(by_code[code])
    return tuple(chosen), False


def parse_filters(args=None) -> Filters:
    """from/to (defaults: the last seven days to today), site, by; 400 for anything bad."""
    args = args if args is not None else request.args
    to_text, from_text = args.get("to"), args.get("from")
    end = parse_date(to_text, "to", "끝 날짜") if to_text else today()
    start = parse_date(from_text, "from", "시작 날짜") if from_text else end - timedelta(days=6)
    if start > end:
        raise bad("시작 날짜가 끝 날짜보다 늦습니다", "from")
    if (end - start).days + 1 > MAX_DAYS:
        raise bad("기간은 최대 3년까지 볼 수 있습니다", "to")
    unit = args.get("by") or "day"
    if unit not in UNITS:
        raise bad("단위는 일, 주, 월 가운데 하나여야 합니다", "by")
    sites, all_sites = parse_sites(args.getlist("site") if hasattr(args, "getlist") else [])
    return Filters(start, end, unit, sites, all_sites)

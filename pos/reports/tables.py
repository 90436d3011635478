"""Every table of the dashboard once: its Korean title, its columns (header and kind), its rows
for the filters and which columns a totals row sums. The pages draw these and the exports write
the very same rows, so a CSV never disagrees with the screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import queries
from .filters import Filters, month_end

WEEKDAYS = ("월", "화", "수", "목", "금", "토", "일")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    #: text, date, won, count, pct
    kind: str = "text"
    #: shown on the page too (False: in the exports only, e.g. the site code beside its name)
    screen: bool = True

    @property
    def summed(self) -> bool:
        return self.kind in ("won", "count")


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Filters], list[dict]]
    #: what the page says when there is nothing
    empty: str = "이 기간에는 매출이 없습니다"

    @property
    def screen_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.screen)

    def totals(self, rows: list[dict]) -> dict:
        out: dict = {self.columns[0].key: "합계"}
        for col in self.columns:
            if col.summed and col.key != "rank":
                out[col.key] = sum(int(r.get(col.key) or 0) for r in rows)
        return out


def brn_text(brn: str) -> str:
    """1234567890 → 123-45-67890, as on a 사업자등록증."""
    return f"{brn[:3]}-{brn[3:5]}-{brn[5:]}" if len(brn) == 10 else brn


def _revenue(f: Filters) -> list[dict]:
    rows = queries.revenue_compared(f)
    for r in rows:
        r["change"] = r["total"] - r["prev_total"]
    return rows


def _heatmap(f: Filters) -> list[dict]:
    return [{**r, "weekday_label": WEEKDAYS[r["weekday"]]} for r in queries.heatmap(f)]


def _products(f: Filters) -> list[dict]:
    return [{"rank": i, **r} for i, r in enumerate(queries.products(f), start=1)]


def _vendors(f: Filters) -> list[dict]:
    return [{**r, "brn_text": brn_text(r["brn"])} for r in queries.vendors(f)]


def vat_month(f: Filters) -> tuple[date, date]:
    """The VAT table's month: the month of the range's first day."""
    first = f.start.replace(day=1)
    return first, month_end(first)


def _vat(f: Filters) -> list[dict]:
    start, end = vat_month(f)
    return [{**r, "brn_text": brn_text(r["brn"])} for r in queries.vat(f, start, end)]


WON_VAT = (
    Column("taxable", "과세물품가액", "won"),
    Column("vat", "부가세", "won"),
    Column("exempt", "면세물품가액", "won"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "revenue",
            "매장별 매출",
            (
                Column("period", "기간", "date"),
                Column("site", "매장 코드", screen=False),
                Column("site_name", "매장"),
                Column("sales", "판매 건수", "count"),
                Column("refunds", "환불 건수", "count"),
                Column("total", "순매출", "won"),
                *WON_VAT,
                Column("prev_total", "지난 기간 순매출", "won"),
                Column("change", "증감", "won"),
            ),
            _revenue,
        ),
        Table(
            "heatmap",
            "요일·시간대별 판매",
            (
                Column("weekday_label", "요일"),
                Column("hour", "시"),
                Column("sales", "판매 건수", "count"),
                Column("total", "매출", "won"),
            ),
            _heatmap,
        ),
        Table(
            "products",
            "많이 팔린 상품",
            (
                Column("rank", "순위", "count"),
                Column("sku", "상품코드"),
                Column("name", "상품명"),
                Column("vendor", "공급자"),
                Column("qty", "수량", "count"),
                Column("total", "매출", "won"),
            ),
            _products,
        ),
        Table(
            "payments",
            "결제 수단",
            (
                Column("label", "결제 수단"),
                Column("count", "결제 건수", "count"),
                Column("amount", "금액", "won"),
                Column("share", "비율(%)", "pct"),
            ),
            queries.payments,
        ),
        Table(
            "discounts",
            "할인과 환불",
            (
                Column("site_name", "매장"),
                Column("sales", "판매 건수", "count"),
                Column("gross", "판매 금액", "won"),
                Column("discount", "할인", "won"),
                Column("discount_rate", "할인율(%)", "pct"),
                Column("refunds", "환불 건수", "count"),
                Column("refunded", "환불 금액", "won"),
                Column("refund_rate", "환불률(%)", "pct"),
                Column("total", "순매출", "won"),
            ),
            queries.discounts,
        ),
        Table(
            "vendors",
            "공급자별 매출",
            (
                Column("brn_text", "사업자등록번호"),
                Column("vendor", "공급자"),
                Column("sales", "영수증 수", "count"),
                *WON_VAT,
                Column("total", "합계", "won"),
            ),
            _vendors,
        ),
        Table(
            "vat",
            "부가세 신고 자료",
            (
                Column("brn_text", "사업자등록번호"),
                Column("vendor", "공급자"),
                *WON_VAT,
                Column("total", "합계", "won"),
            ),
            _vat,
            "이 달에는 매출이 없습니다",
        ),
        Table(
            "fairs",
            "하루장터",
            (
                Column("date", "날짜", "date"),
                Column("code", "행사 코드", screen=False),
                Column("name", "행사"),
                Column("place", "장소"),
                Column("state_label", "상태"),
                Column("sales", "판매 건수", "count"),
                Column("gross", "매출", "won"),
                Column("vendors", "참여 공급자", "count"),
            ),
            queries.fairs,
            "이 기간에는 열린 행사가 없습니다",
        ),
        Table(
            "donations",
            "만원의 행복",
            (
                Column("campaign", "나눔"),
                Column("site_name", "매장"),
                Column("sold", "판매(적립)", "count"),
                Column("donated", "기부", "count"),
                Column("owed", "남은 적립", "count"),
            ),
            queries.donations,
            "이 기간에는 나눔 상품 판매가 없습니다",
        ),
    )
}

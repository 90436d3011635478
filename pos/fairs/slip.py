"""A vendor's settlement as a receipt-printer slip, sent to the fair's printer."""

from __future__ import annotations

from flask import current_app

from pos import money
from pos.api import ApiError
from pos.sales.enums import PAYMENT_METHODS
from pos.sites import SiteInfo
from printers import PrinterError, send
from printers.slip import SlipDocument, SlipRow, render_slip

NO_PRINTER = "이 행사장에는 영수증 프린터가 설정되어 있지 않습니다. 관리자에게 알려 주세요."


def vendor_slip(site: SiteInfo, fair, row: dict) -> SlipDocument:
    """One vendor's settlement row as a slip (the same figures as the screen and the XLSX)."""
    brn = row["brn"]
    rows = [
        SlipRow("가져온 수량", f"{row['brought']:,}개"),
        SlipRow("판매 수량", f"{row['sold']:,}개"),
        SlipRow("돌려받은 수량", f"{row['returned']:,}개"),
        SlipRow("차이", f"{row['variance']:,}개"),
        SlipRow(rule=True),
        SlipRow("판매액", money.won(row["gross"]), bold=True),
    ]
    rows += [
        SlipRow(f"  {PAYMENT_METHODS.get(m, m)}", money.won(won))
        for m, won in row["by_method"].items()
        if won
    ]
    if row["refunds"]:
        rows.append(SlipRow("환불", money.won(row["refunds"])))
    rows.append(SlipRow(f"수수료 ({row['commission_pct']:g}%)", money.won(row["commission"])))
    if row.get("adjustments"):
        rows.append(SlipRow("조정", money.won(row["adjustments"])))
    rows += [SlipRow(rule=True), SlipRow("지급액", money.won(row["payable"]), bold=True)]
    return SlipDocument(
        title="행사 정산서",
        lines=(
            site.name,
            f"{fair.date:%Y-%m-%d} {fair.opens}~{fair.closes}",
            f"{row['name']} (부스 {row['booth']})",
            f"사업자등록번호 {brn[:3]}-{brn[3:5]}-{brn[5:]}",
        ),
        rows=tuple(rows),
        footer=("공급자 확인:", "", "행사 담당 확인:"),
    )


def print_slips(site: SiteInfo, fair, rows: list[dict]) -> int:
    """Send one slip per row to the site's printer (its own, else PRINTER_URL)."""
    url = site.printer_url or current_app.config.get("PRINTER_URL")
    if not url:
        raise ApiError(409, "no_printer", NO_PRINTER)
    columns = int(current_app.config.get("PRINTER_COLUMNS") or 42)
    hangul = current_app.config.get("PRINTER_HANGUL") or "text"
    data = b"".join(render_slip(vendor_slip(site, fair, r), columns, hangul) for r in rows)
    try:
        send(url, data)
    except PrinterError as exc:
        raise ApiError(503, "printer_error", exc.message) from None
    return len(rows)

"""A campaign as an XLSX workbook: 요약 (owed / donated / outstanding per site), 판매 (units sold
and refunded per day and site) and 기부 (each donation handed over). Numbers are numbers, so
the sheets sum in Excel; the rows come in ready (the caller counted them)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font


def _sheet(wb: Workbook, title: str, head: list[str], rows: Iterable[list], *, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = "#,##0"
    for col in "ABCDEFG":
        ws.column_dimensions[col].width = 16
    ws.column_dimensions["B"].width = 30
    ws.freeze_panes = "A2"
    return ws


def campaign_xlsx(
    *,
    name: str,
    unit: str,
    summary: list[tuple[str, int, int, int]],
    days: list[tuple],
    donations: list[tuple],
) -> bytes:
    """``summary``: (site, owed, donated, outstanding); ``days``: (date, site, sold, refunded,
    owed); ``donations``: (date, site, recipient, product, qty, note, by)."""
    wb = Workbook()
    totals = [sum(r[i] for r in summary) for i in (1, 2, 3)]
    _sheet(
        wb,
        "요약",
        ["매장", f"{name} 적립({unit})", f"기부({unit})", f"남은 적립({unit})"],
        [list(r) for r in summary] + [["합계", *totals]],
        first=True,
    )
    _sheet(
        wb,
        "판매",
        ["날짜", "매장", f"판매({unit})", f"환불({unit})", f"적립({unit})"],
        [list(r) for r in days],
    )
    _sheet(
        wb,
        "기부",
        ["날짜", "매장", "기부처", "상품", f"수량({unit})", "메모", "기록한 사람"],
        [list(r) for r in donations],
    )
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2, max_col=1):
            for cell in row:
                if hasattr(cell.value, "isoformat"):
                    cell.number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

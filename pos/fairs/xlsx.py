"""The settlement as an XLSX workbook: one row per vendor, a totals row, Korean headers and
numbers stored as numbers (so 지급액 sums in Excel)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from pos.sales.enums import PAYMENT_METHODS

FIXED = [
    ("부스", "booth"),
    ("공급자", "name"),
    ("사업자등록번호", "brn"),
    ("가져온 수량", "brought"),
    ("판매 수량", "sold"),
    ("돌려받은 수량", "returned"),
    ("차이", "variance"),
    ("판매액", "gross"),
    ("환불", "refunds"),
]
TAIL = [
    ("수수료율(%)", "commission_pct"),
    ("수수료", "commission"),
    ("조정", "adjustments"),
    ("지급액", "payable"),
]


def headers(methods: list[str]) -> list[str]:
    return (
        [h for h, _ in FIXED]
        + [f"판매액({PAYMENT_METHODS.get(m, m)})" for m in methods]
        + [h for h, _ in TAIL]
    )


def _row(r: dict, methods: list[str]) -> list:
    return (
        [r.get(k, "") for _, k in FIXED]
        + [r["by_method"].get(m, 0) for m in methods]
        + [r.get(k, "") for _, k in TAIL]
    )


def settlement_xlsx(title: str, data: dict) -> bytes:
    methods = data["methods"]
    wb = Workbook()
    ws = wb.active
    ws.title = "정산"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(headers(methods))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in data["vendors"]:
        ws.append(_row(r, methods))
    totals = {**data["totals"], "booth": "합계", "name": "", "brn": "", "commission_pct": ""}
    ws.append(_row(totals, methods))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    widths = {"A": 8, "B": 24, "C": 14}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

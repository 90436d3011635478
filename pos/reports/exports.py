"""Every dashboard table as CSV (UTF-8 with a BOM, so Excel opens Korean right) and XLSX (Korean
headers, numbers stored as numbers with thousands separators, a 합계 row), at
``/admin/reports/export/<table>.<csv|xlsx>`` under the dashboard's own query string."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Response, abort, render_template, request
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pos.api import ApiError

from .filters import Filters, parse_filters
from .tables import TABLES, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"won": "#,##0", "count": "#,##0", "pct": "0.0"}


def _cells(table: Table, row: dict) -> list:
    return [row.get(col.key, "") for col in table.columns]


def describe(f: Filters, table: Table) -> str:
    """The filters in words, under the title: 기간 and 매장."""
    if table.name == "vat":
        when = f"{f.start.year}년 {f.start.month}월"
    else:
        when = f"{f.start.isoformat()} ~ {f.end.isoformat()}"
    where = "전체 매장" if f.all_sites else ", ".join(s.name for s in f.sites)
    return f"기간 {when} · {where}"


def to_csv(table: Table, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([col.header for col in table.columns])
    for row in rows:
        writer.writerow(_cells(table, row))
    if rows:
        writer.writerow(_cells(table, table.totals(rows)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, rows: list[dict], subtitle: str) -> bytes:
    """Title, the filters, the headers on row 3, the rows and a bold 합계 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = table.title[:31]
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([subtitle])
    ws.append([col.header for col in table.columns])
    head_fill = PatternFill("solid", fgColor="E8F1EC")
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(_cells(table, row))
    if rows:
        ws.append(_cells(table, table.totals(rows)))
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for index, col in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        fmt = FORMATS.get(col.kind)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=4, min_col=index, max_col=index):
                if isinstance(cell.value, int | float):
                    cell.number_format = fmt
        longest = max([len(str(col.header)) * 2] + [len(str(r.get(col.key, ""))) for r in rows])
        ws.column_dimensions[letter].width = min(max(10, longest + 2), 40)
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_filters(name: str) -> Filters:
    """The dashboard's filters; the VAT table also takes the VAT page's ``month``."""
    if name == "vat" and request.args.get("month"):
        from .api import vat_filters

        return vat_filters()
    return parse_filters()


def export(name: str, fmt: str) -> Response:
    """The table ``name`` as a download; a bad filter is a Korean error page (400)."""
    from .api import refresh

    table = TABLES.get(name)
    if table is None or fmt not in ("csv", "xlsx"):
        abort(404)
    try:
        f = export_filters(name)
    except ApiError as exc:
        page = render_template("error.html", status=exc.status, message=exc.message)
        return Response(page, exc.status)
    refresh()
    rows = table.rows(f)
    if name == "vat":
        stem = f"{table.title}_{f.start:%Y-%m}"
    else:
        stem = f"{table.title}_{f.start.isoformat()}_{f.end.isoformat()}"
    stem = stem.replace(" ", "_")
    if fmt == "csv":
        body, mimetype = to_csv(table, rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(table, rows, describe(f, table)), XLSX_TYPE
    ascii_name = f"report-{name}.{fmt}"
    disposition = f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(stem)}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})

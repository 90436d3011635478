"""Reading an import file into clean rows. Anything a user can upload ends in ImportFailed with
Korean messages, never a traceback: the file is bounded in size, rows and cells, Excel files are
checked as zips before openpyxl opens them, and text is cleaned of invisible characters.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
#: rows looked at (blank ones included) before a sheet counts as too long
MAX_SCANNED_ROWS = 5 * MAX_ROWS
MAX_COLUMNS = 50
#: an .xlsx is a zip: bound what it unpacks to (a zip bomb claims little and unpacks to GBs)
MAX_XLSX_UNPACKED = 32 * 1024 * 1024
MAX_XLSX_MEMBERS = 1_000
XLSX_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and password-protected .xlsx
#: invisible Hangul fillers that make a name look blank
_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}
TOO_MANY_ROWS = f"행이 너무 많습니다 (최대 {MAX_ROWS:,}행): 파일을 나눠 가져오세요"
FORMULA = "수식은 가져올 수 없습니다: 엑셀에서 값으로 바꿔(값 붙여넣기) 저장하세요"
TOO_LONG_FIELD = "칸 하나의 내용이 너무 깁니다 (파일이 깨졌거나 따옴표 짝이 맞지 않습니다)"


@dataclass(frozen=True)
class Column:
    """One import column: its name, its Korean header, its longest value."""

    name: str
    korean: str
    max_len: int
    #: codes and numbers are NFKC-normalised (fullwidth digits become ASCII); text is NFC
    code: bool = False
    required: bool = False


@dataclass(frozen=True)
class RowError:
    """One refusal: its row in the file (1 is the header), the column as written, why."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return f"{self.row}행: {self.message}"
        return f"{self.row}행 {self.column}: {self.message}"


class ImportFailed(Exception):
    """Nothing was imported; ``errors`` says what to fix, row by row."""

    def __init__(self, errors: list[RowError | str]):
        self.errors = [e if isinstance(e, RowError) else RowError(None, None, e) for e in errors]
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass
class Sheet:
    """Clean rows keyed by column name, with their row numbers in the file."""

    #: column name -> the header as written in the file (for messages)
    headers: dict[str, str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    #: cells refused while reading, reported with the checks of their values
    errors: list[RowError] = field(default_factory=list)

    def label(self, column: str) -> str:
        return self.headers.get(column, column)


def _fail(message: str) -> ImportFailed:
    return ImportFailed([RowError(None, None, message)])


def clean_text(value: str, *, code: bool = False) -> str:
    """Drop control, format and private-use characters (NUL, U+200B, U+FEFF …), normalise
    (NFC, or NFKC for codes) and collapse whitespace, so what is stored is what is seen.
    """
    if value.isprintable() and _FILLERS.isdisjoint(value):
        # nothing to drop (isprintable is False for any C* or non-ASCII-space Z* character)
        text = unicodedata.normalize("NFKC" if code else "NFC", value)
        return " ".join(text.split())
    kept = []
    for ch in value:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co") and ch not in _FILLERS:
            kept.append(ch)
    text = unicodedata.normalize("NFKC" if code else "NFC", "".join(kept))
    return " ".join(text.split())


def load_bytes(source: str | os.PathLike | bytes | BinaryIO, filename: str | None = None):
    """(bytes, filename) from a path, bytes or an open binary file, at most MAX_FILE_BYTES."""
    if isinstance(source, bytes | bytearray | memoryview):
        data, name = bytes(source), filename or ""
    elif hasattr(source, "read"):
        data, name = source.read(MAX_FILE_BYTES + 1), filename or ""
    else:
        path = Path(source)
        name = filename or path.name
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise _fail(f"파일이 없습니다: {path}") from None
        except IsADirectoryError:
            raise _fail(f"파일이 아니라 폴더입니다: {path}") from None
        except PermissionError:
            raise _fail(f"파일을 읽을 권한이 없습니다: {path}") from None
        except OSError:
            raise _fail(f"파일을 읽을 수 없습니다: {path}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _fail(f"파일이 너무 큽니다 (최대 {MAX_FILE_BYTES // (1024 * 1024)}MB)")
    return data, name


def read_sheet(
    source: str | os.PathLike | bytes | BinaryIO,
    columns: tuple[Column, ...],
    filename: str | None = None,
) -> Sheet:
    """Read and clean a CSV or XLSX file against ``columns``. A file that cannot be read or has
    unknown, duplicated or missing columns raises ImportFailed; refused cells (too long, only
    invisible characters) are left in ``Sheet.errors`` so they are reported with the rest.
    """
    data, name = load_bytes(source, filename)
    raw = _raw_rows(data, Path(name).suffix.lower())
    if not raw or not any(v.strip() for v in raw[0]):
        raise _fail("첫 행에 열 이름이 있어야 합니다 (빈 파일이거나 첫 행이 비었습니다)")
    positions, headers = _map_header(raw[0], columns)
    by_name = {c.name: c for c in columns}
    sheet = Sheet(headers)
    errors: list[RowError] = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        row: dict[str, str] = {}
        for index, value in enumerate(values):
            name_at = positions.get(index)
            if name_at is None:
                if value.strip():
                    errors.append(
                        RowError(number, f"{index + 1}번째 열", "열 이름이 없는 칸에 값이 있습니다")
                    )
                continue
            column, label = by_name[name_at], headers[name_at]
            too_long = f"{column.max_len}자를 넘을 수 없습니다"
            if len(value) > 10 * column.max_len:  # refused without spending time cleaning it
                errors.append(RowError(number, label, too_long))
                row[name_at] = clean_text(value[: column.max_len], code=column.code)
                continue
            if isinstance(value, Formula):
                errors.append(RowError(number, label, FORMULA))
                row[name_at] = ""
                continue
            cleaned = clean_text(value, code=column.code)
            if value.strip() and not cleaned:
                errors.append(RowError(number, label, "보이지 않는 문자만 들어 있습니다"))
            elif len(cleaned) > column.max_len:
                errors.append(RowError(number, label, too_long))
            row[name_at] = cleaned
        for column in columns:
            row.setdefault(column.name, "")
        sheet.rows.append((number, row))
    if len(sheet.rows) > MAX_ROWS:
        raise _fail(TOO_MANY_ROWS)
    sheet.errors = errors
    return sheet


def _map_header(cells: list[str], columns: tuple[Column, ...]):
    """Column positions by name. English and Korean names of one column count as the same."""
    aliases: dict[str, Column] = {}
    for column in columns:
        aliases[column.name] = column
        aliases[column.korean] = column
    positions: dict[int, str] = {}
    headers: dict[str, str] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        header = clean_text(cell)
        if not header:
            continue
        column = aliases.get(header) or aliases.get(header.lower().replace(" ", "_"))
        column = column or aliases.get(header.replace(" ", ""))
        if column is None:
            known = ", ".join(f"{c.korean}({c.name})" for c in columns)
            errors.append(RowError(1, header, f"알 수 없는 열입니다. 쓸 수 있는 열: {known}"))
        elif column.name in headers:
            errors.append(
                RowError(
                    1,
                    header,
                    f"'{headers[column.name]}' 열과 같은 열입니다. 한 열만 남기세요",
                )
            )
        else:
            positions[index] = column.name
            headers[column.name] = header
    missing = [f"{c.korean}({c.name})" for c in columns if c.required and c.name not in headers]
    if missing:
        errors.append(RowError(1, None, f"필수 열이 없습니다: {', '.join(missing)}"))
    if errors:
        raise ImportFailed(errors)
    return positions, headers


def _raw_rows(data: bytes, suffix: str) -> list[list[str]]:
    if data.startswith(ZIP_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise _fail(
            "예전 엑셀(.xls) 형식이거나 암호가 걸린 파일입니다. "
            "암호를 풀고 .xlsx 또는 CSV(UTF-8)로 다시 저장하세요"
        )
    if suffix in XLSX_SUFFIXES:
        raise _fail(
            "확장자는 .xlsx인데 엑셀 파일이 아닙니다. "
            "CSV 파일이면 확장자를 .csv로 바꾸고, 아니면 엑셀에서 .xlsx로 다시 저장하세요"
        )
    return _csv_rows(data)


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        number = len(rows) + 1
        try:
            values = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            too_long = "field larger than field limit" in str(exc)
            message = (
                TOO_LONG_FIELD if too_long else "CSV 형식이 잘못되었습니다 (따옴표를 확인하세요)"
            )
            raise ImportFailed([RowError(number, None, message)]) from None
        rows.append(_within_width(number, values))
        if len(rows) > MAX_SCANNED_ROWS:
            raise _fail(TOO_MANY_ROWS)


_BINARY_BYTES = (*range(0x00, 0x09), *range(0x0E, 0x20))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail("CSV 파일로 읽을 수 없습니다: UTF-16 글자가 깨졌습니다") from None
    head = data[:8192]
    if sum(head.count(bytes([b])) for b in _BINARY_BYTES) > len(head) // 20:
        # text has next to no control bytes: this is a picture, a program, an archive …
        raise _fail(
            "CSV나 엑셀(.xlsx) 파일이 아닙니다: 파일 종류를 확인하세요 "
            "(엑셀에서 'CSV UTF-8' 또는 .xlsx로 저장한 파일을 올리세요)"
        )
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    failures = []
    for encoding, skip in (("utf-8", bom), ("cp949", 0)):
        try:
            return data[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            failures.append(exc.start + skip)
    # name the broken byte in the encoding that read furthest (a CP949 file with one bad byte
    # fails UTF-8 at its first Hangul, CP949 only at the bad byte)
    at = max(failures)
    line = data.count(b"\n", 0, at) + 1
    raise ImportFailed(
        [
            RowError(
                line,
                None,
                f"읽을 수 없는 글자가 있습니다 ({at + 1:,}번째 바이트 "
                f"0x{data[at]:02X}): 글자 인코딩이 깨졌습니다. "
                "엑셀에서 'CSV UTF-8' 또는 .xlsx로 다시 저장하세요",
            )
        ]
    )


def _within_width(number: int, values: list[str]) -> list[str]:
    """At most MAX_COLUMNS cells; empty cells past them (Excel's trailing commas) are dropped."""
    if len(values) > MAX_COLUMNS:
        if any(v.strip() for v in values[MAX_COLUMNS:]):
            raise ImportFailed(
                [RowError(number, None, f"열이 너무 많습니다 (최대 {MAX_COLUMNS}열)")]
            )
        del values[MAX_COLUMNS:]
    return values


#: a workbook with a sheet of this name is imported from it (the product export has one)
IMPORT_SHEET = "가져오기용"


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """Rows of the sheet to import (IMPORT_SHEET, else the active one), read with openpyxl only
    after the zip itself looked sound."""
    not_excel = "엑셀(.xlsx) 파일을 읽을 수 없습니다: 손상되었거나 다른 형식의 파일입니다"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _fail(not_excel) from None
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNPACKED:
        raise _fail("엑셀 파일의 압축을 풀면 너무 큽니다: 필요한 시트만 남기거나 CSV로 저장하세요")
    if "[Content_Types].xml" not in {m.filename for m in members}:
        raise _fail("엑셀(.xlsx) 파일이 아닙니다: 일반 zip 압축 파일입니다")
    from openpyxl import load_workbook

    rows: list[list[str]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            # formulas are read as formulas (not Excel's cached results) so they can be refused
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                # our own export carries a sheet shaped for importing (IMPORT_SHEET)
                names = workbook.sheetnames
                sheet = workbook[IMPORT_SHEET] if IMPORT_SHEET in names else workbook.active
                for cells in sheet.iter_rows(max_col=MAX_COLUMNS + 1):
                    rows.append([_cell_text(c) for c in cells])
                    if len(rows) > MAX_SCANNED_ROWS:
                        break
            finally:
                workbook.close()
    except Exception:  # openpyxl raises KeyError, ParseError, zlib.error, TypeError …
        raise _fail(not_excel) from None
    if len(rows) > MAX_SCANNED_ROWS:
        raise _fail(TOO_MANY_ROWS)
    return [_within_width(number, values) for number, values in enumerate(rows, start=1)]


class Formula(str):
    """A cell holding an Excel formula: refused with its row and column, never evaluated."""


def _cell_text(cell) -> str:
    """An Excel value as the text a user typed: 6000.0 is 6000, a date is ISO."""
    value = cell.value
    if cell.data_type == "f":
        return Formula(str(value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)

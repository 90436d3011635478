"""Back office: site settings (매장 설정) of the working site: the receipt's header and footer
lines and the receipt printer, with a 시험 인쇄 that goes straight to that printer.

Lines are limited so that each fits one printed row at ``PRINTER_COLUMNS`` and a receipt stays
a receipt; the printer URL is checked by printers' own parser. The test slip is sent over the
printer's transport with the print timeout, in the request, and the answer is shown in Korean.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for

import printers
from pos.auth.service import roles_required
from pos.db import db
from pos.scope import SITE_ADMINS, require_site, working_site
from pos.sites import Site
from printers.layout import cp949_width
from printers.testpage import render_slip, slip_lines

from .settings_preview import preview
from .views import bp

KST = ZoneInfo("Asia/Seoul")
MAX_LINES = 6
URL_MAX = 300
#: a printer's name or address: letters, digits, dots, dashes (colons for IPv6)
HOST_RE = re.compile(r"[A-Za-z0-9.:-]{1,253}")
site_admins = roles_required(*SITE_ADMINS)

URL_HELP = {
    "tcp": "네트워크 프린터 주소는 tcp://192.168.0.50:9100 처럼 입력하세요.",
    "usb": (
        "USB 프린터 주소는 usb://04b8:0202 처럼 제조사와 제품 번호(16진수 4자리씩)로 입력하세요."
    ),
    "serial": "시리얼 프린터 주소는 serial:///dev/ttyUSB0?baudrate=19200 처럼 입력하세요.",
}
URL_SCHEMES = (
    "프린터 주소는 tcp://, usb:// 또는 serial:// 로 시작해야 합니다. 예: tcp://192.168.0.50:9100"
)


def _columns() -> int:
    return int(current_app.config["PRINTER_COLUMNS"])


def clean_lines(text: str) -> list[str]:
    """Rows as typed: line ends unified, spaces at the ends of rows and empty rows around the
    text dropped (empty rows inside stay, as spacing)."""
    rows = [row.rstrip() for row in (text or "").replace("\r\n", "\n").split("\n")]
    while rows and not rows[0].strip():
        rows.pop(0)
    while rows and not rows[-1].strip():
        rows.pop()
    return rows


def check_lines(text: str, what: str) -> tuple[str, str | None]:
    """(stored text, Korean reason or None) for a header or footer."""
    if len(text or "") > 2000:
        return text[:2000], f"{what}이 너무 깁니다. {MAX_LINES}줄까지 쓸 수 있습니다."
    rows = clean_lines(text)
    if len(rows) > MAX_LINES:
        return "\n".join(rows), f"{what}은 {MAX_LINES}줄까지 쓸 수 있습니다 (지금 {len(rows)}줄)."
    columns = _columns()
    for n, row in enumerate(rows, 1):
        bad = [ch for ch in row if not ch.isprintable() or not _cp949(ch)]
        if bad:
            shown = "".join(dict.fromkeys(c for c in bad if c.isprintable())) or "보이지 않는 글자"
            reason = f"{n}번째 줄의 글자({shown})는 영수증 프린터로 출력할 수 없습니다."
            return "\n".join(rows), reason
        if cp949_width(row) > columns:
            return "\n".join(rows), (
                f"{n}번째 줄이 너무 깁니다. 한 줄에 한글 {columns // 2}자, "
                f"영문·숫자 {columns}자까지 들어갑니다."
            )
    return "\n".join(rows), None


def _cp949(ch: str) -> bool:
    try:
        ch.encode("cp949")
    except UnicodeEncodeError:
        return False
    return True


def check_printer_url(text: str) -> tuple[str | None, str | None]:
    """(stored URL or None for "the server's printer", Korean reason or None)."""
    url = (text or "").strip()
    if not url:
        return None, None
    if len(url) > URL_MAX:
        return url[:URL_MAX], f"프린터 주소는 {URL_MAX}자까지 쓸 수 있습니다."
    scheme = url.partition("://")[0].lower()
    if scheme == "file":
        # a file target would let a browser write over any file the server may write
        return url, "파일로 출력하는 주소는 이 화면에서 정할 수 없습니다. " + URL_SCHEMES
    try:
        target = printers.parse_printer_url(url)
    except ValueError:
        return url, URL_HELP.get(scheme, URL_SCHEMES)
    if target.scheme == "serial" and not target.path.startswith("/dev/"):
        return url, URL_HELP["serial"]
    if target.scheme == "tcp" and not HOST_RE.fullmatch(target.host):
        return url, URL_HELP["tcp"]
    return url, None


def _page(site: Site, form: dict, errors: dict, status: int = 200, result=None):
    header = clean_lines(form.get("receipt_header", ""))
    footer = clean_lines(form.get("receipt_footer", ""))
    return (
        render_template(
            "backoffice/settings/index.html",
            site=site,
            form=form,
            errors=errors,
            result=result,
            columns=_columns(),
            max_lines=MAX_LINES,
            server_printer=bool(current_app.config.get("PRINTER_URL")),
            preview=preview(site, header[:MAX_LINES], footer[:MAX_LINES], _columns()),
        ),
        status,
    )


def _site() -> Site:
    info = working_site()
    require_site(info.id)
    return db.session.get(Site, info.id)


@bp.get("/admin/settings")
@site_admins
def settings():
    site = _site()
    form = {
        "receipt_header": site.receipt_header or "",
        "receipt_footer": site.receipt_footer or "",
        "printer_url": site.printer_url or "",
    }
    return _page(site, form, {})


def _checked(form) -> tuple[dict, dict]:
    values, errors = {}, {}
    for key, what in (("receipt_header", "머리말"), ("receipt_footer", "꼬리말")):
        values[key], reason = check_lines(form.get(key, ""), what)
        if reason:
            errors[key] = reason
    values["printer_url"], reason = check_printer_url(form.get("printer_url", ""))
    if reason:
        errors["printer_url"] = reason
    return values, errors


@bp.post("/admin/settings")
@site_admins
def settings_save():
    site = _site()
    values, errors = _checked(request.form)
    if errors:
        return _page(site, dict(request.form), errors, 422)
    site.receipt_header = values["receipt_header"]
    site.receipt_footer = values["receipt_footer"]
    site.printer_url = values["printer_url"]
    db.session.commit()
    flash(f"{site.name}의 매장 설정을 저장했습니다.", "ok")
    return redirect(url_for(".settings"))


@bp.post("/admin/settings/test-print")
@site_admins
def settings_test_print():
    """Print the slip on the printer in the form (saved or not), else the server's printer."""
    site = _site()
    form = dict(request.form)
    values, errors = _checked(request.form)
    if errors:
        return _page(site, form, errors, 422)
    url = values["printer_url"] or current_app.config.get("PRINTER_URL")
    if not url:
        result = ("error", "설정된 프린터가 없습니다. 프린터 주소를 입력한 뒤 시험 인쇄하세요.")
        return _page(site, form, {}, 200, result)
    return _page(site, form, {}, 200, _print_slip(site, url, values))


def _print_slip(site: Site, url: str, values: dict) -> tuple[str, str]:
    cfg = current_app.config
    lines = slip_lines(
        site.name,
        datetime.now(KST).strftime("%Y-%m-%d %H:%M:%S"),
        clean_lines(values["receipt_header"]),
        clean_lines(values["receipt_footer"]),
        columns=_columns(),
    )
    status_timeout = cfg.get("PRINTER_STATUS_TIMEOUT")
    try:
        data = render_slip(lines, _columns(), cfg["PRINTER_HANGUL"])
        delivery = printers.send(
            url,
            data,
            timeout=float(cfg["PRINTER_TIMEOUT"]),
            status_timeout=None if status_timeout in (None, "") else float(status_timeout),
        )
    except printers.PrinterError as exc:
        current_app.logger.warning("test print to %s failed: %s", url, exc.detail)
        return "error", f"시험 인쇄를 하지 못했습니다. {exc.message}"
    except printers.FontNotFoundError:
        return "error", "영수증 글꼴이 없어 출력할 수 없습니다. 관리자에게 알려 주세요."
    if delivery is printers.Delivery.CONFIRMED:
        return "ok", "시험 인쇄를 보냈고, 프린터가 정상이라고 답했습니다. 종이를 확인해 보세요."
    return "ok", (
        "시험 인쇄를 보냈습니다. 이 프린터는 상태를 알려 주지 않으니 종이가 나왔는지 확인해 주세요."
    )

"""The closing slip of a shift (마감 전표) and the day's Z report (일일 마감) on the receipt
printer: plain slips (printers.slip), Hangul in FS & … FS . as CP949 like every receipt."""

from __future__ import annotations

from datetime import date

from pos import money
from pos.db import db, utcnow
from pos.receipts.models import JobKind, PrintJob
from pos.receipts.queue import printer_settings, renderer
from pos.sales.enums import PaymentMethod
from pos.sales.record import local_time
from pos.sites import SiteInfo, site_directory
from printers.slip import SlipDocument, SlipRow, render_slip

from .figures import shift_figures
from .models import Shift

LABELS = PaymentMethod.labels()


def _when(text: str | None) -> str:
    """ "2026-12-02T13:05:00+09:00" → "2026-12-02 13:05"."""
    return text[:16].replace("T", " ") if text else ""


def _minus(won: int) -> str:
    """Money out of the till or the day, printed with its sign ("-3,000원"; nothing is "0원")."""
    return money.won(-won) if won else "0원"


def over_short_text(won: int | None) -> str:
    if won is None:
        return "-"
    if won == 0:
        return "0원 (맞음)"
    return f"{money.won(won)} (남음)" if won > 0 else f"{money.won(won)} (모자람)"


def shift_slip(f: dict, site: SiteInfo | None) -> SlipDocument:
    rows = [
        SlipRow("시작 현금", money.won(f["opening_float"])),
        SlipRow("현금 판매", money.won(f["cash_sales"])),
        SlipRow("현금 환불", _minus(f["cash_refunds"])),
        SlipRow("입금", money.won(f["paid_in"])),
        SlipRow("출금", _minus(f["paid_out"])),
        SlipRow(rule=True),
        SlipRow("예상 현금", money.won(f["expected_cash"]), bold=True),
    ]
    if f["closed"]:
        rows += [
            SlipRow("센 현금", money.won(f["counted_cash"]), bold=True),
            SlipRow("과부족", over_short_text(f["over_short"]), bold=True),
        ]
    rows += [
        SlipRow(rule=True),
        SlipRow(f"판매 {f['count']}건", money.won(f["sales"])),
        SlipRow(f"환불 {f['refund_count']}건", _minus(f["refunds"])),
        SlipRow("할인", money.won(f["discounts"])),
    ]
    if f["by_method"]:
        rows.append(SlipRow("결제 수단별 (환불 뺀 금액)", ""))
        rows += [SlipRow(f"  {LABELS.get(m, m)}", money.won(w)) for m, w in f["by_method"].items()]
    moves = [m for m in f["movements"] if m["kind"] != "no_sale"]
    if moves:
        rows.append(SlipRow(rule=True))
        rows += [
            SlipRow(
                f"{m['label']} {m['reason']}",
                _minus(m["amount"]) if m["kind"] == "pay_out" else money.won(m["amount"]),
            )
            for m in moves
        ]
    return SlipDocument(
        title="마감 전표" if f["closed"] else "중간 점검",
        lines=(
            site.name if site else f["site"],
            f"계산원 {f['user']}",
            f"시작 {_when(f['opened_at'])}",
            f"마감 {_when(f['closed_at'])}" if f["closed"] else "영업 중",
        ),
        rows=tuple(rows),
        footer=("계산원 확인:", "", "매니저 확인:"),
    )


def z_slip(z: dict, printed_at: str) -> SlipDocument:
    rows = [
        SlipRow(f"판매 {z['sales']}건", ""),
        SlipRow("총매출", money.won(z["gross"])),
        SlipRow("할인", _minus(z["discounts"])),
        SlipRow(f"환불 {z['refund_count']}건", _minus(z["refunds"])),
        SlipRow(rule=True),
        SlipRow("순매출", money.won(z["net"]), bold=True),
        SlipRow("과세물품가액", money.won(z["taxable"])),
        SlipRow("부가세", money.won(z["vat"])),
        SlipRow("면세물품가액", money.won(z["exempt"])),
        SlipRow(rule=True),
    ]
    rows += [SlipRow(LABELS.get(m, m), money.won(w)) for m, w in z["by_method"].items()]
    rows += [
        SlipRow("돈통 입금", money.won(z["paid_in"])),
        SlipRow("돈통 출금", _minus(z["paid_out"])),
    ]
    if z["orders"]:
        rows.append(SlipRow("제조 주문", f"{z['orders']}건"))
    if z["top_items"]:
        rows += [SlipRow(rule=True), SlipRow("많이 팔린 상품", "")]
        rows += [
            SlipRow(f"{i['name']} x{i['qty']}", money.won(i["amount"])) for i in z["top_items"]
        ]
    if z["shifts"]:
        rows += [SlipRow(rule=True), SlipRow("돈통 (교대별)", "")]
        for s in z["shifts"]:
            state = "" if s["closed"] else " (영업 중)"
            rows.append(SlipRow(f"{s['user']}{state} 예상", money.won(s["expected_cash"])))
            if s["closed"]:
                rows.append(SlipRow("  과부족", over_short_text(s["over_short"])))
    footer = ["매니저 확인:"]
    if z["cash_receipts_pending"]:
        footer.insert(0, f"현금영수증 미발급 {z['cash_receipts_pending']}건: 발급 후 기록하세요")
    return SlipDocument(
        title="일일 마감",
        lines=(z["site_name"], f"영업일 {z['day']}", f"출력 {printed_at}"),
        rows=tuple(rows),
        footer=tuple(footer),
    )


def _render(doc: SlipDocument) -> bytes:
    columns, hangul = printer_settings()
    return render_slip(doc, columns, hangul)


@renderer(JobKind.SHIFT)
def render_shift_job(job: PrintJob) -> bytes:
    shift = db.session.get(Shift, job.ref)
    return _render(shift_slip(shift_figures(shift), site_directory().get(shift.site_id)))


@renderer(JobKind.ZREPORT)
def render_zreport_job(job: PrintJob) -> bytes:
    from .zreport import z_report

    site = site_directory().get(job.site_id)
    z = z_report(site, date.fromisoformat(job.ref))
    return _render(z_slip(z, local_time(utcnow()).strftime("%Y-%m-%d %H:%M")))

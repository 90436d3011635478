"""Back office: refunds on a sale's page of 오늘 판매 (managers and admins; no PIN needed).

The form posts lines and quantities, a reason and how the money goes back; the amount is the
refund service's own (what those units are worth after discounts), so the page never sends a
sum that could disagree with the API's rules. A form id makes a double click one refund.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from pydantic import ValidationError

from pos import money
from pos.api import ApiError
from pos.auth.service import roles_required
from pos.backoffice.views import bp
from pos.db import db
from pos.korean import josa
from pos.receipts.models import JobKind
from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue
from pos.sales.enums import PaymentMethod
from pos.sales.record import SaleRecord, load_sale_record
from pos.scope import BACK_OFFICE, SITE_ADMINS, require_site

from .amounts import plan_lines
from .models import Refund
from .record import RefundRecord, load_refunds, refunded_by_line, refunded_by_method
from .schemas import RefundIn
from .service import place_refund
from .view import user_name

site_admins = roles_required(*SITE_ADMINS)
back_office = roles_required(*BACK_OFFICE)


def refund_form_context(rec: SaleRecord) -> dict:
    """What the sale page needs to show its refunds and the refund form."""
    refunds = load_refunds(rec.id)
    refunded = refunded_by_line(refunds)
    back = refunded_by_method(refunds)
    paid: dict[str, int] = {}
    for p in rec.payments:
        paid[p.method.value] = paid.get(p.method.value, 0) + p.amount
    methods = [
        (method, PaymentMethod(method).label, won - back.get(method, 0))
        for method, won in paid.items()
        if won > back.get(method, 0)
    ]
    return {
        "refunds": refunds,
        "refund_rows": [
            {"line": ln, "refunded": refunded.get(ln.position, (0, 0))[0]} for ln in rec.lines
        ],
        "refund_methods": methods,
        "refundable_total": rec.total - sum(r.total for r in refunds),
        "may_refund": current_user.role in SITE_ADMINS and rec.status != "voided",
        "form_id": str(uuid.uuid4()),
        "approver_name": _approver_names(refunds),
        "method_labels": PaymentMethod.labels(),
    }


def _approver_names(refunds: list[RefundRecord]) -> dict[str, str | None]:
    return {r.id: user_name(r.approver_id) for r in refunds}


def _asked_lines(rec: SaleRecord) -> list[dict]:
    lines = []
    for ln in rec.lines:
        text = (request.form.get(f"qty-{ln.position + 1}") or "0").strip()
        qty = int(text) if text.isdigit() and len(text) < 4 else -1
        if qty < 0:
            raise ApiError(422, "invalid", f"{ln.name}의 수량은 0 이상의 정수로 적어 주세요")
        if qty:
            lines.append({"line": ln.position + 1, "qty": qty})
    if not lines:
        raise ApiError(422, "invalid", "환불할 상품의 수량을 적어 주세요")
    return lines


@bp.post("/admin/sales/<sale_id>/refund")
@site_admins
def sale_refund(sale_id: str):
    rec = load_sale_record(sale_id)
    if rec is None:
        abort(404)
    require_site(rec.site_id)
    back = redirect(url_for("backoffice.sale_detail", sale_id=sale_id) + "#refund")
    method = request.form.get("method", "")
    form_id = request.form.get("form_id") or str(uuid.uuid4())
    if db.session.get(Refund, form_id) is not None:
        flash("이미 처리된 환불입니다", "ok")  # a double click or a reload of the form
        return back
    try:
        lines = _asked_lines(rec)
        # what these units are worth now (the service checks it again under the lock)
        asked = RefundIn.model_validate(
            {
                "id": form_id,
                "lines": lines,
                "reason": "-",
                "payments": [{"method": "cash", "amount": 1}],
            },
            strict=False,  # the form's id is text, not a UUID object
        )
        total = sum(
            p.amount for p in plan_lines(rec, asked.lines, refunded_by_line(load_refunds(rec.id)))
        )
        payload = RefundIn.model_validate(
            {
                "id": str(asked.id),
                "lines": lines,
                "reason": (request.form.get("reason") or "").strip(),
                "payments": [
                    {
                        "method": method,
                        "amount": total,
                        "approval_no": (request.form.get("approval_no") or "").strip() or None,
                    }
                ],
            },
            strict=False,
        )
        placed = place_refund(payload, sale_id, current_user)
        db.session.commit()
    except ApiError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return back
    except ValidationError as exc:
        db.session.rollback()
        flash(_form_error(exc), "error")
        return back
    label = PaymentMethod(method).label
    flash(
        f"{money.won(placed.refund.total)}을 {josa(label, '으로/로')} 환불했습니다 "
        f"(반품 영수증 {placed.refund.receipt_no})",
        "ok",
    )
    return back


def _form_error(exc: ValidationError) -> str:
    field = ".".join(str(p) for p in exc.errors()[0]["loc"])
    if field == "reason":
        return "환불 사유를 적어 주세요"
    if "method" in field:
        return "돌려줄 방법을 고르세요"
    if "approval_no" in field:
        return "취소 승인번호는 영문·숫자로 적어 주세요 (카드번호는 적지 마세요)"
    return "입력한 내용을 확인해 주세요"


@bp.post("/admin/refunds/<refund_id>/reprint")
@back_office
def refund_reprint(refund_id: str):
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        abort(404)
    require_site(refund.site_id)
    status = enqueue(
        refund.sale_id, kind=JobKind.REFUND, ref=refund.id, site_id=refund.site_id, reprint=True
    )
    if status is None:
        flash(NO_PRINTER_MESSAGE, "error")
    else:
        db.session.commit()
        flash(f"반품 영수증 {josa(refund.receipt_no, '을/를')} 다시 출력합니다.", "ok")
    return redirect(url_for("backoffice.sale_detail", sale_id=refund.sale_id) + "#refund")

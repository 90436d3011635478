"""The public e-receipt page behind its token, QR images, and the print-job list."""

from __future__ import annotations

import hmac
import io

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import select

from pos import money
from pos.api import endpoint
from pos.auth.service import login_required
from pos.context import current_site
from pos.db import db
from pos.refunds.models import Refund
from pos.refunds.printing import refund_documents
from pos.refunds.record import load_refunds
from pos.sales.enums import SaleStatus
from pos.sales.models import Sale
from pos.sales.record import load_sale_record
from pos.sales.responses import PrintJobsOut

from .documents import allocated_payments, option_label, receipt_documents
from .models import JobKind, JobStatus, PrintJob
from .queue import status_label

bp = Blueprint("receipts", __name__)


def qr_svg(text: str) -> bytes:
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()


def _sale_by_token(sale_id: str) -> Sale:
    sale = db.session.get(Sale, sale_id)
    token = request.args.get("t", "")
    if sale is None or not hmac.compare_digest(sale.receipt_token.encode(), token.encode()):
        abort(404)
    return sale


@bp.get("/r/<sale_id>")
def e_receipt(sale_id: str):
    sale = _sale_by_token(sale_id)
    refunds = load_refunds(sale.id)
    rec = load_sale_record(sale.id) if refunds else None
    html = render_template(
        "receipts/e_receipt.html",
        sale=sale,
        docs=receipt_documents(sale),
        # each refund's 반품 영수증, as printed (amounts negative)
        refund_docs=[(r, refund_documents(r, rec)) for r in refunds],
        status_label=SaleStatus(sale.status).label,
        allocation=allocated_payments(sale),
        won=money.won,
        num=money.num,
        option_label=option_label,
        public=True,  # no session or CSRF token on the customer's page
    )
    # the page is a customer's receipt: keep it out of shared caches and referrers
    return html, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.get("/r/<sale_id>/qr.svg")
def e_receipt_qr(sale_id: str):
    sale = _sale_by_token(sale_id)
    return Response(qr_svg(sale.receipt_url), mimetype="image/svg+xml")


@endpoint(
    "/print-jobs",
    summary="Receipts waiting, retrying or failed, newest first (all=1: printed and sent too)",
    response=PrintJobsOut,
)
@login_required
def list_print_jobs():
    site = current_site()
    # the cashier's receipts and 반품 영수증; the bar's tickets and drawer kicks are not listed
    q = (
        select(PrintJob)
        .join(Sale, Sale.id == PrintJob.sale_id)
        .where(Sale.site_id == site.id, PrintJob.kind.in_((JobKind.RECEIPT, JobKind.REFUND)))
        .order_by(PrintJob.id.desc())
        .limit(50)
    )
    if request.args.get("all") != "1":
        # printed and sent jobs need nothing from the cashier
        q = q.where(PrintJob.status.not_in((JobStatus.PRINTED, JobStatus.SENT)))
    jobs = db.session.scalars(q).all()
    refund_ids = [j.ref for j in jobs if j.kind == JobKind.REFUND and j.ref]
    refunds = {
        r.id: r
        for r in (
            db.session.scalars(select(Refund).where(Refund.id.in_(refund_ids)))
            if refund_ids
            else ()
        )
    }
    return jsonify(
        {
            "jobs": [
                {
                    "id": j.id,
                    "kind": j.kind,
                    "kind_label": "반품" if j.kind == JobKind.REFUND else "영수증",
                    "ref": j.ref,
                    "sale_id": j.sale_id,
                    "receipt_no": (refunds[j.ref] if j.ref in refunds else j.sale).receipt_no,
                    "number": j.sale.number,
                    "total": (refunds[j.ref] if j.ref in refunds else j.sale).total,
                    "reprint": j.reprint,
                    "status": j.status,
                    "label": status_label(j.status),
                    "attempts": j.attempts,
                    "error": j.last_error,
                    "error_code": j.error_code,
                }
                for j in jobs
            ],
            "user": current_user.display_name,
        }
    )

"""Back office: today's sales (오늘 판매) at the working site: a day's list, newest first, with
search by 주문번호 or 영수증번호, one sale opened as its record shows it, and a reprint.

The list reads the sales tables once per page (sales, their payments, their latest print
job); a sale is opened through ``load_sale_record`` and the receipts' own documents, so this
page shows what the paper and the e-receipt show. A reprint is the queue's ``enqueue`` with
``reprint=True``, as POST /api/sales/ID/print does.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from pos import money
from pos.auth.models import User
from pos.auth.service import roles_required
from pos.db import db
from pos.receipts.documents import receipt_documents
from pos.receipts.models import OPEN_STATUSES, PrintJob
from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue, status_label
from pos.refunds.models import Refund
from pos.refunds.pages import refund_form_context  # also registers the refund form's route
from pos.sales.enums import PaymentMethod, SaleStatus
from pos.sales.models import Payment, Sale, SaleReceipt
from pos.sales.record import load_sale_record, local_time
from pos.scope import BACK_OFFICE, require_site, working_site
from pos.sites import site_directory

from .views import bp

KST = ZoneInfo("Asia/Seoul")
PAGE_SIZE = 50
back_office = roles_required(*BACK_OFFICE)


def _today() -> date:
    return datetime.now(KST).date()


def _day() -> date:
    """The day asked for (the date picker), else today in Seoul; nonsense means today."""
    text = request.args.get("day", "")
    try:
        day = date.fromisoformat(text) if text else _today()
    except ValueError:
        return _today()
    return day if date(2000, 1, 1) <= day <= _today() + timedelta(days=1) else _today()


def _search(q, text: str):
    """A number alone is the day's 주문번호; anything else part of a receipt number, on any
    day (the receipt number carries its own date), per vendor receipt too."""
    if text.isdigit() and len(text) <= 6:
        return q.where(Sale.number == int(text)), True
    like = f"%{text.upper()}%"
    per_vendor = select(SaleReceipt.sale_id).where(func.upper(SaleReceipt.receipt_no).like(like))
    return q.where(or_(func.upper(Sale.receipt_no).like(like), Sale.id.in_(per_vendor))), False


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, int(value)) if value.isdigit() and len(value) < 6 else 1


@bp.get("/admin/sales")
@back_office
def sales():
    site = working_site()
    require_site(site.id)
    day = _day()
    text = (request.args.get("q") or "").strip()[:60]
    q = select(Sale).where(Sale.site_id == site.id)
    by_day = True
    if text:
        q, by_day = _search(q, text)
    if by_day:
        q = q.where(Sale.business_day == day)
    found_all = q.order_by(None).subquery()
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(found_all.c.total), 0))
    ).one()
    # what was given back of these sales (refunds and voids), so 순매출 matches 일일 마감
    refunded = db.session.execute(
        select(func.coalesce(func.sum(Refund.total), 0)).where(
            Refund.sale_id.in_(select(found_all.c.id))
        )
    ).scalar()
    page = _page_number()
    found = db.session.scalars(
        q.order_by(Sale.created_at.desc(), Sale.number.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "backoffice/today/index.html",
        site=site,
        day=day,
        today=_today(),
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        text=text,
        rows=_rows(found),
        count=count,
        total=int(total),
        refunded=int(refunded),
        page=page,
        pages=max(1, -(-count // PAGE_SIZE)),
        won=money.won,
        status_labels=SaleStatus.labels(),
    )


def _rows(found: list[Sale]) -> list[dict]:
    """Each sale with its cashier, payment methods and latest print job, in three queries."""
    ids = [s.id for s in found]
    methods: dict[str, list[str]] = defaultdict(list)
    jobs: dict[str, PrintJob] = {}
    names: dict[int, str] = {}
    if ids:
        for sale_id, method in db.session.execute(
            select(Payment.sale_id, Payment.method)
            .where(Payment.sale_id.in_(ids))
            .order_by(Payment.sale_id, Payment.position)
        ):
            label = PaymentMethod(method).label
            if label not in methods[sale_id]:
                methods[sale_id].append(label)
        for job in db.session.scalars(
            select(PrintJob)
            .where(PrintJob.sale_id.in_(ids), PrintJob.kind == "receipt")
            .order_by(PrintJob.id)
        ):
            jobs[job.sale_id] = job  # the last one wins
        user_ids = {s.user_id for s in found if s.user_id}
        names = dict(
            db.session.execute(
                select(User.id, User.display_name).where(User.id.in_(user_ids))
            ).all()
        )
    return [
        {
            "sale": s,
            "time": local_time(s.created_at).strftime("%H:%M:%S"),
            "cashier": names.get(s.user_id, ""),
            "methods": methods.get(s.id, []),
            "job": jobs.get(s.id),
        }
        for s in found
    ]


def _sale_or_404(sale_id: str) -> str:
    site_id = db.session.execute(select(Sale.site_id).where(Sale.id == sale_id)).scalar()
    if site_id is None:
        abort(404)
    require_site(site_id)
    return sale_id


def _jobs(sale_id: str) -> list[PrintJob]:
    return db.session.scalars(
        select(PrintJob)
        .where(PrintJob.sale_id == sale_id, PrintJob.kind == "receipt")
        .order_by(PrintJob.id.desc())
    ).all()


def _job_context(sale_id: str) -> dict:
    jobs = _jobs(sale_id)
    return {
        "jobs": jobs,
        "polling": any(j.status in OPEN_STATUSES for j in jobs),
        "status_label": status_label,
        "local_time": local_time,
        "sale_id": sale_id,
    }


@bp.get("/admin/sales/<sale_id>")
@back_office
def sale_detail(sale_id: str):
    rec = load_sale_record(_sale_or_404(sale_id))
    docs = receipt_documents(rec)
    site = site_directory().get(rec.site_id)
    return render_template(
        "backoffice/today/sale.html",
        rec=rec,
        docs=docs,
        site=site,
        issued=local_time(rec.created_at),
        cash_amount=sum(p.amount for p in rec.payments if p.method in ("cash", "transfer")),
        won=money.won,
        num=money.num,
        **_job_context(rec.id),
        **refund_form_context(rec),
    )


@bp.get("/admin/sales/<sale_id>/print-jobs")
@back_office
def sale_print_jobs(sale_id: str):
    """The print part of the sale page, polled by htmx while a job is still open."""
    return render_template("backoffice/today/_jobs.html", **_job_context(_sale_or_404(sale_id)))


@bp.post("/admin/sales/<sale_id>/reprint")
@back_office
def sale_reprint(sale_id: str):
    status = enqueue(_sale_or_404(sale_id), reprint=True)
    if status is None:
        flash(NO_PRINTER_MESSAGE, "error")
    else:
        db.session.commit()
        flash("재출력을 보냈습니다. 아래에서 출력 상태를 볼 수 있습니다.", "ok")
    return redirect(url_for(".sale_detail", sale_id=sale_id))

"""현금영수증 issuance: the request is issued on the card terminal or on 홈택스, and the cashier
records the issuing approval number here when they have it (``POST /api/sales/ID/cash-receipt``).
The day's requests not yet marked issued are listed for the close (back office).

Identifiers stay masked: only the masked id stored at the sale is ever shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import Blueprint, jsonify
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from pos.api import ApiError, endpoint
from pos.auth.models import User
from pos.auth.service import login_required
from pos.db import db, utcnow
from pos.korean import particle

from .enums import CASH_LIKE, CASH_RECEIPT_PURPOSES
from .models import CashReceipt, Payment, Sale
from .record import local_time
from .service import visible_sale_id

#: nested under the back office's blueprint (registered before it)
api = Blueprint("cash_receipts_api", __name__, url_prefix="/api")

#: what a terminal or 홈택스 prints: digits, perhaps letters, grouped by dashes or spaces
APPROVAL_RE = re.compile(r"[0-9A-Za-z]{4,30}")
BAD_APPROVAL = "승인번호는 숫자나 영문 4~30자로 입력하세요"


class CashReceiptIssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    approval_no: str = Field(min_length=1, max_length=40)


class CashReceiptOut(BaseModel):
    sale_id: str
    purpose: str
    purpose_label: str
    masked_id: str
    amount: int
    approval_no: str
    issued_at: str
    issued_by: str


def clean_approval(raw: str | None) -> str:
    """ "1234-5678 9" → "123456789", or a 422 in Korean."""
    text = re.sub(r"[\s\-]", "", raw or "")
    if not APPROVAL_RE.fullmatch(text):
        raise ApiError(422, "invalid", BAD_APPROVAL, "approval_no")
    return text


def cash_amount(sale_id: str) -> int:
    return int(
        db.session.execute(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.sale_id == sale_id, Payment.method.in_(CASH_LIKE)
            )
        ).scalar()
    )


def issue(sale_id: str, raw_approval: str, user) -> tuple[CashReceipt, bool]:
    """(the request, newly recorded). Once issued, the same number again is fine (False);
    another number is 409. Flushes; the caller commits."""
    approval = clean_approval(raw_approval)
    row = db.session.execute(
        select(CashReceipt).where(CashReceipt.sale_id == sale_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise ApiError(
            409,
            "no_cash_receipt",
            "이 판매에는 현금영수증 요청이 없습니다. 결제할 때 현금영수증을 선택해야 합니다",
        )
    if row.approval_no is not None:
        if row.approval_no == approval:
            return row, False
        raise ApiError(
            409,
            "already_issued",
            f"이미 승인번호 {row.approval_no}{particle(row.approval_no, '으로/로')} "
            "발급 처리된 현금영수증입니다",
            "approval_no",
        )
    row.approval_no = approval
    row.issued_at = utcnow()
    row.issued_by = user.id
    db.session.flush()
    return row, True


def receipt_json(row: CashReceipt) -> dict:
    by = db.session.get(User, row.issued_by) if row.issued_by else None
    return {
        "sale_id": row.sale_id,
        "purpose": row.purpose,
        "purpose_label": CASH_RECEIPT_PURPOSES.get(row.purpose, row.purpose),
        "masked_id": row.masked_id,
        "amount": cash_amount(row.sale_id),
        "approval_no": row.approval_no,
        "issued_at": local_time(row.issued_at).isoformat() if row.issued_at else None,
        "issued_by": by.display_name if by else None,
    }


@endpoint(
    "/sales/<sale_id>/cash-receipt",
    "POST",
    body=CashReceiptIssueIn,
    summary="Record the 현금영수증 approval number issued on the terminal or 홈택스",
    response=CashReceiptOut,
    responses={
        201: "recorded",
        200: "the same number again",
        404: "no such sale (or another site's)",
        409: "no 현금영수증 was asked for, or it was issued with another number",
        422: "invalid",
    },
    status=201,
    blueprint=api,
)
@login_required
def post_cash_receipt(sale_id: str, payload: CashReceiptIssueIn):
    try:
        row, created = issue(
            visible_sale_id(sale_id, current_user), payload.approval_no, current_user
        )
        body = receipt_json(row)
        db.session.commit()
    except ApiError:
        db.session.rollback()
        raise
    return jsonify(body), 201 if created else 200


@dataclass(frozen=True)
class RequestRow:
    sale_id: str
    number: int
    receipt_no: str
    created_at: datetime
    purpose: str
    masked_id: str
    amount: int
    approval_no: str | None
    issued_at: datetime | None
    issued_by: str | None
    status: str

    @property
    def issued(self) -> bool:
        return self.approval_no is not None

    @property
    def needed(self) -> bool:
        """Still to issue: not issued, and the sale was not voided or wholly refunded."""
        return not self.issued and self.status not in ("refunded", "voided")

    @property
    def time(self) -> str:
        return local_time(self.created_at).strftime("%H:%M")


def day_requests(site_id: int, day: date) -> list[RequestRow]:
    """The day's 현금영수증 requests at a site: not yet issued first, then by time."""
    issuer = aliased(User)
    rows = db.session.execute(
        select(Sale, CashReceipt, issuer.display_name)
        .join(CashReceipt, CashReceipt.sale_id == Sale.id)
        .outerjoin(issuer, issuer.id == CashReceipt.issued_by)
        .where(Sale.site_id == site_id, Sale.business_day == day)
        .order_by(Sale.created_at)
    ).all()
    amounts = dict(
        db.session.execute(
            select(Payment.sale_id, func.sum(Payment.amount))
            .where(Payment.sale_id.in_([s.id for s, _, _ in rows]), Payment.method.in_(CASH_LIKE))
            .group_by(Payment.sale_id)
        ).all()
    )
    out = [
        RequestRow(
            sale_id=s.id,
            number=s.number,
            receipt_no=s.receipt_no,
            created_at=s.created_at,
            purpose=CASH_RECEIPT_PURPOSES.get(c.purpose, c.purpose),
            masked_id=c.masked_id,
            amount=int(amounts.get(s.id) or 0),
            approval_no=c.approval_no,
            issued_at=c.issued_at,
            issued_by=name,
            status=s.status,
        )
        for s, c, name in rows
    ]
    return sorted(out, key=lambda r: (not r.needed, r.issued, r.created_at))

"""Checkout API (DESIGN §5): thin views over the sales and inventory services."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from inventory.cache import pricing_catalog
from inventory.models import OptionGroup, Product, Site, StockLevel
from pos import money
from pos.api import ApiError, endpoint
from pos.auth.models import User
from pos.auth.service import login_required
from pos.context import current_site, receipt_base_url
from pos.db import db
from pos.receipts.models import JOB_STATUS
from pos.receipts.queue import enqueue, latest_job

from .events import record_sale_event
from .models import CASH_LIKE, CASH_RECEIPT_PURPOSES, PAYMENT_METHODS, Sale
from .schemas import SaleIn
from .service import (
    SaleRecord,
    checkout,
    line_view,
    load_sale_record,
    local_time,
    request_hash,
)


def catalog_json(site) -> dict:
    products = db.session.scalars(
        select(Product)
        .where(Product.active)
        .options(
            selectinload(Product.option_groups).selectinload(OptionGroup.options),
            selectinload(Product.vendor),
            selectinload(Product.category),
        )
        .order_by(Product.sort, Product.id)
    ).all()
    stock = dict(
        db.session.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(StockLevel.site_id == site.id)
        ).all()
    )
    items = []
    categories: dict[str, int] = {}
    for p in products:
        on_hand = stock.get(p.id, 0) if p.track_stock else None
        out = p.sold_out or (
            p.track_stock and not site.allow_negative_stock and (on_hand or 0) <= 0
        )
        cat = p.category.name if p.category else "기타"
        categories.setdefault(cat, p.category.sort if p.category else 999)
        items.append(
            {
                "id": p.id,
                "sku": p.sku,
                "barcode": p.barcode,
                "name": p.name,
                "price": p.price,
                "tax": p.tax,
                "category": cat,
                "vendor": {"id": p.vendor.id, "name": p.vendor.name},
                "track_stock": p.track_stock,
                "on_hand": on_hand,
                "sold_out": bool(out),
                "option_groups": [
                    {
                        "id": g.id,
                        "name": g.name,
                        "required": g.required,
                        "max_select": g.max_select,
                        "options": [
                            {"id": o.id, "name": o.name, "price_delta": o.price_delta}
                            for o in g.options
                            if o.active
                        ],
                    }
                    for g in p.option_groups
                ],
            }
        )
    return {
        "site": {"code": site.code, "name": site.name, "kind": site.kind},
        "categories": [name for name, _ in sorted(categories.items(), key=lambda kv: kv[1])],
        "products": items,
    }


def sale_json(
    rec: SaleRecord, site_code: str, cashier: str | None, print_status: str, print_error=None
) -> dict:
    """The sale as the API shows it; ``print_status`` is a job status or "none"."""
    sale = rec.sale
    print_info = {
        "status": print_status,
        "label": JOB_STATUS.get(print_status, "프린터 없음"),
        "error": print_error,
    }
    cash = rec.cash_receipt
    split = money.VatSplit(sale["taxable_supply"], sale["vat"], sale["exempt"])
    tender_splits = money.tender_vat(split, [p["amount"] for p in rec.payments])
    cash_amount = sum(p["amount"] for p in rec.payments if p["method"] in CASH_LIKE)
    return {
        "id": sale["id"],
        "number": sale["number"],
        "receipt_no": sale["receipt_no"],
        "status": sale["status"],
        "site": site_code,
        "cashier": cashier,
        "created_at": local_time(sale["created_at"]).isoformat(),
        "subtotal": sale["subtotal"],
        "discount": sale["discount"],
        "total": sale["total"],
        "taxable_total": sale["taxable_total"],
        "taxable": sale["taxable_supply"],
        "vat": sale["vat"],
        "exempt": sale["exempt"],
        "change": sale["change_due"],
        "lines": [
            {
                "product_id": ln["product_id"],
                **line_view(ln),
                "receipt": ln["receipt_position"],
            }
            for ln in rec.lines
        ],
        "payments": [
            {
                "method": p["method"],
                "label": PAYMENT_METHODS[p["method"]],
                "amount": p["amount"],
                "tendered": p["tendered"],
                "change": p["change"],
                "approval_no": p["approval_no"],
                "issuer": p["issuer"],
                "card_no": p["masked_card"],
                "installment": p["installment"],
                # DESIGN §4: the VAT split allocated to this tender
                "taxable": t.taxable_supply,
                "vat": t.vat,
                "exempt": t.exempt,
            }
            for p, t in zip(rec.payments, tender_splits, strict=True)
        ],
        "cash_receipt": (
            {
                "purpose": cash["purpose"],
                "label": CASH_RECEIPT_PURPOSES[cash["purpose"]],
                "identifier": cash["masked_id"],
                "amount": cash_amount,
            }
            if cash
            else None
        ),
        "receipts": [
            {
                "receipt_no": r["receipt_no"],
                "vendor": {
                    "name": r["vendor_name"],
                    "owner": r["vendor_owner"],
                    "brn": r["vendor_brn"],
                },
                "subtotal": r["subtotal"],
                "discount": r["discount"],
                "total": r["total"],
                "taxable": r["taxable_supply"],
                "vat": r["vat"],
                "exempt": r["exempt"],
            }
            for r in rec.receipts
        ],
        "receipt_url": sale["receipt_url"],
        "print": print_info,
    }


def stored_sale_json(sale_id: str) -> dict | None:
    rec = load_sale_record(sale_id)
    if rec is None:
        return None
    site = db.session.get(Site, rec.sale["site_id"])
    user = db.session.get(User, rec.sale["user_id"]) if rec.sale["user_id"] else None
    job = latest_job(sale_id)
    return sale_json(
        rec,
        site.code,
        user.display_name if user else None,
        job.status if job else "none",
        job.last_error if job else None,
    )


def _replay(sale_id: str, stored_hash: str, payload: SaleIn):
    if stored_hash != request_hash(payload):
        raise ApiError(409, "id_conflict", "이미 다른 내용으로 처리된 판매 번호입니다", "id")
    return jsonify(stored_sale_json(_own_sale(sale_id))), 200


@endpoint(
    "/catalog",
    summary="Products with options, on-hand and sold-out marks for the cashier's site",
)
@login_required
def get_catalog():
    return jsonify(catalog_json(current_site()))


@endpoint(
    "/sales",
    "POST",
    body=SaleIn,
    summary="Check out a sale (idempotent by id; prices come from the server)",
    responses={
        201: "created",
        200: "the same id and body again: the same sale",
        409: "id used with another body, sold out or not enough stock",
        422: "invalid",
    },
)
@login_required
def post_sale(payload: SaleIn):
    sale_id = str(payload.id)
    if (stored_hash := _stored_hash(sale_id)) is not None:
        return _replay(sale_id, stored_hash, payload)
    site = current_site()
    catalog = pricing_catalog()
    try:
        rec = checkout(payload, site, catalog, current_user.id, receipt_base_url())
        record_sale_event(rec, site.code, current_user.username)
        print_status = enqueue(sale_id)
        db.session.commit()
    except (IntegrityError, ApiError):
        # The same id may have won a race in another request (on PostgreSQL a twin request
        # waits on the stock row, then finds it sold): answer like a retry, never a refusal.
        db.session.rollback()
        if (stored_hash := _stored_hash(sale_id)) is not None:
            return _replay(sale_id, stored_hash, payload)
        raise
    except Exception:
        db.session.rollback()
        raise
    status = print_status or "none"
    return jsonify(sale_json(rec, site.code, current_user.display_name, status)), 201


def _stored_hash(sale_id: str) -> str | None:
    return db.session.execute(select(Sale.request_hash).where(Sale.id == sale_id)).scalar()


def _own_sale(sale_id: str) -> str:
    """The sale's id if this user may see it: cashiers only their own site's sales."""
    site_id = db.session.execute(select(Sale.site_id).where(Sale.id == sale_id)).scalar()
    if site_id is None or (current_user.site_id and site_id != current_user.site_id):
        raise ApiError(404, "not_found", "판매를 찾을 수 없습니다")
    return sale_id


@endpoint("/sales/<sale_id>", summary="Read a sale with its receipts and print status")
@login_required
def get_sale(sale_id: str):
    return jsonify(stored_sale_json(_own_sale(sale_id)))


@endpoint(
    "/sales/<sale_id>/print",
    "POST",
    summary="Reprint the sale's receipts (marked 재출력)",
    responses={202: "queued", 409: "no printer configured"},
)
@login_required
def print_sale(sale_id: str):
    status = enqueue(_own_sale(sale_id), reprint=True)
    if status is None:
        raise ApiError(409, "no_printer", "프린터가 설정되어 있지 않습니다 (PRINTER_URL)")
    db.session.commit()
    return jsonify({"status": status, "label": JOB_STATUS[status]}), 202

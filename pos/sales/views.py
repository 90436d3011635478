"""Checkout API (DESIGN §5): thin views over the sales and inventory services."""

from __future__ import annotations

from flask import current_app, jsonify, session
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from pos.api import ApiError, endpoint
from pos.auth.service import login_required
from pos.context import current_site, receipt_base_url
from pos.db import db
from pos.receipts.models import JOB_STATUS
from pos.receipts.queue import NO_PRINTER_MESSAGE, enqueue
from pos.refunds.record import load_refunds

from .catalog import catalog_bytes, catalog_version
from .record import sale_view
from .responses import CatalogOut, CatalogVersionOut, PrintStatusOut, SaleOut
from .schemas import SaleIn
from .service import PlacedSale, place_sale, replay_sale, stored_sale, visible_sale_id


def sale_json(placed: PlacedSale) -> dict:
    """The sale as the API shows it, with its refunds and its print job's state."""
    status = placed.print_status
    refunds = None if placed.created else load_refunds(placed.record.id)
    return {
        **sale_view(placed.record, refunds),
        "print": {
            "status": status,
            "label": JOB_STATUS.get(status, "프린터 없음"),
            "error": placed.print_error,
        },
    }


@endpoint(
    "/catalog",
    summary="Products with options, on-hand and sold-out marks for the cashier's site",
    response=CatalogOut,
)
@login_required
def get_catalog():
    site = current_site()
    # a booth tablet at a fair sells for one vendor (chosen with POST /api/booth)
    booth = session.get("booth_vendor_id") if site.kind == "fair" else None
    body = catalog_bytes(site, booth_vendor_id=booth)
    return current_app.response_class(body, mimetype="application/json")


@endpoint(
    "/catalog/version",
    summary="A short mark that changes when this site's catalog answer may change",
    response=CatalogVersionOut,
)
@login_required
def get_catalog_version():
    site = current_site()
    booth = session.get("booth_vendor_id") if site.kind == "fair" else None
    return jsonify({"version": catalog_version(site, booth)})


@endpoint(
    "/sales",
    "POST",
    body=SaleIn,
    summary="Check out a sale (idempotent by id; prices come from the server)",
    response=SaleOut,
    responses={
        201: "created",
        200: "the same id and body again: the same sale",
        409: "id used with another body, sold out or not enough stock",
        422: "invalid",
    },
)
@login_required
def post_sale(payload: SaleIn):
    site = current_site()
    try:
        placed = place_sale(
            payload,
            site=site,
            user=current_user,
            receipt_base_url=receipt_base_url(),
            # a booth tablet sells one vendor's goods (POST /api/booth); None = 공동 계산대
            booth_vendor_id=session.get("booth_vendor_id") if site.kind == "fair" else None,
        )
        db.session.commit()
    except (IntegrityError, ApiError):
        # The same id may have won a race in another request (on PostgreSQL a twin request
        # waits on the stock row, then finds it sold): answer like a retry, never a refusal.
        db.session.rollback()
        if (placed := replay_sale(payload, current_user)) is None:
            raise
    except Exception:
        db.session.rollback()
        raise
    return jsonify(sale_json(placed)), 201 if placed.created else 200


@endpoint(
    "/sales/<sale_id>",
    summary="Read a sale with its receipts and print status",
    response=SaleOut,
    responses={200: "the sale", 404: "no such sale at this site"},
)
@login_required
def get_sale(sale_id: str):
    return jsonify(sale_json(stored_sale(sale_id, current_user)))


@endpoint(
    "/sales/<sale_id>/print",
    "POST",
    summary="Reprint the sale's receipts (marked 재출력)",
    response=PrintStatusOut,
    responses={202: "queued", 404: "no such sale at this site", 409: "no printer configured"},
)
@login_required
def print_sale(sale_id: str):
    status = enqueue(visible_sale_id(sale_id, current_user), reprint=True)
    if status is None:
        raise ApiError(409, "no_printer", NO_PRINTER_MESSAGE)
    db.session.commit()
    return jsonify({"status": status, "label": JOB_STATUS[status]}), 202


# the refund, void and today's-sales routes go on the same API blueprint, before it is
# registered (pos.create_app imports this module first)
from pos.refunds import views as _refund_views  # noqa: E402,F401

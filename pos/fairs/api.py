"""Fair routes that read sales: the live board and the settlement (JSON, XLSX, printer slip)."""

from __future__ import annotations

import json
import threading
from urllib.parse import quote

from flask import Response, jsonify

from inventory.fairs.schemas import BoardOut, PrintedOut, PrintSlipIn, SettlementOut
from inventory.fairs.service import get_fair, vendor_by_brn
from pos.api import ApiError, endpoint
from pos.api import bp as api_bp
from pos.auth.service import login_required, roles_required
from pos.db import db
from pos.korean import josa
from pos.scope import FAIR_STAFF
from pos.sites import site_directory

from .board import board, board_fingerprint
from .settlement import settlement
from .slip import print_slips
from .xlsx import settlement_xlsx

#: (database, site) → (fingerprint, JSON bytes): the board polled by every organiser's screen
#: is rebuilt only when a sale, a stock move or the catalog changed since the last answer
_board_cache: dict[tuple[str, int], tuple[tuple, bytes]] = {}
_board_lock = threading.Lock()


def board_bytes(fair) -> bytes:
    key = (str(db.engine.url), fair.site_id)
    mark = board_fingerprint(fair)
    cached = _board_cache.get(key)
    if cached is not None and cached[0] == mark:
        return cached[1]
    body = json.dumps(board(fair), ensure_ascii=False, separators=(",", ":")).encode()
    with _board_lock:
        _board_cache[key] = (mark, body)
    return body


@endpoint(
    "/fairs/<code>/board",
    summary="Live board: per vendor and product brought / sold / left, revenue, sales per hour",
    response=BoardOut,
    responses={200: "the board", 404: "no such fair"},
)
@login_required
def get_board(code: str):
    fair = get_fair(code)
    return Response(board_bytes(fair), mimetype="application/json")


@endpoint(
    "/fairs/<code>/settlement",
    summary="Settlement per vendor: brought, sold, returned, variance, gross by method, payable",
    response=SettlementOut,
    responses={200: "the settlement", 404: "no such fair"},
)
@roles_required(*FAIR_STAFF)
def get_settlement(code: str):
    return jsonify(settlement(get_fair(code)))


# a file download, not a JSON call: routed on the API blueprint, left out of the OpenAPI
# document (whose success bodies are all JSON); errors still answer the JSON error shape
@api_bp.get("/fairs/<code>/settlement.xlsx")
@roles_required(*FAIR_STAFF)
def get_settlement_xlsx(code: str):
    fair = get_fair(code)
    site = site_directory().get(fair.site_id)
    body = settlement_xlsx(f"{site.name} 정산 ({fair.date:%Y-%m-%d})", settlement(fair))
    name = f"정산_{site.code}_{fair.date:%Y%m%d}.xlsx"
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=settlement.xlsx; "
            f"filename*=UTF-8''{quote(name)}"
        },
    )


@endpoint(
    "/fairs/<code>/settlement/print",
    "POST",
    body=PrintSlipIn,
    summary="Print the settlement slip of one vendor (brn) or of every vendor",
    response=PrintedOut,
    responses={200: "sent", 409: "no printer", 422: "not a vendor of the fair", 503: "printer"},
)
@roles_required(*FAIR_STAFF)
def post_settlement_print(code: str, payload: PrintSlipIn):
    fair = get_fair(code)
    rows = settlement(fair)["vendors"]
    if payload.brn is not None:
        vendor = vendor_by_brn(payload.brn)
        rows = [r for r in rows if r["brn"] == vendor.brn]
        if not rows:
            raise ApiError(
                422,
                "not_fair_vendor",
                f"{josa(vendor.name, '은/는')} 이 행사의 참가자가 아닙니다",
                "brn",
            )
    printed = print_slips(site_directory().get(fair.site_id), fair, rows)
    return jsonify({"printed": printed})

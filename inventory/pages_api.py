"""The batch stock API beside the pages: receipts, waste, transfers and counts as one call each.

A nested blueprint of the stock pages (mounted under /api), since the pages are set up after
the main API blueprint. Each body carries an ``id`` made by the device: the same id again
answers the booked batch (200), the same id with other lines 409, like sales.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from flask import Blueprint, jsonify
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.exc import IntegrityError

from pos.api import MAX_ID, ApiError, endpoint
from pos.db import db
from pos.scope import working_site
from pos.sites import site_directory

from . import stock_service as service
from .imports_read import clean_text
from .pages import bp as pages_bp
from .pages_common import SUPERVISORS
from .stock import InsufficientStock

api = Blueprint("api", __name__, url_prefix="/api")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class BatchLineIn(_Strict):
    product_id: int = Field(ge=1, le=MAX_ID)
    qty: int = Field(ge=1, le=service.MAX_QTY)


class _BatchIn(_Strict):
    #: made by the device, so a retried request books once
    id: UUID
    lines: list[BatchLineIn] = Field(min_length=1, max_length=500)
    note: str = Field(default="", max_length=200)

    @field_validator("note")
    @classmethod
    def _visible(cls, value: str) -> str:
        return clean_text(value)


class ReceiptIn(_BatchIn):
    pass


class WasteIn(_BatchIn):
    reason: Literal["expired", "damaged", "quality", "sample", "other"]


class TransferIn(_BatchIn):
    #: the receiving site's code
    to_site: str = Field(min_length=1, max_length=32)


class CountLineIn(_Strict):
    product_id: int = Field(ge=1, le=MAX_ID)
    counted: int = Field(ge=0, le=service.MAX_QTY)
    #: the on-hand the device showed; when given and the ledger moved since, 409 stale_count
    expected: int | None = Field(default=None, ge=-service.MAX_QTY, le=service.MAX_QTY)


class CountIn(_Strict):
    id: UUID
    category_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    lines: list[CountLineIn] = Field(min_length=1, max_length=2000)
    note: str = Field(default="", max_length=200)


class BatchLineOut(BaseModel):
    product_id: int
    #: signed change at the working site
    qty: int
    on_hand: int


class BatchOut(BaseModel):
    id: str
    ref: str
    reason: str
    replayed: bool
    lines: list[BatchLineOut]


class CountLineOut(BaseModel):
    product_id: int
    expected: int
    counted: int
    variance: int


class CountOut(BaseModel):
    id: str
    site: str
    lines: list[CountLineOut]


_RESPONSES = {
    201: "booked",
    200: "the same id again",
    403: "role or site",
    409: "not enough stock, or the id with other lines",
    422: "invalid",
}


def _site():
    return working_site()


def _supervisor() -> None:
    if current_user.role not in SUPERVISORS:
        raise ApiError(
            403, "forbidden", "재고실사와 매장 간 이동은 매니저나 행사 담당만 할 수 있습니다"
        )


def _answer(batch: service.Batch, site, wanted: list[tuple[int, int]]):
    if batch.replayed:
        sign = 1 if batch.reason == "receive" else -1
        merged: dict[int, int] = {}
        for pid, qty in wanted:
            merged[pid] = merged.get(pid, 0) + qty
        asked = sorted((pid, sign * qty, batch.reason) for pid, qty in merged.items())
        if service.batch_lines(batch.ref, site.id) != asked:
            raise ApiError(409, "id_conflict", "이미 다른 내용으로 처리된 재고 번호입니다", "id")
    body = {
        "id": batch.id,
        "ref": batch.ref,
        "reason": batch.reason,
        "replayed": batch.replayed,
        "lines": [{"product_id": p.id, "qty": q, "on_hand": h} for p, q, h in batch.lines],
    }
    return jsonify(body), 200 if batch.replayed else 201


def _run(book, site, wanted):
    try:
        batch = book()
        db.session.commit()
    except service.StockInputError as exc:
        db.session.rollback()
        raise ApiError(422, "invalid", exc.message, exc.field) from None
    except InsufficientStock as exc:
        db.session.rollback()
        raise ApiError(
            409, "insufficient_stock", str(exc), "lines", available=exc.available
        ) from None
    except IntegrityError:
        db.session.rollback()  # a twin request with this id committed first
        batch = book()
    return _answer(batch, site, wanted)


def _pairs(payload: _BatchIn) -> list[tuple[int, int]]:
    return [(line.product_id, line.qty) for line in payload.lines]


@endpoint(
    "/stock/receipts",
    "POST",
    body=ReceiptIn,
    response=BatchOut,
    responses=_RESPONSES,
    blueprint=api,
    summary="Receive many products in one batch at the working site",
)
def post_receipt(payload: ReceiptIn):
    site, pairs = _site(), _pairs(payload)
    return _run(
        lambda: service.receive(
            site, pairs, batch_id=str(payload.id), user_id=current_user.id, note=payload.note
        ),
        site,
        pairs,
    )


@endpoint(
    "/stock/waste",
    "POST",
    body=WasteIn,
    response=BatchOut,
    responses=_RESPONSES,
    blueprint=api,
    summary="Waste many products for one reason at the working site",
)
def post_waste(payload: WasteIn):
    site, pairs = _site(), _pairs(payload)
    return _run(
        lambda: service.waste(
            site,
            pairs,
            reason=payload.reason,
            batch_id=str(payload.id),
            user_id=current_user.id,
            note=payload.note,
        ),
        site,
        pairs,
    )


@endpoint(
    "/stock/transfers",
    "POST",
    body=TransferIn,
    response=BatchOut,
    responses=_RESPONSES,
    blueprint=api,
    summary="Send many products to another site as one transfer",
)
def post_transfer(payload: TransferIn):
    _supervisor()
    site, pairs = _site(), _pairs(payload)
    target = site_directory().by_code(payload.to_site)
    done = _run(
        lambda: service.transfer(
            site,
            pairs,
            to_code=payload.to_site,
            batch_id=str(payload.id),
            user_id=current_user.id,
            note=payload.note,
        ),
        site,
        pairs,
    )
    body = done[0].get_json()
    if body["replayed"] and target is not None:
        ins = service.batch_lines(body["ref"], target.id)
        if not ins or any(reason != "transfer_in" for _, _, reason in ins):
            raise ApiError(409, "id_conflict", "이미 다른 내용으로 처리된 재고 번호입니다", "id")
    return done


@endpoint(
    "/stock/counts",
    "POST",
    body=CountIn,
    response=CountOut,
    responses=_RESPONSES,
    blueprint=api,
    summary="Book a count (재고실사): count moves for every difference",
)
def post_count(payload: CountIn):
    _supervisor()
    site = _site()
    counted = {line.product_id: line.counted for line in payload.lines}
    if len(counted) != len(payload.lines):
        raise ApiError(422, "invalid", "같은 상품이 두 번 있습니다", "lines")
    expected = {
        line.product_id: line.expected if line.expected is not None else None
        for line in payload.lines
    }
    count_id = str(payload.id)
    done = db.session.get(service.StockCount, count_id)
    if done is None:
        try:
            now = service.count_rows(site, counted)
            want = {r.product.id: (expected[r.product.id], r.expected) for r in now}
            given = {pid: e if e is not None else cur for pid, (e, cur) in want.items()}
            done = service.commit_count(
                site,
                count_id=count_id,
                category_id=payload.category_id,
                counted=counted,
                expected=given,
                user_id=current_user.id,
                note=payload.note or "재고실사",
            )
            db.session.commit()
            status = 201
        except service.StockInputError as exc:
            db.session.rollback()
            raise ApiError(422, "invalid", exc.message, exc.field or "lines") from None
        except service.StaleCount as exc:
            db.session.rollback()
            fresh = [
                {"product_id": r.product.id, "expected": r.expected, "counted": r.counted}
                for r in exc.rows
            ]
            message = "센 뒤에 재고가 바뀌었습니다. 다시 확인하세요"
            raise ApiError(409, "stale_count", message, "lines", lines=fresh) from None
        except IntegrityError:
            db.session.rollback()
            done = db.session.get(service.StockCount, count_id)
            if done is None:
                raise
            status = 200
    else:
        status = 200
    if status == 200:
        stored = {line.product_id: line.counted for line in done.lines}
        if done.site_id != site.id or stored != counted:
            raise ApiError(
                409, "id_conflict", "이미 다른 내용으로 처리된 재고실사 번호입니다", "id"
            )
    lines = [
        {
            "product_id": line.product_id,
            "expected": line.expected,
            "counted": line.counted,
            "variance": line.variance,
        }
        for line in done.lines
    ]
    return jsonify({"id": done.id, "site": site.code, "lines": lines}), status


pages_bp.register_blueprint(api)

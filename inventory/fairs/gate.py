"""What a sale at a fair must pass before it is priced: the fair is open, it takes the payment
methods used, and a booth tablet sells only its own vendor's goods.

Called from ``pos.sales.service.place_sale`` after the replay check, so a tablet's retry of a
sale placed before close still gets its sale back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pos.api import ApiError
from pos.db import db
from pos.korean import josa

from .models import Fair, FairState

NOT_OPEN = {
    FairState.PLANNED.value: "행사가 아직 시작되지 않아 판매할 수 없습니다",
    FairState.CLOSED.value: "마감된 행사에서는 판매할 수 없습니다",
}
METHOD_LABELS = {
    "cash": "현금",
    "card": "카드",
    "transfer": "계좌이체",
    "local_currency": "지역화폐",
    "onnuri": "온누리상품권",
    "zeropay": "제로페이",
    "easypay": "간편결제",
}


def check_sale_allowed(site, payments: Sequence) -> None:
    """409 ``fair_not_open`` unless the fair is open; 422 ``method_not_accepted`` for a tender
    the fair does not take. A fair site without event details sells as before."""
    fair = db.session.get(Fair, site.id)
    if fair is None:
        return
    if fair.state != FairState.OPEN.value:
        raise ApiError(409, "fair_not_open", NOT_OPEN.get(fair.state, NOT_OPEN["planned"]))
    narrowed = {m for m in (fair.payment_methods or "").split(",") if m}
    if not narrowed:
        return
    for i, p in enumerate(payments):
        method = str(p.method)
        if method not in narrowed:
            label = METHOD_LABELS.get(method, method)
            raise ApiError(
                422,
                "method_not_accepted",
                f"이 행사에서는 {label} 결제를 받지 않습니다",
                f"payments.{i}.method",
            )


def check_booth(vendor_ids: Iterable[int], booth_vendor_id: int | None, names=None) -> None:
    """A tablet bound to one vendor's booth refuses another vendor's goods (422 ``wrong_booth``);
    unbound (공동 계산대) sells everyone's."""
    if booth_vendor_id is None:
        return
    for i, vendor_id in enumerate(vendor_ids):
        if vendor_id != booth_vendor_id:
            name = names[i] if names else "이 상품"
            raise ApiError(
                422,
                "wrong_booth",
                f"{josa(name, '은/는')} 이 부스의 상품이 아닙니다. 공동 계산대에서 계산해 주세요",
                f"lines.{i}.product_id",
            )

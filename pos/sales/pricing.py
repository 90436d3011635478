"""Checking a checkout body against the catalog: prices, options, tenders and 현금영수증.

Pure functions over the in-memory catalog copy: they write nothing, so a refusal here leaves
nothing behind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from inventory.assortment import offer
from inventory.cache import OptionInfo, PricingCatalog, ProductInfo, VendorInfo
from inventory.site_terms import today
from pos import money
from pos.api import ApiError
from pos.korean import josa

from .enums import CASH_LIKE, CashReceiptPurpose, PaymentMethod
from .identifiers import BadIdentifier, mask_card, mask_cash_receipt_id
from .record import CashReceiptRecord, PaymentRecord
from .schemas import SaleIn


@dataclass
class PricedLine:
    product: ProductInfo
    qty: int
    options: list[OptionInfo]
    unit_price: int
    amount: int
    seller: VendorInfo
    #: all won taken off this line: its own discount plus its share of the order discount
    discount_share: int = 0
    #: won taken off by a discount on this line alone (part of ``discount_share``)
    line_discount: int = 0
    line_discount_reason: str | None = None

    @property
    def net(self) -> int:
        return self.amount - self.discount_share


def _price_line(
    index: int, product: ProductInfo, base_price: int, option_ids: list[int]
) -> tuple[list[OptionInfo], int]:
    """Validate the chosen options against the product's groups; return them and the price."""
    by_id = {oid: o for g in product.groups for oid, o in g.options.items()}
    where = f"lines.{index}.options"
    chosen: list[OptionInfo] = []
    for oid in option_ids:
        if oid not in by_id:
            raise ApiError(422, "invalid_option", f"{product.name}에 없는 옵션입니다", where)
        chosen.append(by_id[oid])
    per_group = Counter(o.group_id for o in chosen)
    for group in product.groups:
        count = per_group.get(group.id, 0)
        if group.required and count == 0:
            raise ApiError(
                422,
                "option_required",
                f"{product.name}: {josa(group.name, '을/를')} 선택하세요",
                where,
            )
        if count > group.max_select:
            raise ApiError(
                422,
                "too_many_options",
                f"{product.name}: {josa(group.name, '은/는')} "
                f"{group.max_select}개까지 선택할 수 있습니다",
                where,
            )
    chosen.sort(key=lambda o: (o.group_sort, o.group_id, o.sort, o.id))
    unit_price = base_price + sum(o.price_delta for o in chosen)
    if unit_price < 0:
        raise ApiError(422, "invalid_option", "옵션 가격이 상품 가격보다 큽니다", where)
    return chosen, unit_price


def price_lines(payload: SaleIn, site, catalog: PricingCatalog) -> list[PricedLine]:
    """Server prices for the lines in the order sent, the sale discount spread over them."""
    priced = []
    day = today()
    for i, line in enumerate(payload.lines):
        product = catalog.products.get(line.product_id)
        terms = offer(catalog, site, product, day) if product is not None else None
        if terms is None:
            raise ApiError(
                422, "unknown_product", "판매할 수 없는 상품입니다", f"lines.{i}.product_id"
            )
        if terms.sold_out:
            raise ApiError(
                409,
                "sold_out",
                f"{josa(product.name, '은/는')} 품절입니다",
                f"lines.{i}.product_id",
                product_id=product.id,
            )
        options, unit_price = _price_line(i, product, terms.price, line.options)
        # At a café the centre running it sells everything; at a fair, whoever brought it.
        seller = catalog.vendors[product.vendor_id if site.kind == "fair" else site.vendor_id]
        amount = unit_price * line.qty
        line_discount = discount_won(
            line.discount, line.discount_pct, amount, f"lines.{i}", product.name
        )
        priced.append(
            PricedLine(
                product,
                line.qty,
                options,
                unit_price,
                amount,
                seller,
                line_discount=line_discount,
                line_discount_reason=line.discount_reason if line_discount else None,
            )
        )
    rest = [p.amount - p.line_discount for p in priced]
    order_discount = order_discount_won(payload, sum(rest))
    shares = money.apportion(order_discount, rest)
    for p, share in zip(priced, shares, strict=True):
        p.discount_share = p.line_discount + share
    return priced


def discount_won(won: int, pct: int | None, amount: int, where: str, name: str = "") -> int:
    """A discount in won, from won or from a percent of ``amount`` (rounded half up); never
    more than ``amount``."""
    if won and pct is not None:
        raise ApiError(
            422,
            "invalid_discount",
            "할인은 금액이나 비율 중 하나만 입력하세요",
            f"{where}.discount",
        )
    off = money.div_round_half_up(amount * pct, 100) if pct is not None else won
    if off > amount:
        what = f"{name} 금액" if name else "판매 금액"
        raise ApiError(
            422,
            "invalid_discount",
            f"할인 금액 {josa(money.won(off), '이/가')} {what}보다 큽니다",
            f"{where}.discount",
        )
    return off


def order_discount_won(payload: SaleIn, rest: int) -> int:
    """The order discount in won over what is left after line discounts."""
    if payload.discount and payload.discount_pct is not None:
        raise ApiError(
            422, "invalid_discount", "할인은 금액이나 비율 중 하나만 입력하세요", "discount"
        )
    if payload.discount_pct is not None:
        return money.div_round_half_up(rest * payload.discount_pct, 100)
    if payload.discount > rest:
        raise ApiError(422, "invalid_discount", "할인 금액이 판매 금액보다 큽니다", "discount")
    return payload.discount


def over_limit(priced: list[PricedLine], limit_pct: int | None) -> bool:
    """Some discount is over the site's limit (percent of what it is taken off)."""
    if limit_pct is None:
        return False
    for p in priced:
        if p.line_discount * 100 > limit_pct * p.amount:
            return True
    order = sum(p.discount_share - p.line_discount for p in priced)
    rest = sum(p.amount - p.line_discount for p in priced)
    return order * 100 > limit_pct * rest


def check_payments(payload: SaleIn, total: int) -> tuple[tuple[PaymentRecord, ...], int]:
    """The tenders as stored (card numbers masked) and the change due, or a 422."""
    paid = sum(p.amount for p in payload.payments)
    if paid != total:
        raise ApiError(
            422,
            "payment_mismatch",
            f"결제 금액 합계 {josa(money.won(paid), '이/가')} "
            f"판매 금액 {josa(money.won(total), '과/와')} 다릅니다",
            "payments",
        )
    records: list[PaymentRecord] = []
    change_due = 0
    for i, p in enumerate(payload.payments):
        where = f"payments.{i}"
        method = PaymentMethod(p.method)
        change = 0
        tendered = None
        if method is PaymentMethod.CASH:
            tendered = p.amount if p.tendered is None else p.tendered
            if tendered < p.amount:
                raise ApiError(
                    422, "tendered_short", "받은 금액이 결제 금액보다 적습니다", f"{where}.tendered"
                )
            change = tendered - p.amount
            change_due += change
        elif p.tendered is not None and p.tendered != p.amount:
            raise ApiError(422, "invalid", "받은 금액은 현금 결제에만 씁니다", f"{where}.tendered")
        if method is PaymentMethod.CARD and not p.approval_no:
            raise ApiError(
                422, "approval_required", "카드 승인번호를 입력하세요", f"{where}.approval_no"
            )
        if method is not PaymentMethod.CARD and (p.card_no or p.installment):
            raise ApiError(422, "invalid", "카드 정보는 카드 결제에만 씁니다", where)
        records.append(
            PaymentRecord(
                position=i,
                method=method,
                amount=p.amount,
                tendered=tendered,
                change=change,
                approval_no=p.approval_no,
                issuer=p.issuer,
                masked_card=mask_card(p.card_no),
                installment=(p.installment or 0) if method is PaymentMethod.CARD else None,
            )
        )
    return tuple(records), change_due


def check_cash_receipt(payload: SaleIn) -> CashReceiptRecord | None:
    """The 현금영수증 request, its identifier masked; 주민등록번호 and non-cash sales refused."""
    req = payload.cash_receipt
    if req is None:
        return None
    if not any(p.method in CASH_LIKE for p in payload.payments):
        raise ApiError(
            422,
            "cash_receipt_not_cash",
            "현금영수증은 현금이나 계좌이체 결제에만 발급합니다",
            "cash_receipt",
        )
    try:
        id_type, masked = mask_cash_receipt_id(req.identifier)
    except BadIdentifier as exc:
        raise ApiError(422, "invalid_identifier", str(exc), "cash_receipt.identifier") from None
    return CashReceiptRecord(CashReceiptPurpose(req.purpose), id_type, masked)

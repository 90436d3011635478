"""The closed sets of a sale: how it was paid, why a 현금영수증 was asked for, what state it is in.

Each ``StrEnum`` gives the database its ``CheckConstraint`` (``pos.enums.check_in``) and the
request schema its pydantic type, and carries the Korean label the cashier and the receipt show,
so adding a method is one line here plus a migration.
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A value stored in the database with the Korean word people see for it."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """value -> label, in declaration order (the cashier's buttons follow it)."""
        return {m.value: m.label for m in cls}


class PaymentMethod(_Labelled):
    CASH = "cash", "현금"
    CARD = "card", "카드"
    TRANSFER = "transfer", "계좌이체"
    LOCAL_CURRENCY = "local_currency", "지역화폐"
    ONNURI = "onnuri", "온누리상품권"
    ZEROPAY = "zeropay", "제로페이"
    EASYPAY = "easypay", "간편결제"


class CashReceiptPurpose(_Labelled):
    INCOME_DEDUCTION = "income_deduction", "소득공제"
    EXPENSE_PROOF = "expense_proof", "지출증빙"


class SaleStatus(_Labelled):
    """A sale is completed when placed; refunds move it on (its lines never change)."""

    COMPLETED = "completed", "완료"
    PARTLY_REFUNDED = "partly_refunded", "부분 환불"
    REFUNDED = "refunded", "환불됨"
    VOIDED = "voided", "결제 취소"


#: value -> label; kept as plain dicts because templates and the cashier page iterate them
PAYMENT_METHODS = PaymentMethod.labels()
CASH_RECEIPT_PURPOSES = CashReceiptPurpose.labels()
#: tenders for which a 현금영수증 can be issued
CASH_LIKE = (PaymentMethod.CASH.value, PaymentMethod.TRANSFER.value)

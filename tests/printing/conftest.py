"""Receipt fixtures and a small ESC/POS stream decoder shared by the printer tests.

The decoder is exposed as a fixture (not a helper module) so it works under any pytest
import mode without a package ``__init__``.
"""

from __future__ import annotations

import pytest
from escpos_decoder import decode_escpos

from printers import (
    ReceiptCashReceipt,
    ReceiptDocument,
    ReceiptHeader,
    ReceiptLine,
    ReceiptPayment,
)

HEADER = ReceiptHeader(
    name="꿈이든카페",
    owner="김꿈이",
    brn="123-45-67890",
    address="서울특별시 성북구 꿈이든로 12, 1층",
    phone="02-123-4567",
    site_name="성북점",
)


def build_doc(**overrides) -> ReceiptDocument:
    """DESIGN §4 example: 아메리카노 4,500 (과세) + 생표고버섯 10,000 (면세), paid by card."""
    base = dict(
        header=HEADER,
        issued_at="2026-11-21 14:03:05",
        receipt_no="R-20261121-0042",
        order_no=42,
        lines=(
            ReceiptLine("아메리카노", 1, 4500, 4500, options=("ICE",)),
            ReceiptLine("생표고버섯", 1, 10000, 10000, exempt=True),
        ),
        subtotal=14500,
        taxable_supply=4091,
        vat=409,
        exempt=10000,
        total=14500,
        payments=(
            ReceiptPayment(
                "카드",
                14500,
                approval_no="30012345",
                issuer="신한카드",
                masked_card="1234-****-****-5678",
                installment=0,
            ),
        ),
        qr_url="https://pos.example.kr/r/8f14e45f-ceea-4e7a-9c1b-000000000042",
        footer=("감사합니다", "꿈이든은 사회적기업입니다"),
    )
    base.update(overrides)
    return ReceiptDocument(**base)


@pytest.fixture(scope="session")
def make_doc():
    """``make_doc(**overrides)`` builds the example receipt with some fields replaced."""
    return build_doc


@pytest.fixture
def doc() -> ReceiptDocument:
    return build_doc()


@pytest.fixture
def busy_doc() -> ReceiptDocument:
    """Long names, options, discounts, split tender and a cash receipt."""
    return build_doc(
        lines=(
            ReceiptLine("아메리카노", 2, 4500, 9000, options=("ICE", "샷 추가 +500")),
            ReceiptLine(
                "유기농 무농약 말린 표고버섯 선물세트 (특대 500g) 한정판매 상품",
                1,
                35000,
                35000,
                exempt=True,
            ),
            ReceiptLine("Cafe Latte Extra Large with Oat Milk", 10, 5500, 55000),
        ),
        subtotal=99000,
        discounts=(("회원 할인", 1000), ("쿠폰", 500)),
        taxable_supply=56818,
        vat=5682,
        exempt=35000,
        total=97500,
        payments=(
            ReceiptPayment(
                "카드",
                50000,
                approval_no="30012345",
                issuer="국민카드",
                masked_card="9430-****-****-1234",
                installment=3,
            ),
            ReceiptPayment("현금", 47500, tendered=50000, change=2500),
        ),
        cash_receipt=ReceiptCashReceipt("소득공제", "010-****-5678"),
    )


@pytest.fixture
def decode():
    return decode_escpos

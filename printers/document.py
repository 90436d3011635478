"""The plain receipt document that the rest of the app hands to the printer layer.

`printers/` imports nothing of ours, so everything a receipt shows travels in these
dataclasses: amounts are already computed, whole won as ``int``; labels are already Korean.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReceiptHeader:
    """The legal seller printed at the top (one vendor per receipt)."""

    name: str  #: 상호
    owner: str  #: 대표자
    brn: str  #: 사업자등록번호, formatted 123-45-67890
    address: str  #: 주소
    phone: str  #: 전화
    site_name: str = ""  #: the branch or fair booth where it was sold


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty: int
    unit_price: int  #: price of one unit including its options
    amount: int  #: unit_price * qty
    options: tuple[str, ...] = ()  #: e.g. ("ICE", "샷 추가 +500")
    exempt: bool = False  #: 면세 line (printed with a mark)


@dataclass(frozen=True)
class ReceiptPayment:
    method: str  #: Korean label: 현금, 카드, 계좌이체, 지역화폐, 온누리상품권, 제로페이, 간편결제
    amount: int
    tendered: int | None = None  #: cash: 받은 돈
    change: int | None = None  #: cash: 거스름돈
    approval_no: str | None = None  #: card/easy pay: 승인번호
    issuer: str | None = None  #: card: 카드사
    masked_card: str | None = None  #: card: 1234-****-****-5678
    installment: int | None = None  #: card: 0 = 일시불, else months
    #: how ``approval_no`` is labelled: 승인번호, or 취소승인번호 on a 반품 영수증
    approval_label: str = "승인번호"


@dataclass(frozen=True)
class ReceiptCashReceipt:
    purpose: str  #: 소득공제 or 지출증빙
    masked_id: str  #: 010-****-5678
    amount: int | None = None  #: the cash/transfer amount the 현금영수증 covers on this receipt


@dataclass(frozen=True)
class ReceiptDocument:
    header: ReceiptHeader
    issued_at: str  #: "2026-11-21 14:03:05" local time, already formatted
    receipt_no: str  #: 영수증번호
    order_no: int  #: the day's order number at this site
    lines: tuple[ReceiptLine, ...]
    subtotal: int  #: sum of line amounts before discounts
    discounts: tuple[tuple[str, int], ...] = ()  #: (label, amount>0) subtracted from subtotal
    taxable_supply: int = 0  #: 과세물품가액 (공급가액)
    vat: int = 0  #: 부가세
    exempt: int = 0  #: 면세물품가액
    total: int = 0  #: 합계 = taxable_supply + vat + exempt
    payments: tuple[ReceiptPayment, ...] = ()
    cash_receipt: ReceiptCashReceipt | None = None
    qr_url: str | None = None  #: e-receipt page; printed as a QR code
    reprint: bool = False  #: print the 재출력 mark
    footer: tuple[str, ...] = field(default_factory=tuple)  #: closing lines (thanks, notes)
    #: the site's own lines under the seller's details (영업시간, Wi-Fi ...), one per row
    header_lines: tuple[str, ...] = field(default_factory=tuple)
    #: a title printed big above the seller, e.g. "반품 영수증" (None: a sale's receipt)
    title: str | None = None
    #: the receipt this one refunds (원 영수증번호), printed under 영수증번호
    original_receipt_no: str | None = None
    #: more (label, value) rows under the numbers: 반품 사유, 승인, 원 거래일시 ...
    details: tuple[tuple[str, str], ...] = ()

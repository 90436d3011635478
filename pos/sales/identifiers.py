"""Masking of what customers hand over: card numbers and 현금영수증 identifiers."""

from __future__ import annotations

import re

from inventory.vendors import is_valid_brn


class BadIdentifier(ValueError):
    pass


def mask_card(card_no: str | None) -> str | None:
    """Keep at most the first four and last four digits: full card numbers are never stored."""
    if not card_no:
        return None
    digits = re.sub(r"\D", "", card_no)
    if len(digits) <= 4:
        return "****-" + digits if digits else None
    if len(digits) < 12:
        return "****-" + digits[-4:]
    return f"{digits[:4]}-****-****-{digits[-4:]}"


def mask_cash_receipt_id(identifier: str) -> tuple[str, str]:
    """Classify and mask a 현금영수증 identifier; refuse 주민등록번호 and anything unknown."""
    digits = re.sub(r"[\s-]", "", identifier)
    if not digits.isdigit():
        raise BadIdentifier(
            "휴대전화번호, 사업자등록번호 또는 현금영수증카드 번호를 숫자로 입력하세요"
        )
    if len(digits) == 13:
        raise BadIdentifier("주민등록번호는 현금영수증에 사용할 수 없습니다")
    if re.fullmatch(r"01[016789]\d{7,8}", digits):
        return "phone", f"{digits[:3]}-****-{digits[-4:]}"
    if len(digits) == 10 and is_valid_brn(digits):
        return "brn", f"{digits[:3]}-{digits[3:5]}-*****"
    if 16 <= len(digits) <= 19:
        return "card", f"{digits[:4]}-****-****-{digits[-4:]}"
    raise BadIdentifier("휴대전화번호, 사업자등록번호 또는 현금영수증카드 번호가 아닙니다")

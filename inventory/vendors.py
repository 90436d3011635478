"""사업자등록번호 rules: the legal seller of every receipt is a vendor with a valid number."""

from __future__ import annotations

import re

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)

TAX_TYPES = {
    "general": "일반과세자",
    "simplified": "간이과세자",
    "exempt": "면세사업자",
}


class InvalidBrn(ValueError):
    pass


def brn_check_digit(first9: str) -> int:
    """National Tax Service check digit over the first nine digits."""
    digits = [int(c) for c in first9]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def normalize_brn(value: str) -> str:
    """'123-45-67890' or '1234567890' -> '1234567890', or InvalidBrn with a Korean reason."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise InvalidBrn("사업자등록번호는 숫자 10자리여야 합니다")
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise InvalidBrn("사업자등록번호 검증번호가 맞지 않습니다")
    return digits


def is_valid_brn(value: str) -> bool:
    try:
        normalize_brn(value)
    except InvalidBrn:
        return False
    return True


def format_brn(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def make_brn(first9: str) -> str:
    """Complete nine digits with their check digit (used for clearly-marked demo numbers)."""
    return first9 + str(brn_check_digit(first9))

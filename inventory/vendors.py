"""사업자등록번호 rules: the legal seller of every receipt is a vendor with a valid number."""

from __future__ import annotations

import re
import unicodedata

_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)

TAX_TYPES = {
    "general": "일반과세자",
    "simplified": "간이과세자",
    "exempt": "면세사업자",
}


#: what people write for a tax type: the code, the 사업자등록증 wording or its short form
TAX_TYPE_WORDS = {
    **{word: "general" for word in ("general", "일반과세자", "일반과세", "일반")},
    **{word: "simplified" for word in ("simplified", "간이과세자", "간이과세", "간이")},
    **{word: "exempt" for word in ("exempt", "면세사업자", "면세")},
}


class InvalidBrn(ValueError):
    pass


class InvalidTaxType(ValueError):
    pass


def parse_tax_type(value: str) -> str:
    """'일반', '간이과세자', 'Exempt' … -> the stored code, or InvalidTaxType in Korean."""
    key = re.sub(r"\s", "", value or "").lower()
    if key not in TAX_TYPE_WORDS:
        raise InvalidTaxType(
            "과세유형은 일반과세자(일반), 간이과세자(간이), 면세사업자(면세) 중 하나여야 합니다"
        )
    return TAX_TYPE_WORDS[key]


def brn_check_digit(first9: str) -> int:
    """National Tax Service check digit over the first nine digits."""
    digits = [int(c) for c in first9]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def normalize_brn(value: str) -> str:
    """'123-45-67890' or '1234567890' -> '1234567890', or InvalidBrn with a Korean reason."""
    # fullwidth digits become ASCII; other scripts' digits are refused, not stored
    digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or ""))
    if not re.fullmatch(r"[0-9]{10}", digits):
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

"""Masking of what customers hand over: card numbers and 현금영수증 identifiers."""

from __future__ import annotations

import re
import unicodedata

from inventory.vendors import is_valid_brn


class BadIdentifier(ValueError):
    pass


def mask_card(card_no: str | None) -> str | None:
    """Keep at most the first four and last four digits: full card numbers are never stored."""
    if not card_no:
        return None
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", card_no))
    if len(digits) <= 4:
        return "****-" + digits if digits else None
    if len(digits) < 12:
        return "****-" + digits[-4:]
    return f"{digits[:4]}-****-****-{digits[-4:]}"


def mask_cash_receipt_id(identifier: str) -> tuple[str, str]:
    """Classify and mask a 현금영수증 identifier; refuse 주민등록번호 and anything unknown."""
    digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", identifier))
    if not (digits.isascii() and digits.isdigit()):
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


#: a run this long is a card number (ISO/IEC 7812: 13 to 19 digits), never a slip's other field
_CARD_RUN = re.compile(r"\d{13,}")


def looks_like_card_number(text: str | None) -> bool:
    """True for text that holds a card number, so it is refused rather than stored (DESIGN §4).

    The rule: after NFKC (full-width digits become ASCII) and removing every character that is
    neither a letter nor a digit (spaces, dashes, dots, slashes, middle dots…), any run of 13 or
    more digits. Approval numbers
    from Korean card terminals are 8 digits (some vans use up to 12, with letters), and an
    issuer is a name, so no honest value has such a run, while a typed card number always does
    (13-19 digits, 4-4-4-4 with dashes or spaces). The Luhn check is deliberately not required:
    a card number with one digit mistyped fails Luhn but still gives away 15 of 16 digits.
    """
    if not text:
        return False
    folded = unicodedata.normalize("NFKC", text)
    return _CARD_RUN.search("".join(c for c in folded if c.isalnum())) is not None

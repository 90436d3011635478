"""사업자등록번호 check digit and masking of customer identifiers."""

import pytest

from inventory.vendors import InvalidBrn, brn_check_digit, format_brn, make_brn, normalize_brn
from pos.sales.identifiers import BadIdentifier, mask_card, mask_cash_receipt_id


def test_known_valid_numbers():
    # published examples of valid numbers (check digit verified by the NTS algorithm)
    assert normalize_brn("220-81-62517") == "2208162517"
    assert normalize_brn("1048137225") == "1048137225"


def test_wrong_check_digit_is_refused():
    with pytest.raises(InvalidBrn, match="검증번호"):
        normalize_brn("220-81-62518")
    with pytest.raises(InvalidBrn, match="10자리"):
        normalize_brn("12345")


def test_make_brn_round_trip():
    for first9 in ("131820001", "608820004", "000000000"):
        brn = make_brn(first9)
        assert normalize_brn(format_brn(brn)) == brn
        assert int(brn[9]) == brn_check_digit(first9)


def test_card_numbers_are_never_kept_whole():
    assert mask_card("9410-1234-5678-1234") == "9410-****-****-1234"
    assert mask_card("1234") == "****-1234"
    assert mask_card(None) is None


def test_cash_receipt_identifiers():
    assert mask_cash_receipt_id("010-1234-5678") == ("phone", "010-****-5678")
    assert mask_cash_receipt_id("220-81-62517") == ("brn", "220-81-*****")
    assert mask_cash_receipt_id("1234567812345678") == ("card", "1234-****-****-5678")
    with pytest.raises(BadIdentifier, match="주민등록번호"):
        mask_cash_receipt_id("900101-1234567")
    with pytest.raises(BadIdentifier):
        mask_cash_receipt_id("abc")

"""Receipt layout: content per DESIGN §4 and every row within the paper width in CP949 cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers import ReceiptHeader, ReceiptLine, ReceiptPayment, cp949_width, layout_receipt
from printers.layout import fit, pad, won, won_unit, wrap


def cells(line) -> int:
    return cp949_width(line.text) * (2 if line.double_width else 1)


def texts(lines) -> list[str]:
    return [ln.text for ln in lines if ln.kind == "text"]


def row(lines, label: str) -> str:
    """The one text row whose first word is ``label``."""
    found = [t for t in texts(lines) if t.split(" ", 1)[0] == label]
    assert len(found) == 1, (label, found)
    return found[0]


def test_cp949_width_counts_hangul_as_two_cells():
    assert cp949_width("") == 0
    assert cp949_width("abc 123") == 7
    assert cp949_width("아메리카노") == 10
    assert cp949_width("샷 추가 +500") == 12
    assert cp949_width("똠방각하") == 8  # UHC-only syllable, still two bytes in CP949


def test_fit_and_pad_never_split_a_hangul_character():
    assert fit("아메리카노", 5) == "아메"
    assert pad("아메리카노", 5) == "아메 "
    assert pad("4,500", 8, "right") == "   4,500"
    assert pad("합계", 7, "center") == " 합계  "
    assert all(cp949_width(c) <= 9 for c in wrap("유기농 무농약 말린 표고버섯 선물세트", 9))


def test_money_is_comma_grouped_won_without_the_won_sign():
    assert won(4500) == "4,500"
    assert won_unit(1234567) == "1,234,567원"
    assert won(0) == "0"


@pytest.mark.parametrize("columns", [42, 48])
def test_design_example_vat_split_on_right_aligned_rows(doc, columns):
    lines = layout_receipt(doc, columns)
    for label, value in [
        ("과세물품가액", "4,091"),
        ("부가세", "409"),
        ("면세물품가액", "10,000"),
        ("소계", "14,500"),
    ]:
        text = row(lines, label)
        assert text.endswith(" " + value)
        assert cp949_width(text) == columns  # value flush with the right edge
    total = [ln for ln in lines if ln.text.startswith("합계")]
    assert len(total) == 1
    assert total[0].text.endswith("14,500원") and cells(total[0]) == columns
    assert total[0].bold and total[0].double_height


@pytest.mark.parametrize("columns", [42, 48])
def test_item_rows_have_name_qty_amount_and_exempt_mark(doc, columns):
    t = texts(layout_receipt(doc, columns))
    header = next(x for x in t if x.startswith("상품명"))
    assert "수량" in header and header.endswith("금액")
    americano = next(x for x in t if x.startswith("아메리카노"))
    assert americano.split() == ["아메리카노", "1", "4,500"]
    assert cp949_width(americano) == columns
    assert t[t.index(americano) + 1].strip() == "+ ICE"  # option indented below the name
    mushroom = next(x for x in t if "생표고버섯" in x)
    assert mushroom.startswith("*생표고버섯") and mushroom.endswith("10,000")
    assert "* 면세물품" in t


def test_no_exempt_legend_without_exempt_lines(make_doc):
    doc = make_doc(lines=(ReceiptLine("아메리카노", 1, 4500, 4500),), exempt=0)
    t = texts(layout_receipt(doc))
    assert "* 면세물품" not in t
    assert not any(x.startswith("*") for x in t)


def test_header_fields_and_order_number(doc):
    lines = layout_receipt(doc)
    t = texts(lines)
    for expected in [
        "상호: 꿈이든카페",
        "대표자: 김꿈이",
        "사업자등록번호: 123-45-67890",
        "전화: 02-123-4567",
        "일시: 2026-11-21 14:03:05",
        "영수증번호: R-20261121-0042",
    ]:
        assert expected in t
    assert any(x.startswith("주소: 서울특별시") for x in t)
    assert "성북점" in t
    order = next(ln for ln in lines if ln.text == "주문번호 42")
    assert order.double_width and order.double_height and order.bold


def test_reprint_mark_only_on_reprints(doc, make_doc):
    plain = layout_receipt(doc)
    assert not any("재출력" in ln.text for ln in plain)
    again = layout_receipt(make_doc(reprint=True))
    marks = [i for i, ln in enumerate(again) if "재출력" in ln.text]
    assert marks == [0]  # first row, before the shop name
    assert again[0].bold and again[0].double_height


def test_card_payment_shows_issuer_masked_number_installment_and_approval(doc):
    t = texts(layout_receipt(doc))
    assert row(layout_receipt(doc), "카드").endswith("14,500원")
    joined = "\n".join(t)
    assert "1234-****-****-5678" in joined
    assert "신한카드" in joined
    assert "일시불" in joined
    assert any(x.strip().startswith("승인번호") and x.endswith("30012345") for x in t)


def test_split_tender_cash_and_cash_receipt(busy_doc):
    t = texts(layout_receipt(busy_doc, 48))
    assert any(x.strip().startswith("할부") and x.endswith("3개월") for x in t)
    assert any(x.strip().startswith("받은금액") and x.endswith("50,000원") for x in t)
    assert any(x.strip().startswith("거스름돈") and x.endswith("2,500원") for x in t)
    assert any(x.startswith("현금영수증") and x.endswith("소득공제") for x in t)
    assert any(x.strip().startswith("식별번호") and x.endswith("010-****-5678") for x in t)
    assert any(x.startswith("회원 할인") and x.endswith("-1,000") for x in t)
    assert any(x.startswith("쿠폰") and x.endswith("-500") for x in t)


@pytest.mark.parametrize("columns", [32, 42, 48, 64])
def test_every_row_fits_the_paper(busy_doc, columns):
    lines = layout_receipt(busy_doc, columns)
    assert lines
    for ln in lines:
        if ln.kind == "text":
            assert cells(ln) <= columns, ln
    # long names wrap instead of disappearing: every character still printed, in order
    printed = iter("".join(texts(lines)).replace(" ", ""))
    for item in busy_doc.lines:
        assert all(ch in printed for ch in item.name.replace(" ", "")), item.name


def test_qr_is_the_last_line(doc, make_doc):
    lines = layout_receipt(doc)
    assert lines[-1].kind == "qr" and lines[-1].text == doc.qr_url
    assert all(ln.kind == "text" for ln in layout_receipt(make_doc(qr_url=None)))


def test_no_won_sign_or_control_bytes_even_from_user_text(make_doc):
    doc = make_doc(
        lines=(ReceiptLine("₩할인\x1b@상품\n둘째줄🍄", 1, 4500, 4500),),
        footer=("₩ 없이 원으로",),
    )
    t = texts(layout_receipt(doc))
    joined = "\n".join(t)
    assert "₩" not in joined
    assert "\x1b" not in joined and not any("\n" in x for x in t)
    assert any(x.startswith("할인 @상품 둘째줄?") for x in t)  # emoji is not in CP949


def test_too_narrow_paper_is_refused(doc):
    with pytest.raises(ValueError, match="at least 32"):
        layout_receipt(doc, 24)


hangul = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
ascii_printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
names = st.text(st.one_of(hangul, ascii_printable), min_size=0, max_size=60)


@settings(max_examples=150, deadline=None)
@given(
    name=names,
    option=names,
    shop=names,
    qty=st.integers(1, 9999),
    price=st.integers(0, 99_999_999),
    columns=st.integers(32, 64),
)
def test_property_rows_never_exceed_columns(make_doc, name, option, shop, qty, price, columns):
    doc = make_doc(
        header=ReceiptHeader(shop, shop, "123-45-67890", shop, "02-1", shop),
        lines=(ReceiptLine(name, qty, price, qty * price, options=(option,), exempt=qty % 2 == 0),),
        discounts=((name, price),),
        payments=(ReceiptPayment(name or "카드", price, issuer=name, approval_no=option),),
        footer=(name,),
        total=qty * price,
    )
    for ln in layout_receipt(doc, columns):
        if ln.kind == "text":
            assert cells(ln) <= columns, (ln, columns)

"""ESC/POS bytes: Hangul travels as CP949 inside FS & .. FS ., QR is native, job is framed."""

from __future__ import annotations

import itertools

import pytest

from printers import render
from printers.output import FontNotFoundError

KOREAN = [
    "상호",
    "꿈이든카페",
    "과세물품가액",
    "부가세",
    "면세물품가액",
    "합계",
    "아메리카노",
    "생표고버섯",
]


def test_text_mode_sends_hangul_as_cp949_in_korean_mode(doc, decode):
    data = render(doc)
    s = decode(data)
    segments = "\n".join(s.hangul_segments)
    for word in KOREAN:
        assert word in segments, word
    assert "?" not in segments  # nothing was replaced by the library's encoder
    assert b"?" not in data.split(b"\x1d(k")[0]  # ...nor anywhere before the QR payload
    assert s.names().count("FS &") == s.names().count("FS .") > 10


def test_text_mode_rows_carry_amounts(doc, decode):
    lines = decode(render(doc, columns=48)).lines
    for label, value in [
        ("과세물품가액", "4,091"),
        ("부가세", "409"),
        ("면세물품가액", "10,000"),
        ("합계", "14,500원"),
    ]:
        (row,) = [x for x in lines if x.split(" ", 1)[0] == label]
        assert row.endswith(value)
        assert len(row.encode("cp949")) == 48
    assert any(x.strip().startswith("승인번호") and x.endswith("30012345") for x in lines)
    assert "₩".encode() not in render(doc)


def test_job_is_framed_by_init_and_partial_cut(doc, decode):
    data = render(doc)
    assert data.startswith(b"\x1b@")
    s = decode(data)
    assert s.commands[0] == ("init",)
    assert s.commands[-1][0] == "cut" and s.commands[-1][1] == 1  # GS V 1: partial cut
    assert ("ESC d", 6) in s.commands[-3:]  # feed so the QR clears the cutter


def test_native_qr_code_model_2_with_url(doc, decode):
    s = decode(render(doc, qr_size=5))
    assert s.qr_data == [doc.qr_url.encode()]
    qr = [c for c in s.commands if c[0] == "GS ( k"]
    assert [c[2] for c in qr] == [65, 67, 69, 80, 81]  # model, size, ecc, store, print
    assert s.rasters == []  # native, not an image
    data = render(doc)
    i = data.index(b"\x1d(k\x04\x001A")  # GS ( k pL pH cn=49 fn=65
    assert data[i + 7 : i + 9] == b"2\x00"  # model 2


def test_big_and_bold_rows_use_gs_bang_and_reset(make_doc, decode):
    s = decode(render(make_doc(reprint=True)))
    assert any("[재출력]" in x for x in s.lines[:3])
    assert ("GS !", 0x11) in s.commands  # double width + height for 재출력 and 주문번호
    assert ("ESC E", 1) in s.commands
    # every size or bold switch is switched back off by the next one of its kind
    for kind in ("GS !", "ESC E"):
        values = [c[1] for c in s.commands if c[0] == kind]
        assert values[-1] == 0
        assert all(b == 0 for a, b in itertools.pairwise(values) if a != 0)


def test_no_qr_without_url(make_doc, decode):
    s = decode(render(make_doc(qr_url=None)))
    assert s.qr_data == []


@pytest.mark.parametrize(("columns", "width"), [(42, 512), (48, 576)])
def test_image_mode_rasters_text_and_keeps_native_qr(doc, decode, columns, width):
    s = decode(render(doc, columns=columns, hangul="image"))
    assert s.rasters and all(w == width for w, _ in s.rasters)
    assert sum(h for _, h in s.rasters) > 400
    assert "FS &" not in s.names() and s.hangul_segments == []
    assert s.qr_data == [doc.qr_url.encode()]
    assert s.commands[0] == ("init",) and s.commands[-1][0] == "cut"


def test_image_mode_draws_something_per_row(doc):
    """The raster is not blank: dark dots roughly proportional to the text printed."""
    data = render(doc, hangul="image")
    i = data.index(b"\x1dv0")
    w_bytes = data[i + 4] | data[i + 5] << 8
    height = data[i + 6] | data[i + 7] << 8
    raster = data[i + 8 : i + 8 + w_bytes * height]
    dark = sum(bin(b).count("1") for b in raster)
    assert 0.02 < dark / (w_bytes * 8 * height) < 0.5


def test_image_mode_reports_missing_font(doc, tmp_path):
    with pytest.raises(FontNotFoundError, match="font file not found"):
        render(doc, hangul="image", font_path=str(tmp_path / "none.ttf"))


def test_unknown_hangul_mode_is_refused(doc):
    with pytest.raises(ValueError, match="hangul"):
        render(doc, hangul="utf8")

"""Labels on the receipt printer: printed over a real TCP socket (a fake printer that answers
status queries like a real one), the bytes decoded as a printer would: Hangul as CP949 inside
FS & … FS ., and the barcode or QR payload equal to what the cashier screen's scanner finds."""

from __future__ import annotations

import uuid

import pytest
from escpos_decoder import decode_escpos
from live import FakePrinter, free_port
from sqlalchemy import select
from support import ApiClient

from inventory.models import Product, Site
from inventory.site_terms import set_price
from pos.db import db
from printers.labels import LabelDocument, ean13_ok, render_labels, symbology_for

GS = 0x1D


def split_barcodes(data: bytes) -> tuple[bytes, list[tuple[int, bytes]]]:
    """Take the 1D barcode commands (GS h/w/H/k) out: the rest for `decode_escpos`, and each
    barcode's (m, payload). GS ( k (QR) bodies are copied whole so their data is not read."""
    rest, codes, i = bytearray(), [], 0
    while i < len(data):
        if data[i] == GS and data[i + 1 : i + 2] in (b"h", b"w", b"H"):
            i += 3
        elif data[i] == GS and data[i + 1 : i + 2] == b"k":
            m, n = data[i + 2], data[i + 3]
            assert m >= 65, "function A barcodes are not sent"
            codes.append((m, bytes(data[i + 4 : i + 4 + n])))
            i += 4 + n
        elif data[i] == GS and data[i + 1 : i + 3] == b"(k":
            size = data[i + 3] | data[i + 4] << 8
            rest += data[i : i + 5 + size]
            i += 5 + size
        else:
            rest.append(data[i])
            i += 1
    return bytes(rest), codes


def code128_text(payload: bytes) -> str:
    assert payload.startswith(b"{B")
    return payload[2:].replace(b"{{", b"{").decode("ascii")


def test_label_bytes_hangul_in_double_byte_mode_and_the_code():
    docs = [
        LabelDocument("수제 마들렌", 2500, "인천광역자활센터", "8800000000009", kind="shelf"),
        LabelDocument("생표고버섯 500g", 10000, "꿈이든일터 송이팜랜드", "S001", kind="product"),
        LabelDocument("표고버섯 칩", 5000, "송이팜랜드", "8801234567893", symbology="qr"),
    ]
    rest, codes = split_barcodes(render_labels(docs))
    stream = decode_escpos(rest)
    assert "수제 마들렌" in stream.hangul_segments
    assert "인천광역자활센터" in stream.hangul_segments
    assert any("2,500원" in line for line in stream.lines)
    assert any("생표고버섯 500g" in line for line in stream.lines)
    assert any("10,000원" in line and "송이팜랜드" in line for line in stream.lines)
    # 8800000000009 has a wrong check digit for EAN-13: CODE128 (m=73) carries it as it is
    assert codes == [(73, b"{B8800000000009"), (73, b"{BS001")]
    assert code128_text(codes[0][1]) == "8800000000009"
    assert stream.qr_data == [b"8801234567893"]
    assert stream.names().count("cut") == 3
    # the code is also printed as text under the symbol
    assert "8800000000009" in stream.lines and "S001" in stream.lines


def test_symbology_choice():
    assert ean13_ok("8801234567893") and not ean13_ok("8801234567890")
    assert symbology_for("8801234567893") == "ean13"
    rest, codes = split_barcodes(render_labels([LabelDocument("쌀", 1, "", "8801234567893")]))
    assert codes == [(67, b"8801234567893")]
    assert symbology_for("S001") == "code128"
    assert symbology_for("S001", "qr") == "qr"
    assert symbology_for("상품-1") == "qr"  # not ASCII: no 1D barcode can carry it
    assert symbology_for("X" * 60) == "qr"  # too wide for the paper
    assert split_barcodes(render_labels([LabelDocument("a", 1, "", "{x}")]))[1] == [(73, b"{B{{x}")]
    with pytest.raises(ValueError):
        render_labels([])


def test_image_mode_draws_the_words_and_keeps_the_code_native():
    from printers.output import FontNotFoundError, find_font

    try:
        find_font()
    except FontNotFoundError:
        pytest.skip("no Korean font on this machine")
    doc = LabelDocument("수제 마들렌", 2500, "인천광역자활센터", "8800000000009")
    rest, codes = split_barcodes(render_labels([doc], hangul="image"))
    stream = decode_escpos(rest)
    assert stream.rasters and not stream.hangul_segments
    assert codes == [(73, b"{B8800000000009")]


@pytest.fixture
def printer():
    p = FakePrinter()
    yield p
    p.close()


def _ids(app, *skus):
    with app.app_context():
        return [db.session.scalar(select(Product.id).where(Product.sku == s)) for s in skus]


def test_print_labels_over_tcp_with_the_sites_price_and_a_scannable_code(app_factory, printer):
    app = app_factory("sqlite", PRINTER_URL=printer.url)
    madeleine, chips = _ids(app, "D001", "S003")
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.code == "CAFE03"))
        set_price(site.id, madeleine, 2800)  # this café's own price
        db.session.get(Product, chips).barcode = None  # no barcode: the SKU is the code
        db.session.commit()
    manager = ApiClient(app, "manager", password="manager1234")
    body = {
        "label_kind": "shelf",
        "symbology": "auto",
        "product_id": [str(madeleine), str(chips)],
        "qty": ["2", "1"],
    }
    done = manager.post("/stock/labels", data=body, follow_redirects=True)
    assert done.status_code == 200
    assert "라벨 3장(2가지 상품)을 프린터로 보냈습니다" in done.get_data(as_text=True)
    printer.wait_for(1)
    assert len(printer.jobs) == 1
    rest, codes = split_barcodes(printer.jobs[0])
    stream = decode_escpos(rest)
    assert stream.hangul_segments.count("수제 마들렌") == 2
    assert "표고버섯 칩" in stream.hangul_segments
    assert sum("2,800원" in line for line in stream.lines) == 2
    assert any("5,000원" in line for line in stream.lines)
    printed = [code128_text(payload) for _, payload in codes]
    assert printed == ["8800000000009", "8800000000009", "S003"]

    # what the cashier screen's scanner box matches (barcode exactly, else the SKU)
    cashier = ApiClient(app, "cashier3", pin="1234")
    catalog = cashier.get("/api/catalog").get_json()["products"]
    for code in set(printed):
        found = [
            p
            for p in catalog
            if (p.get("barcode") and p["barcode"] == code) or p["sku"].lower() == code.lower()
        ]
        assert len(found) == 1, code
    assert {p["sku"] for p in catalog if p.get("barcode") == printed[0]} == {"D001"}

    # QR codes instead, as product labels
    qr = dict(body, symbology="qr", label_kind="product", qty=["1", "1"])
    assert manager.post("/stock/labels", data=qr).status_code == 302
    printer.wait_for(2)
    stream = decode_escpos(printer.jobs[1])
    assert stream.qr_data == [b"8800000000009", b"S003"]


def test_no_printer_or_an_unreachable_one_is_told_in_korean(app_factory):
    app = app_factory("sqlite")  # no PRINTER_URL and no site printer
    manager = ApiClient(app, "manager", password="manager1234")
    (madeleine,) = _ids(app, "D001")
    body = {"product_id": [str(madeleine)], "qty": ["1"], "batch_id": str(uuid.uuid4())}
    page = manager.post("/stock/labels", data=body)
    assert page.status_code == 503
    assert "영수증 프린터가 설정되어 있지 않습니다" in page.get_data(as_text=True)
    assert "프린터가 설정되어 있지 않습니다" in manager.get("/stock/labels").get_data(as_text=True)

    with app.app_context():  # the site's own printer, switched off
        site = db.session.scalar(select(Site).where(Site.code == "CAFE03"))
        site.printer_url = f"tcp://127.0.0.1:{free_port()}"
        db.session.commit()
    page = manager.post("/stock/labels", data=body)
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "라벨을 뽑지 못했습니다" in html and "프린터" in html
    assert "tcp://" not in html

    for bad in (["0"], ["열"], ["201"]):
        page = manager.post("/stock/labels", data=dict(body, qty=bad))
        assert page.status_code == 422, bad
    cashier = ApiClient(app, "cashier3", pin="1234")
    assert cashier.post("/stock/labels", data=body).status_code == 403

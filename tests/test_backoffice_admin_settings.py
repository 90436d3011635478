"""Site settings (/admin/settings): the receipt header and footer are stored, checked and
printed; the print queue uses the site's printer; 시험 인쇄 goes over a real TCP socket and
says in Korean why it did not print."""

from __future__ import annotations

from escpos_decoder import decode_escpos
from live import PAPER_OUT, FakePrinter, free_port
from support import ApiClient, new_sale_body
from test_backoffice_admin_users import Browser, field_error, manager

from pos.db import db
from pos.receipts.documents import receipt_documents
from pos.receipts.models import PrintJob
from pos.receipts.queue import process_due_jobs, render_sale
from pos.sales.models import Sale
from pos.sites import Site

HEADER = "영업시간 08:00-20:00\nWi-Fi kkumideun / 12345678"
FOOTER = "교환·환불은 7일 안에 영수증을 지참하세요\n자활 제품을 사 주셔서 고맙습니다"


def settings(header: str = HEADER, footer: str = FOOTER, printer_url: str = "") -> dict:
    return {"receipt_header": header, "receipt_footer": footer, "printer_url": printer_url}


def site_row(app, code: str = "CAFE03") -> Site:
    with app.app_context():
        site = db.session.query(Site).filter_by(code=code).one()
        db.session.expunge(site)
        return site


def sell(app, cashier: ApiClient | None = None) -> str:
    cashier = cashier or ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        cashier,
        [("수제 마들렌", 2, [])],
        [{"method": "cash", "amount": 5000, "tendered": 10000}],
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    return body["id"]


def printed_rows(data: bytes) -> list[str]:
    return [row.strip() for row in decode_escpos(data).lines if row.strip()]


def test_header_and_footer_are_stored_and_printed(app):
    mgr = manager(app)
    resp = mgr.post("/admin/settings", settings(HEADER + "\r\n\r\n", "\n" + FOOTER))
    assert resp.status_code == 302
    site = site_row(app)
    assert site.receipt_header == HEADER and site.receipt_footer == FOOTER
    assert site.printer_url is None
    page = mgr.get("/admin/settings").get_data(as_text=True)
    assert "매장 설정을 저장했습니다" in page and "Wi-Fi kkumideun / 12345678" in page
    sale_id = sell(app)
    with app.app_context():
        rows = printed_rows(render_sale(db.session.get(Sale, sale_id)))
        url = db.session.get(Sale, sale_id).receipt_url
    assert "영업시간 08:00-20:00" in rows and "Wi-Fi kkumideun / 12345678" in rows
    assert "교환·환불은 7일 안에 영수증을 지참하세요" in rows
    assert "자활 제품을 사 주셔서 고맙습니다" in rows
    # the header sits under the seller's details, the footer at the bottom
    assert rows.index("영업시간 08:00-20:00") > rows.index("전화: 032-710-2000")
    assert rows.index("영업시간 08:00-20:00") < rows.index("주문번호 1")
    assert rows.index("자활 제품을 사 주셔서 고맙습니다") > next(
        i for i, r in enumerate(rows) if r.startswith("합계")
    )
    assert "이용해 주셔서 감사합니다" not in rows  # the site's footer replaces the default
    # the e-receipt page shows the same lines
    public = app.test_client().get(url.replace("https://receipts.example.kr", ""))
    html = public.get_data(as_text=True)
    assert "영업시간 08:00-20:00" in html and "자활 제품을 사 주셔서 고맙습니다" in html


def test_empty_footer_keeps_the_default_and_other_sites_are_untouched(sqlite_app):
    mgr = manager(sqlite_app)
    assert mgr.post("/admin/settings", settings(footer="")).status_code == 302
    sale_id = sell(sqlite_app)
    with sqlite_app.app_context():
        (doc,) = receipt_documents(db.session.get(Sale, sale_id))
    assert doc.header_lines == ("영업시간 08:00-20:00", "Wi-Fi kkumideun / 12345678")
    assert doc.footer[:2] == ("꿈이든 - 자활 성공의 꿈이 들어있는 곳", "이용해 주셔서 감사합니다")
    assert site_row(sqlite_app, "CAFE07").receipt_header == ""


def test_bad_settings_get_korean_messages_and_change_nothing(sqlite_app):
    mgr = manager(sqlite_app)
    assert mgr.post("/admin/settings", settings()).status_code == 302
    cases = [
        (settings(header="가" * 22), "receipt_header", "1번째 줄이 너무 깁니다"),
        (settings(footer="\n".join(["감사"] * 7)), "receipt_footer", "6줄까지"),
        (settings(header="커피 ☕ 맛집"), "receipt_header", "영수증 프린터로 출력할 수 없습니다"),
        (settings(printer_url="tcp://"), "printer_url", "tcp://192.168.0.50:9100 처럼"),
        (settings(printer_url="tcp://bad host:9100"), "printer_url", "tcp://192.168.0.50:9100"),
        (settings(printer_url="usb://epson"), "printer_url", "usb://04b8:0202 처럼"),
        (settings(printer_url="http://printer"), "printer_url", "tcp://, usb:// 또는 serial://"),
        (settings(printer_url="file:///tmp/x.bin"), "printer_url", "파일로 출력하는 주소는"),
        (settings(printer_url="serial:///etc/passwd"), "printer_url", "serial:///dev/ttyUSB0"),
    ]
    for form, name, message in cases:
        resp = mgr.post("/admin/settings", form)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, form
        assert message in field_error(html, name), (form, field_error(html, name))
    site = site_row(sqlite_app)
    assert (site.receipt_header, site.receipt_footer, site.printer_url) == (HEADER, FOOTER, None)
    # 42 columns hold 21 Hangul syllables exactly
    assert mgr.post("/admin/settings", settings(header="가" * 21)).status_code == 302


def test_the_queue_prints_on_the_sites_own_printer(app_factory):
    printer = FakePrinter()
    try:
        # the server's printer is dead; the site's own printer is the fake one
        app = app_factory(
            "sqlite", PRINTER_URL=f"tcp://127.0.0.1:{free_port()}", PRINTER_TIMEOUT=2.0
        )
        mgr = manager(app)
        assert mgr.post("/admin/settings", settings(printer_url=printer.url)).status_code == 302
        assert site_row(app).printer_url == printer.url
        sale_id = sell(app)
        with app.app_context():
            assert process_due_jobs() == 1
            job = db.session.query(PrintJob).filter_by(sale_id=sale_id).one()
            assert job.status == "printed"
        printer.wait_for(1)
        assert "영업시간 08:00-20:00" in printed_rows(printer.jobs[0])
    finally:
        printer.close()


def test_a_site_printer_alone_is_enough_to_queue(app_factory):
    app = app_factory("sqlite")  # no PRINTER_URL on this server
    mgr = manager(app)
    assert sell(app)  # no printer anywhere: nothing queued
    with app.app_context():
        assert db.session.query(PrintJob).count() == 0
    assert mgr.post("/admin/settings", settings(printer_url="tcp://127.0.0.1:9")).status_code == 302
    sale_id = sell(app)
    with app.app_context():
        job = db.session.query(PrintJob).filter_by(sale_id=sale_id).one()
        assert job.status == "pending"


def test_test_print_over_a_real_socket(sqlite_app):
    printer = FakePrinter()
    try:
        mgr = manager(sqlite_app)
        resp = mgr.post("/admin/settings/test-print", settings(printer_url=printer.url))
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200
        assert "시험 인쇄를 보냈고, 프린터가 정상이라고 답했습니다." in html
        printer.wait_for(1)
        rows = printed_rows(printer.jobs[0])
        assert "[시험 인쇄]" in rows and "꿈이든 the 카페 3호 인천여성의광장점" in rows
        assert "영업시간 08:00-20:00" in rows and "이 종이는 영수증이 아닙니다" in rows
        assert "123456789012345678901234567890123456789012" in rows  # the 42-column ruler
        assert "cut" in decode_escpos(printer.jobs[0]).names()
        # testing a printer saves nothing
        assert site_row(sqlite_app).printer_url is None
    finally:
        printer.close()


def test_test_print_says_why_it_did_not_print(sqlite_app):
    mgr = manager(sqlite_app)
    nobody = f"tcp://127.0.0.1:{free_port()}"
    html = mgr.post("/admin/settings/test-print", settings(printer_url=nobody)).get_data(True)
    assert "시험 인쇄를 하지 못했습니다. 프린터가 연결을 받지 않습니다." in html
    assert nobody in html  # the typed address stays in the box
    empty = mgr.post("/admin/settings/test-print", settings()).get_data(as_text=True)
    assert "설정된 프린터가 없습니다" in empty
    no_paper = FakePrinter(status=PAPER_OUT)
    try:
        html = mgr.post("/admin/settings/test-print", settings(printer_url=no_paper.url))
        assert "용지가 없습니다. 용지를 넣어 주세요." in html.get_data(as_text=True)
        assert no_paper.jobs == [] or not printed_rows(no_paper.jobs[0])  # nothing printed
    finally:
        no_paper.close()


def test_settings_are_for_managers_and_admins_of_the_site(app_factory):
    app = app_factory("sqlite", POS_SITE="GN-FAIR")
    organiser = Browser(app, "organiser", password="organiser1234")
    assert organiser.get("/admin/settings").status_code == 403
    resp = organiser.post("/admin/settings", settings())
    assert resp.status_code == 403 and "권한이 없습니다" in resp.get_data(as_text=True)
    assert site_row(app, "GN-FAIR").receipt_header == ""
    # a manager bound to a site changes that site, whatever the switcher is sent
    admin = Browser(app, "admin", password="admin1234")
    body = {
        "username": "mgr-fair",
        "display_name": "장터 매니저",
        "role": "manager",
        "site": "GN-FAIR",
        "password": "fair-manager-1",
        "password_again": "fair-manager-1",
    }
    assert admin.post("/admin/users/new", body).status_code == 302
    mgr = Browser(app, "mgr-fair", password="fair-manager-1")
    assert mgr.post("/admin/site", {"site": "CAFE03"}).status_code == 403
    assert mgr.post("/admin/settings", settings(header="장터 안내")).status_code == 302
    assert site_row(app, "GN-FAIR").receipt_header == "장터 안내"
    assert site_row(app, "CAFE03").receipt_header == ""


def test_the_slip_fits_the_paper_in_both_widths_and_as_an_image():
    from printers.layout import cp949_width
    from printers.testpage import render_slip, slip_lines

    header = ["가" * 24, "Wi-Fi kkumideun"]
    for columns in (42, 48):
        lines = slip_lines(
            "꿈이든 the 카페 3호 인천여성의광장점", "2024-05-03 10:00:00", header, (), columns
        )
        for line in lines:
            cells = cp949_width(line.text) * (2 if line.double_width else 1)
            assert cells <= columns, (columns, line.text)
        assert lines[0].text == "[시험 인쇄]" and lines[-1].text == "이 종이는 영수증이 아닙니다"
    image = decode_escpos(render_slip(slip_lines("장터", "지금", columns=42), 42, "image"))
    assert image.rasters and image.hangul_segments == []  # Hangul drawn, not sent as text

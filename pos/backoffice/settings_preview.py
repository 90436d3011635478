"""매장 설정's receipt preview: the top of a receipt (the site's seller, then the header lines)
and its bottom (the footer lines, or the default thanks) laid out as the printer lays them out,
at ``PRINTER_COLUMNS`` cells. static/js/backoffice/settings.js redraws the header and footer
as they are typed; the server's rows are what a page without script shows."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.vendors import format_brn
from pos.receipts.documents import DEFAULT_FOOTER
from pos.sites import Site
from printers.document import ReceiptDocument, ReceiptHeader
from printers.layout import clean, layout_receipt, pad, wrap


@dataclass(frozen=True)
class Row:
    text: str
    bold: bool = False


def _rows(lines, columns: int) -> list[Row]:
    """Printed lines as monospace rows: the printer's alignment becomes spaces."""
    out = []
    for line in lines:
        text = line.text if line.align == "left" else pad(line.text, columns, line.align)
        out.append(Row(text.rstrip(), line.bold))
    return out


def seller_rows(site: Site, columns: int) -> list[Row]:
    """The seller block as the receipt prints it: 상호 (bold), site, 대표자 … 전화, a rule."""
    vendor = site.vendor
    doc = ReceiptDocument(
        header=ReceiptHeader(
            name=vendor.name,
            owner=vendor.owner,
            brn=format_brn(vendor.brn),
            address=vendor.address,
            phone=vendor.phone,
            site_name=site.name,
        ),
        issued_at="",
        receipt_no="",
        order_no=1,
        lines=(),
        subtotal=0,
    )
    lines = layout_receipt(doc, columns)
    end = next(i for i, ln in enumerate(lines) if ln.text.startswith("일시"))
    return _rows(lines[:end], columns)


def centred(lines: list[str], columns: int) -> list[Row]:
    """Header or footer lines, each wrapped and centred in the row (as layout_receipt does)."""
    return [Row(pad(c, columns, "center").rstrip()) for t in lines for c in wrap(clean(t), columns)]


def preview(site: Site, header: list[str], footer: list[str], columns: int) -> dict:
    """The parts of the preview: seller rows, header rows (with their rule), footer rows."""
    head = centred(header, columns) if any(t.strip() for t in header) else []
    if head:
        head.append(Row("-" * columns))
    # the demo sellers' receipts always say their number is an example (as documents.py does)
    notes = ["※ 데모용 예시 사업자등록번호입니다"] if site.vendor.is_example else []
    return {
        "seller": seller_rows(site, columns),
        "header": head,
        "footer": centred(footer or list(DEFAULT_FOOTER), columns),
        "notes": centred(notes, columns),
        # what a sale puts between the two (not part of these settings)
        "gap": centred(["… 일시 · 주문번호 · 상품 · 결제 …"], columns) + [Row("-" * columns)],
        "default_footer": list(DEFAULT_FOOTER),
    }

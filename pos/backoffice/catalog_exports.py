"""Back office: XLSX downloads of the products (with the working site's price and
availability) and of stock by site (every site the user may see)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from inventory import exports
from pos.scope import allowed_sites, working_site

from .catalog import editors
from .views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, name: str) -> Response:
    response = Response(data, mimetype=XLSX)
    # RFC 5987: Korean file names for every browser, an ASCII fallback for the rest
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name.encode("ascii", "ignore").decode() or "export.xlsx"}"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/products/export.xlsx")
@editors
def export_products():
    site = working_site()
    return _download(exports.products_xlsx(site), f"products-{site.code}-{exports.stamp()}.xlsx")


@bp.get("/products/stock.xlsx")
@editors
def export_stock():
    return _download(exports.stock_xlsx(allowed_sites()), f"stock-{exports.stamp()}.xlsx")

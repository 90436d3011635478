"""Back office: the working site's price and availability page. Every product with its price
there (own or default), 숨김 and 품절 오늘, each a one-tap htmx toggle that swaps only its row;
without JavaScript the same forms post and come back to the page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from inventory import availability as terms
from inventory import catalog_service as svc
from inventory.models import Product
from pos import money
from pos.context import safe_path
from pos.db import db
from pos.scope import working_site

from .catalog import editors, get_or_404, page_number
from .catalog_forms import PriceForm, parse
from .views import bp


def _filters() -> dict:
    raw = request.args.get("category", "")
    return {
        "q": request.args.get("q", "").strip()[:100],
        "category": int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None,
    }


@bp.get("/availability")
@editors
def availability():
    site = working_site()
    filters = _filters()
    # a fair offers only its vendors' goods: those first, every product on request
    in_fair = terms.fair_vendors(site)
    show_all = request.args.get("all") == "1" or in_fair is None
    query = terms.products_query(
        filters["q"], filters["category"], None if show_all else sorted(in_fair)
    )
    page = svc.paged(query, page_number())
    return render_template(
        "backoffice/catalog/availability.html",
        site=site,
        rows=terms.site_rows(site, page.items),
        page=page,
        filters=filters,
        categories=svc.categories(show_inactive=False),
        won=money.won,
        errors={},
        typed=None,
        at_fair=in_fair is not None,
        show_all=show_all,
    )


@bp.post("/availability/<int:product_id>")
@editors
def availability_set(product_id: int):
    """One toggle or the price of one row: ``what`` is sold_out, hidden or price."""
    site = working_site()
    product = get_or_404(Product, product_id)
    what = request.form.get("what", "")
    errors: dict[str, str] = {}
    changes: dict = {}
    if what in ("sold_out", "hidden"):
        changes[what] = request.form.get("value") == "1"
    elif what == "price":
        if request.form.get("reset") == "1":
            changes["price"] = None
        else:
            form, errors = parse(PriceForm, request.form)
            if form is not None:
                # the default typed into the box is no own price
                changes["price"] = None if form.price in (None, product.price) else form.price
    else:
        errors["price"] = "알 수 없는 요청입니다"
    if changes:
        terms.apply(site, product, changes)
        db.session.commit()
    if request.headers.get("HX-Request"):
        row = terms.row_for(site, product)
        return render_template(
            "backoffice/catalog/_availability_row.html",
            r=row,
            site=site,
            won=money.won,
            errors=errors,
            typed=request.form.get("price", "") if errors else None,
        )
    if errors:
        flash(f"{product.name}: {next(iter(errors.values()))}", "error")
    else:
        flash(f"{product.name}: 저장했습니다", "ok")
    if back := safe_path(request.form.get("back")):
        return redirect(back)
    return redirect(url_for(".availability"))

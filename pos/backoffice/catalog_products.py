"""Back office: products (list with search by name, sku or barcode; create, edit, deactivate)
and option groups with their options."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from inventory import catalog_service as svc
from inventory.campaigns import service as campaign_service
from inventory.campaigns.models import Campaign
from inventory.imports_read import clean_text
from inventory.models import OptionGroup, Product, Vendor
from pos import money
from pos.db import db
from pos.korean import particle

from .catalog import (
    _Shown,
    editors,
    get_or_404,
    page_number,
    saved_or_errors,
    set_active_from_form,
)
from .catalog_forms import OptionGroupForm, ProductForm, int_list, parse
from .views import bp

TAX_LABELS = {"taxable": "과세", "exempt": "면세"}


def _id_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@bp.get("/products")
@editors
def products():
    q = request.args.get("q", "").strip()[:100]
    category_id, vendor_id = _id_arg("category"), _id_arg("vendor")
    show_inactive = request.args.get("all") == "1"
    page = svc.search_products(
        q,
        category_id=category_id,
        vendor_id=vendor_id,
        show_inactive=show_inactive,
        page=page_number(),
    )
    return render_template(
        "backoffice/catalog/products.html",
        page=page,
        q=q,
        category_id=category_id,
        vendor_id=vendor_id,
        show_inactive=show_inactive,
        categories=svc.categories(),
        vendors=db.session.scalars(select(Vendor).order_by(Vendor.name)).all(),
        won=money.won,
        tax_labels=TAX_LABELS,
    )


def _shown_product(product: Product) -> MultiDict:
    values = MultiDict(
        {
            "sku": product.sku,
            "name": product.name,
            "category_id": str(product.category_id or ""),
            "vendor_id": str(product.vendor_id),
            "price": str(product.price),
            "tax": product.tax,
            "barcode": product.barcode or "",
            "track_stock": "1" if product.track_stock else "",
            "low_stock": "" if product.low_stock is None else str(product.low_stock),
            "sort": str(product.sort or 0),
            "description": product.description or "",
            "made_to_order": "1" if product.made_to_order else "",
            "campaign_id": str(product.campaign_id or ""),
        }
    )
    for group in product.option_groups:
        values.add("option_group_ids", str(group.id))
    return values


def _save(product: Product | None, form: ProductForm) -> Product:
    """The catalog's save plus the café fields (made to order, 만원의 행복 campaign)."""
    fields = form.model_dump()
    made_to_order, campaign_id = fields.pop("made_to_order"), fields.pop("campaign_id")
    if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
        raise svc.Invalid({"campaign_id": "없는 캠페인입니다"})
    saved = svc.save_product(product, **fields)
    saved.made_to_order = made_to_order
    saved.campaign_id = campaign_id
    db.session.flush()
    return saved


def _campaign_choices(product: Product | None) -> list[tuple[int, str]]:
    return [
        (c.id, c.name if c.active else f"{c.name} (끝남)")
        for c in campaign_service.campaigns()
        if c.active or (product is not None and product.campaign_id == c.id)
    ]


def _product_form(product: Product | None):
    errors: dict[str, str] = {}
    if request.method == "POST":
        ids = int_list(request.form.getlist("option_group_ids"))
        form, errors = parse(ProductForm, request.form, option_group_ids=ids)
        if form is None:
            taken = svc.product_conflicts(
                product,
                clean_text(request.form.get("sku", ""), code=True),
                clean_text(request.form.get("barcode", ""), code=True),
            )
            errors = {**taken, **errors}
        else:
            saved, errors = saved_or_errors(lambda: _save(product, form))
            if saved is not None:
                flash(f"상품 '{saved.name}'{particle(saved.name, '을/를')} 저장했습니다", "ok")
                return redirect(url_for(".products", q=saved.sku))
        shown = request.form
    else:
        shown = _shown_product(product) if product is not None else MultiDict({"tax": "taxable"})
    vendors = db.session.scalars(select(Vendor).order_by(Vendor.name)).all()
    vendor_choices = [
        (v.id, v.name if v.active else f"{v.name} (사용 중지)")
        for v in vendors
        if v.active or (product is not None and product.vendor_id == v.id)
    ]
    return render_template(
        "backoffice/catalog/product_form.html",
        product=product,
        form=_Shown(shown),
        errors=errors,
        categories=[
            (c.id, c.name)
            for c in svc.categories()
            if c.active or (product is not None and product.category_id == c.id)
        ],
        vendors=vendor_choices,
        groups=svc.option_groups(),
        campaigns=_campaign_choices(product),
        tax_labels=TAX_LABELS,
        won=money.won,
    ), (422 if errors else 200)


@bp.route("/products/new", methods=["GET", "POST"])
@editors
def product_new():
    return _product_form(None)


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@editors
def product_edit(product_id: int):
    return _product_form(get_or_404(Product, product_id))


@bp.post("/products/<int:product_id>/active")
@editors
def product_active(product_id: int):
    product = get_or_404(Product, product_id)
    return set_active_from_form(product, product.name, ".products")


# option groups -------------------------------------------------------------------------------


@bp.get("/options")
@editors
def options():
    return render_template(
        "backoffice/catalog/options.html", groups=svc.option_groups(), won=money.won
    )


MAX_OPTION_ROWS = 40


def _option_rows(form: MultiDict) -> list[tuple[int, dict]]:
    """The option rows of the group form (opt-N-id / -name / -delta / -active) with their row
    number N; a new row left empty is skipped."""
    rows = []
    for n in range(MAX_OPTION_ROWS):
        name = form.get(f"opt-{n}-name")
        if name is None:
            continue
        row_id = int_list([form.get(f"opt-{n}-id", "")])
        if not name.strip() and not row_id:
            continue
        row = {
            "id": row_id[0] if row_id else None,
            "name": name,
            "price_delta": form.get(f"opt-{n}-delta", ""),
            "active": form.get(f"opt-{n}-active") == "1",
        }
        rows.append((n, row))
    return rows


def _row_errors(errors: dict[str, str], rows: list[tuple[int, dict]]) -> dict[str, str]:
    """'options.2.name' (the third kept row) → 'opt-5-name' (the form's row 5)."""
    out = {}
    for key, message in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "options" and parts[1].isdigit():
            key = (
                f"opt-{rows[int(parts[1])][0]}-{'delta' if parts[2] == 'price_delta' else parts[2]}"
            )
        out[key] = message
    return out


def _shown_group(group: OptionGroup) -> MultiDict:
    values = MultiDict(
        {
            "name": group.name,
            "required": "1" if group.required else "",
            "max_select": str(group.max_select),
            "sort": str(group.sort),
        }
    )
    for n, option in enumerate(group.options):
        values[f"opt-{n}-id"] = str(option.id)
        values[f"opt-{n}-name"] = option.name
        values[f"opt-{n}-delta"] = str(option.price_delta)
        values[f"opt-{n}-active"] = "1" if option.active else ""
    return values


def _group_form(group: OptionGroup | None):
    errors: dict[str, str] = {}
    if request.method == "POST":
        rows = _option_rows(request.form)
        form, errors = parse(OptionGroupForm, request.form, options=[r for _, r in rows])
        errors = _row_errors(errors, rows)
        if form is not None:
            saved, errors = saved_or_errors(
                lambda: svc.save_option_group(
                    group,
                    **form.model_dump(exclude={"options"}),
                    options=[o.model_dump() for o in form.options],
                )
            )
            if saved is not None:
                flash(f"옵션 '{saved.name}'{particle(saved.name, '을/를')} 저장했습니다", "ok")
                return redirect(url_for(".options"))
        shown = request.form
        count = max((n + 1 for n, _ in rows), default=0)
    else:
        shown = _shown_group(group) if group is not None else MultiDict({"max_select": "1"})
        count = len(group.options) if group is not None else 0
    return render_template(
        "backoffice/catalog/option_form.html",
        group=group,
        form=_Shown(shown),
        errors=errors,
        rows=max(count + 2, 4),
    ), (422 if errors else 200)


@bp.route("/options/new", methods=["GET", "POST"])
@editors
def option_new():
    return _group_form(None)


@bp.route("/options/<int:group_id>", methods=["GET", "POST"])
@editors
def option_edit(group_id: int):
    return _group_form(get_or_404(OptionGroup, group_id))


@bp.post("/options/<int:group_id>/active")
@editors
def option_active(group_id: int):
    group = get_or_404(OptionGroup, group_id)
    return set_active_from_form(group, group.name, ".options")

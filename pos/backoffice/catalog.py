"""Back office: vendors and categories (products, options, availability and exports live in
catalog_*.py beside this). Every page is for CATALOG_EDITORS; nothing is deleted, only
deactivated, because sales and stock moves name these records for good.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from inventory import catalog_service as svc
from inventory.models import Category, Product, Vendor
from inventory.vendors import TAX_TYPES, format_brn
from pos.auth.service import roles_required
from pos.context import safe_path
from pos.db import db
from pos.korean import particle
from pos.scope import CATALOG_EDITORS

from .catalog_forms import CategoryForm, VendorForm, parse
from .views import bp

editors = roles_required(*CATALOG_EDITORS)
T = TypeVar("T")


def get_or_404(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


def page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1


def saved_or_errors(save: Callable[[], T]) -> tuple[T | None, dict[str, str]]:
    """Run one catalog save: committed and returned, or rolled back with its field errors
    (the service refuses with svc.Invalid), so a refused form changes nothing."""
    try:
        saved = save()
    except svc.Invalid as exc:
        db.session.rollback()
        return None, exc.errors
    db.session.commit()
    return saved, {}


def set_active_from_form(record, what: str, endpoint: str, **kwargs):
    """The 사용 중지 / 다시 사용 button of a list or an edit page."""
    active = request.form.get("active") == "1"
    svc.set_active(record, active)
    db.session.commit()
    flash(f"{what}: {'다시 사용합니다' if active else '사용을 멈췄습니다'}", "ok")
    back = request.form.get("back") or request.referrer or ""
    if back.startswith(request.host_url):
        back = "/" + back[len(request.host_url) :]
    if back := safe_path(back):
        return redirect(back)
    return redirect(url_for(endpoint, **kwargs))


# vendors -------------------------------------------------------------------------------------


@bp.get("/vendors")
@editors
def vendors():
    q = request.args.get("q", "").strip()[:100]
    show_inactive = request.args.get("all") == "1"
    page = svc.search_vendors(q, show_inactive=show_inactive, page=page_number())
    return render_template(
        "backoffice/catalog/vendors.html",
        page=page,
        q=q,
        show_inactive=show_inactive,
        counts=svc.product_counts(Product.vendor_id),
        tax_types=TAX_TYPES,
        format_brn=format_brn,
    )


def _vendor_form(vendor: Vendor | None):
    errors: dict[str, str] = {}
    if request.method == "POST":
        form, errors = parse(VendorForm, request.form)
        if form is not None:
            saved, errors = saved_or_errors(lambda: svc.save_vendor(vendor, **form.model_dump()))
            if saved is not None:
                flash(f"공급자 '{saved.name}'{particle(saved.name, '을/를')} 저장했습니다", "ok")
                return redirect(url_for(".vendors", q=saved.name))
        shown = request.form
    elif vendor is not None:
        shown = MultiDict(
            {
                "name": vendor.name,
                "owner": vendor.owner,
                "brn": format_brn(vendor.brn),
                "address": vendor.address,
                "phone": vendor.phone,
                "tax_type": vendor.tax_type,
            }
        )
    else:
        shown = MultiDict()
    status = 422 if errors else 200
    return render_template(
        "backoffice/catalog/vendor_form.html",
        vendor=vendor,
        form=_Shown(shown),
        errors=errors,
        tax_types=TAX_TYPES,
    ), status


class _Shown:
    """What the form shows: the values as typed (after a refusal) or as stored."""

    def __init__(self, values: MultiDict):
        self._values = values

    def __getattr__(self, name: str) -> str:
        return self._values.get(name, "")

    def get(self, name: str) -> str:
        return self._values.get(name, "")

    def getlist(self, name: str) -> list[str]:
        return self._values.getlist(name)


@bp.route("/vendors/new", methods=["GET", "POST"])
@editors
def vendor_new():
    return _vendor_form(None)


@bp.route("/vendors/<int:vendor_id>", methods=["GET", "POST"])
@editors
def vendor_edit(vendor_id: int):
    return _vendor_form(get_or_404(Vendor, vendor_id))


@bp.post("/vendors/<int:vendor_id>/active")
@editors
def vendor_active(vendor_id: int):
    vendor = get_or_404(Vendor, vendor_id)
    return set_active_from_form(vendor, vendor.name, ".vendors")


# categories ----------------------------------------------------------------------------------


@bp.get("/categories")
@editors
def categories(form=None, errors=None, status: int = 200):
    return render_template(
        "backoffice/catalog/categories.html",
        categories=svc.categories(),
        counts=svc.product_counts(Product.category_id),
        form=form or _Shown(MultiDict()),
        errors=errors or {},
    ), status


@bp.post("/categories")
@editors
def category_new():
    form, errors = parse(CategoryForm, request.form)
    if form is not None:
        saved, errors = saved_or_errors(lambda: svc.save_category(None, **form.model_dump()))
        if saved is not None:
            flash(f"분류 '{saved.name}'{particle(saved.name, '을/를')} 추가했습니다", "ok")
            return redirect(url_for(".categories"))
    return categories(_Shown(request.form), errors, 422)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@editors
def category_edit(category_id: int):
    category = get_or_404(Category, category_id)
    errors: dict[str, str] = {}
    shown = MultiDict({"name": category.name, "sort": str(category.sort)})
    if request.method == "POST":
        form, errors = parse(CategoryForm, request.form)
        if form is not None:
            saved, errors = saved_or_errors(
                lambda: svc.save_category(category, **form.model_dump())
            )
            if saved is not None:
                flash(
                    f"분류 '{category.name}'{particle(category.name, '을/를')} 저장했습니다", "ok"
                )
                return redirect(url_for(".categories"))
        shown = request.form
    return render_template(
        "backoffice/catalog/category_form.html",
        category=category,
        form=_Shown(shown),
        errors=errors,
    ), (422 if errors else 200)


@bp.post("/categories/<int:category_id>/active")
@editors
def category_active(category_id: int):
    category = get_or_404(Category, category_id)
    return set_active_from_form(category, category.name, ".categories")

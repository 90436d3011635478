"""The catalog pages' forms: one pydantic model per form, messages in Korean beside each field.

Form posts are strings; the models accept "4,500" or "4500원" for won, an empty box as "none",
and a ticked checkbox as True. ``parse`` returns the model or every field's message at once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from werkzeug.datastructures import MultiDict

from inventory.imports import MAX_PRICE
from inventory.imports_read import clean_text
from inventory.vendors import InvalidBrn, InvalidTaxType, normalize_brn, parse_tax_type
from pos.api import _PYDANTIC_MESSAGES

#: pydantic's error type → the message a person reads (beside the field)
_FORM_MESSAGES = {
    **_PYDANTIC_MESSAGES,
    "missing": "비울 수 없습니다",
    "string_too_short": "비울 수 없습니다",
    "string_too_long": "너무 깁니다",
    "int_parsing": "숫자로 적으세요",
    "int_type": "숫자로 적으세요",
    "int_from_float": "정수로 적으세요",
    "greater_than_equal": "{ge} 이상이어야 합니다",
    "less_than_equal": "{le} 이하여야 합니다",
    "literal_error": "고를 수 있는 값이 아닙니다",
}


def _number(value):
    """'4,500원', '４５００' or ' 4500 ' → '4500'; an empty box → None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = re.sub(r"[\s,원]", "", unicodedata.normalize("NFKC", value))
        return text or None
    return value


def _text(value):
    return clean_text(value) if isinstance(value, str) else value


def _code(value):
    return clean_text(value, code=True) if isinstance(value, str) else value


def _checkbox(value) -> bool:
    return value not in (None, "", "0", "false", "off")


Text = Annotated[str, BeforeValidator(_text)]
Code = Annotated[str, BeforeValidator(_code)]
Won = Annotated[int, BeforeValidator(_number), Field(ge=0, le=MAX_PRICE)]
OptionalInt = Annotated[int | None, BeforeValidator(_number)]
Check = Annotated[bool, BeforeValidator(_checkbox)]


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore")


class VendorForm(_Form):
    name: Text = Field(min_length=1, max_length=120)
    owner: Text = Field(min_length=1, max_length=60)
    brn: Code
    address: Text = Field(default="", max_length=200)
    phone: Code = Field(default="", max_length=40)
    tax_type: Text = "general"

    @field_validator("brn")
    @classmethod
    def _brn(cls, value: str) -> str:
        try:
            return normalize_brn(value)
        except InvalidBrn as exc:
            raise ValueError(str(exc)) from None

    @field_validator("tax_type")
    @classmethod
    def _tax_type(cls, value: str) -> str:
        try:
            return parse_tax_type(value)
        except InvalidTaxType as exc:
            raise ValueError(str(exc)) from None


class CategoryForm(_Form):
    name: Text = Field(min_length=1, max_length=60)
    sort: Annotated[int, BeforeValidator(lambda v: _number(v) or 0), Field(ge=0, le=9999)] = 0


class ProductForm(_Form):
    sku: Code = Field(min_length=1, max_length=40)
    name: Text = Field(min_length=1, max_length=120)
    category_id: OptionalInt = None
    vendor_id: OptionalInt = None
    price: Won
    tax: Text = "taxable"
    barcode: Code = Field(default="", max_length=40)
    track_stock: Check = False
    #: empty = no warning; the bounds apply to a number only (pydantic cannot compare None)
    low_stock: Annotated[
        Annotated[int, Field(ge=0, le=1_000_000)] | None, BeforeValidator(_number)
    ] = None
    sort: Annotated[int, BeforeValidator(lambda v: _number(v) or 0), Field(ge=0, le=99999)] = 0
    description: Text = Field(default="", max_length=1000)
    option_group_ids: list[int] = []
    #: drinks: a bar ticket prints and the order board shows it
    made_to_order: Check = False
    #: 만원의 행복: each unit sold owes one unit to this campaign's donation
    campaign_id: OptionalInt = None

    @field_validator("tax")
    @classmethod
    def _tax(cls, value: str) -> str:
        words = {"taxable": "taxable", "과세": "taxable", "exempt": "exempt", "면세": "exempt"}
        if value not in words:
            raise ValueError("과세 또는 면세를 고르세요")
        return words[value]

    @field_validator("barcode")
    @classmethod
    def _barcode(cls, value: str) -> str:
        if value and not re.fullmatch(r"[0-9A-Za-z\-.]+", value):
            raise ValueError("바코드는 숫자와 영문자만 쓸 수 있습니다")
        return value

    @field_validator("vendor_id")
    @classmethod
    def _vendor(cls, value):
        if value is None:
            raise ValueError("공급자를 고르세요")
        return value


class OptionRow(BaseModel):
    id: int | None = None
    name: Text = Field(min_length=1, max_length=60)
    price_delta: Annotated[
        int, BeforeValidator(lambda v: _number(v) or 0), Field(ge=-MAX_PRICE, le=MAX_PRICE)
    ] = 0
    active: bool = True


class OptionGroupForm(_Form):
    name: Text = Field(min_length=1, max_length=60)
    required: Check = False
    max_select: Annotated[int, BeforeValidator(_number), Field(ge=1, le=20)] = 1
    sort: Annotated[int, BeforeValidator(lambda v: _number(v) or 0), Field(ge=0, le=9999)] = 0
    options: list[OptionRow] = []


class PriceForm(_Form):
    """A site's own price; an empty box goes back to the product's price."""

    price: Annotated[int | None, BeforeValidator(_number), Field(ge=0, le=MAX_PRICE)] = None


def _message(error: dict) -> str:
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error") or error["msg"]).removeprefix("Value error, ")
    text = _FORM_MESSAGES.get(error["type"], "형식이 맞지 않습니다")
    try:
        return text.format(**{k: f"{v:,}" for k, v in (error.get("ctx") or {}).items()})
    except (KeyError, ValueError, TypeError):
        return text


def errors_of(exc: ValidationError) -> dict[str, str]:
    """Field name → first Korean message; nested fields join their path with '.'."""
    out: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        key = ".".join(str(p) for p in error["loc"]) or "_"
        out.setdefault(key, _message(error))
    return out


def parse(model: type[_Form], form: MultiDict, **extra) -> tuple[_Form | None, dict[str, str]]:
    """(the checked form, {}) or (None, {field: message}). ``extra`` adds values the page
    gathered itself (lists, option rows)."""
    data = {key: form.get(key) for key in form.keys() if key != "csrf_token"}
    data.update(extra)
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        return None, errors_of(exc)


def int_list(values: list[str]) -> list[int]:
    """Checked ids from a list of checkboxes; anything not a number is dropped."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 10]

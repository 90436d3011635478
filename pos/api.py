"""JSON API plumbing: one error shape, request validation with pydantic, and the OpenAPI document
built from the very schemas that validate requests.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import HTTPException

#: path -> method -> operation, filled by ``endpoint`` at import time
_OPERATIONS: dict[str, dict[str, dict]] = {}
_SCHEMAS: dict[str, type[BaseModel]] = {}

bp = Blueprint("api", __name__, url_prefix="/api")

#: ids are 32-bit in both databases; larger numbers are refused as invalid input, not a crash
MAX_ID = 2**31 - 1

_PYDANTIC_MESSAGES = {
    "missing": "필수 항목입니다",
    "int_type": "정수여야 합니다",
    "int_parsing": "정수여야 합니다",
    "string_type": "문자열이어야 합니다",
    "list_type": "목록이어야 합니다",
    "greater_than_equal": "값이 너무 작습니다",
    "greater_than": "값이 너무 작습니다",
    "less_than_equal": "값이 너무 큽니다",
    "too_short": "항목이 부족합니다",
    "too_long": "항목이 너무 많습니다",
    "string_too_short": "값이 비어 있습니다",
    "string_too_long": "값이 너무 깁니다",
    "literal_error": "허용되지 않는 값입니다",
    "extra_forbidden": "알 수 없는 항목입니다",
    "uuid_parsing": "UUID 형식이 아닙니다",
    "uuid_type": "UUID 형식이 아닙니다",
    "model_type": "객체여야 합니다",
    "string_pattern_mismatch": "형식이 맞지 않습니다",
}


class ApiError(Exception):
    """A refusal the client can act on: ``{"error": {"code", "message", "field"}}`` with a 4xx."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra


def error_response(status: int, code: str, message: str, field: str | None = None, **extra):
    body = {"error": {"code": code, "message": message, "field": field, **extra}}
    return jsonify(body), status


def _field_path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def validation_error(exc: ValidationError) -> ApiError:
    first = exc.errors(include_url=False)[0]
    msg = _PYDANTIC_MESSAGES.get(first["type"], first["msg"])
    field = _field_path(first["loc"])
    return ApiError(422, "invalid", f"{field}: {msg}" if field else msg, field or None)


def endpoint(
    rule: str,
    method: str = "GET",
    *,
    body: type[BaseModel] | None = None,
    summary: str = "",
    responses: dict[int, str] | None = None,
    auth: str = "session",
    blueprint: Blueprint | None = None,
):
    """Register a JSON route, validate its body with ``body`` and describe it in OpenAPI."""
    target = blueprint or bp

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if body is not None:
                raw = request.get_data(cache=True)
                if not raw.strip():
                    raise ApiError(400, "bad_json", "JSON 본문이 필요합니다")
                try:
                    # JSON mode of strict models: "3" is not a number, "uuid" strings are fine
                    kwargs["payload"] = body.model_validate_json(raw)
                except ValidationError as exc:
                    if exc.errors()[0]["type"] == "json_invalid":
                        raise ApiError(400, "bad_json", "JSON 형식이 올바르지 않습니다") from None
                    raise validation_error(exc) from None
            return view(*args, **kwargs)

        target.add_url_rule(rule, view_func=wrapper, methods=[method])
        path = (target.url_prefix or "") + rule
        path = path.replace("<int:", "{").replace("<", "{").replace(">", "}")
        op: dict[str, Any] = {
            "summary": summary or (view.__doc__ or "").strip().split("\n")[0],
            "operationId": view.__name__,
            "responses": {
                str(code): {"description": text}
                for code, text in (responses or {200: "OK"}).items()
            },
        }
        if auth == "session":
            op["security"] = [{"session": []}]
        elif auth == "bearer":
            op["security"] = [{"bearer": []}]
        if body is not None:
            _SCHEMAS[body.__name__] = body
            op["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{body.__name__}"}
                    }
                },
            }
        _OPERATIONS.setdefault(path, {})[method.lower()] = op
        return wrapper

    return decorator


def openapi_document() -> dict:
    components: dict[str, Any] = {}
    for name, model in _SCHEMAS.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for sub_name, sub in schema.pop("$defs", {}).items():
            components[sub_name] = sub
        components[name] = schema
    components["Error"] = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                },
                "required": ["code", "message"],
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "꿈이든 POS API", "version": "1"},
        "paths": _OPERATIONS,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())


@bp.get("/health")
def health():
    """Bare JSON endpoint: liveness for the tablets and the benchmark's baseline."""
    return jsonify({"ok": True, "role": current_app.config["POS_ROLE"]})


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.field, **exc.extra)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        if _wants_json():
            return error_response(
                400, "csrf", "보안 토큰이 없거나 만료되었습니다. 다시 로그인하세요"
            )
        return (
            "보안 토큰이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도하세요.",
            400,
            {"Content-Type": "text/plain; charset=utf-8"},
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if _wants_json():
            codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
            messages = {
                404: "찾을 수 없습니다",
                405: "허용되지 않는 요청입니다",
                413: "요청이 너무 큽니다",
                401: "로그인이 필요합니다",
                403: "권한이 없습니다",
            }
            code = codes.get(exc.code or 400, "http_error")
            return error_response(exc.code or 400, code, messages.get(exc.code, exc.description))
        return exc

"""JSON API plumbing: one error shape, request validation with pydantic, and the OpenAPI document
built from the very schemas that validate requests.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
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


#: what a person calls a request field; the message names it, ``field`` keeps the path
FIELD_LABELS = {
    "id": "번호",
    "lines": "주문 항목",
    "product_id": "상품",
    "qty": "수량",
    "options": "옵션",
    "discount": "할인 금액",
    "payments": "결제",
    "method": "결제 수단",
    "amount": "결제 금액",
    "tendered": "받은 금액",
    "approval_no": "승인번호",
    "issuer": "카드사",
    "card_no": "카드번호",
    "installment": "할부",
    "cash_receipt": "현금영수증",
    "purpose": "현금영수증 용도",
    "identifier": "현금영수증 번호",
    "username": "사용자 이름",
    "password": "비밀번호",
    "pin": "PIN",
    "kind": "종류",
    "to_site": "받는 매장",
    "note": "메모",
    "counted": "센 수량",
    "brn": "사업자등록번호",
    "booth": "부스",
    "commission_pct": "수수료율",
    "reason": "사유",
    "signed_by": "서명",
    "sold_out": "품절",
    "hidden": "숨김",
    "price": "가격",
    "name": "이름",
    "date": "날짜",
    "opens": "여는 시각",
    "closes": "닫는 시각",
    "payment_methods": "결제 수단",
    "opening_float": "시작 현금",
    "counted_cash": "센 현금",
    "discount_pct": "할인율",
    "discount_reason": "할인 사유",
    "approver": "매니저 승인",
    "order_type": "매장/포장",
    "day": "날짜",
    "recipient": "기부처",
    "line": "줄 번호",
}

#: a top-level field whose word differs from the same name inside a sale's payments
TOP_LEVEL_LABELS = {"amount": "금액"}


def _field_path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc)


def field_label(loc: tuple) -> str:
    """The innermost named field of a path, in Korean ("payments.0.tendered" → 받은 금액)."""
    if len(loc) == 1 and loc[0] in TOP_LEVEL_LABELS:
        return TOP_LEVEL_LABELS[loc[0]]
    for part in reversed(loc):
        if isinstance(part, str) and part in FIELD_LABELS:
            return FIELD_LABELS[part]
    return "입력값"


def validation_error(exc: ValidationError) -> ApiError:
    first = exc.errors(include_url=False)[0]
    msg = _PYDANTIC_MESSAGES.get(first["type"], "형식이 맞지 않습니다")
    if first["type"] == "value_error":
        # our own validators speak Korean already ("Value error, ..." is pydantic's prefix)
        msg = str(first.get("ctx", {}).get("error") or first["msg"]).removeprefix("Value error, ")
    field = _field_path(first["loc"])
    label = field_label(first["loc"])
    # our own messages often name the field already ("승인번호 자리에 …")
    message = f"{label}: {msg}" if field and label not in msg else msg
    return ApiError(422, "invalid", message, field or None)


def endpoint(
    rule: str,
    method: str = "GET",
    *,
    body: type[BaseModel] | None = None,
    summary: str = "",
    responses: dict[int, str] | None = None,
    auth: str = "session",
    blueprint: Blueprint | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    limits: tuple = (),
):
    """Register a JSON route, validate its body with ``body`` and describe it in OpenAPI.

    ``response`` is the model of the success body (documentation only: views build it);
    ``limits`` are (limit, key_func) pairs for Flask-Limiter."""
    target = blueprint or bp

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if auth == "session" and not current_user.is_authenticated:
                # who is asking comes before what they sent: no field errors for strangers
                raise ApiError(401, "login_required", "로그인이 필요합니다")
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

        routed = wrapper
        for limit, key_func in limits:
            from pos.limits import limiter

            routed = limiter.limit(limit, key_func=key_func)(routed)
        target.add_url_rule(rule, view_func=routed, methods=[method])
        path, parameters = _openapi_path((target.url_prefix or "") + rule)
        op: dict[str, Any] = {
            "summary": summary or (view.__doc__ or "").strip().split("\n")[0],
            "operationId": view.__name__,
            "responses": _openapi_responses(
                responses or {status: "OK"}, status, response, body is not None, auth
            ),
        }
        if parameters:
            op["parameters"] = parameters
        if auth == "session":
            # unsafe calls with the session cookie also send the token /api/login returned
            unsafe = method.upper() not in ("GET", "HEAD", "OPTIONS")
            op["security"] = [{"session": [], "csrf": []} if unsafe else {"session": []}]
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
        return routed

    return decorator


_CONVERTERS = {"int": {"type": "integer", "minimum": 1}, "string": {"type": "string"}}


def _openapi_path(rule: str) -> tuple[str, list[dict]]:
    """Flask's ``/sales/<int:sale_id>`` as OpenAPI's ``/sales/{sale_id}`` plus its parameters."""
    parameters = []
    parts = []
    for segment in rule.split("/"):
        if segment.startswith("<") and segment.endswith(">"):
            converter, _, name = segment[1:-1].rpartition(":")
            schema = _CONVERTERS.get(converter or "string", {"type": "string"})
            parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
            segment = "{" + name + "}"
        parts.append(segment)
    return "/".join(parts), parameters


_ERROR_TEXTS = {
    400: "bad request (not JSON)",
    401: "not logged in",
    403: "not allowed for this role or site",
    404: "not found",
    409: "conflicts with the current state",
    413: "request body too large",
    422: "invalid field; error.field names it",
    429: "too many requests",
}


def _openapi_responses(given: dict, status: int, response, has_body: bool, auth: str) -> dict:
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    out: dict[str, dict] = {}
    for code, text in given.items():
        entry: dict[str, Any] = {"description": text}
        if code < 400 and response is not None:
            _SCHEMAS[response.__name__] = response
            ref = {"$ref": f"#/components/schemas/{response.__name__}"}
            entry["content"] = {"application/json": {"schema": ref}}
        elif code >= 400:
            entry["content"] = error_ref
        out[str(code)] = entry
    defaults = [429]
    if has_body:
        defaults += [400, 413, 422]
    if auth != "none":
        defaults += [401, 403]
    for code in defaults:
        out.setdefault(str(code), {"description": _ERROR_TEXTS[code], "content": error_ref})
    return dict(sorted(out.items()))


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
                    "retry_after": {
                        "type": "integer",
                        "description": "423 and 429: seconds until trying again is worth it",
                    },
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
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
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


#: what a person reads for each HTTP refusal (the pages and the API say the same)
HTTP_MESSAGES = {
    400: ("bad_request", "요청을 이해하지 못했습니다"),
    401: ("login_required", "로그인이 필요합니다"),
    403: ("forbidden", "이 작업을 할 권한이 없습니다"),
    404: ("not_found", "찾으시는 페이지가 없습니다"),
    405: ("method_not_allowed", "허용되지 않는 요청입니다"),
    413: ("too_large", "보낸 내용이 너무 큽니다"),
    429: ("rate_limited", "요청이 너무 많습니다. 잠시 뒤에 다시 시도하세요"),
    500: ("server_error", "서버에 문제가 생겼습니다. 잠시 뒤에 다시 시도하세요"),
}


def _retry_after(exc: HTTPException) -> int:
    """Seconds until a rate limit lets the client in again (at most its window)."""
    item = getattr(getattr(exc, "limit", None), "limit", None)
    return int(item.get_expiry()) if item is not None else 60


def _limit_scope(exc: HTTPException) -> str:
    from pos.limits import login_name_key

    key_func = getattr(getattr(exc, "limit", None), "key_func", None)
    return "name" if key_func is login_name_key else "address"


def refusal(status: int):
    """The JSON error or the Korean error page for an HTTP status."""
    code, message = HTTP_MESSAGES.get(status, ("http_error", "요청을 처리하지 못했습니다"))
    if _wants_json():
        return error_response(status, code, message)
    from flask import render_template

    return render_template("error.html", status=status, message=message, public=True), status


def init_app(app) -> None:
    @app.before_request
    def _json_body_limit() -> None:
        # JSON calls are small; only uploads (forms) may use the whole MAX_CONTENT_LENGTH
        if request.path == "/api/sync/push":
            # a branch's batch of events (token-authenticated, central only)
            request.max_content_length = current_app.config["SYNC_MAX_BODY"]
        elif request.path.startswith("/api/") and request.mimetype != "multipart/form-data":
            request.max_content_length = min(
                current_app.config["MAX_JSON_LENGTH"], current_app.config["MAX_CONTENT_LENGTH"]
            )

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        body, status = error_response(exc.status, exc.code, exc.message, exc.field, **exc.extra)
        if exc.extra.get("retry_after"):
            body.headers["Retry-After"] = str(exc.extra["retry_after"])
        return body, status

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        if _wants_json():
            return error_response(
                400, "csrf", "보안 토큰이 없거나 만료되었습니다. 다시 로그인하세요"
            )
        from flask import render_template

        message = "보안 토큰이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도하세요."
        return render_template("error.html", status=400, message=message, public=True), 400

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 400
        response, status = refusal(status)
        if status == 429:
            retry = _retry_after(exc)
            if _wants_json():
                body = response.get_json()
                body["error"]["retry_after"] = retry
                response = jsonify(body)
            response = current_app.make_response((response, status))
            response.headers["Retry-After"] = str(retry)
            # pos serve's log-in shield refuses a whole address only for the address's limit,
            # never because someone else tried one name too often
            response.headers["X-Limit-Scope"] = _limit_scope(exc)
        return response, status

    @app.errorhandler(500)
    def _server_error(_exc):
        return refusal(500)

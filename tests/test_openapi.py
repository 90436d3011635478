"""The OpenAPI document describes what the server really sends (issue 5 item 13)."""

from __future__ import annotations

from support import ApiClient, new_sale_body

from inventory.schemas import StockMoveOut, StockOut
from pos.auth.schemas import LoginOut
from pos.sales.responses import CatalogOut, PrintJobsOut, PrintStatusOut, SaleOut


def test_responses_match_their_documented_bodies(app_factory):
    app = app_factory("sqlite", PRINTER_URL="file:///dev/null")
    api = ApiClient(app, "cashier3", pin="1234")
    LoginOut.model_validate(api.get("/api/me").get_json())
    CatalogOut.model_validate(api.get("/api/catalog").get_json())
    body = new_sale_body(
        api,
        [("아메리카노", 2, [("온도", "ICE"), ("샷 추가", "샷 추가")]), ("생표고버섯 500g", 1, [])],
        [
            {"method": "cash", "amount": 10000, "tendered": 10000},
            {"method": "card", "amount": 10000, "approval_no": "30012345", "issuer": "신한"},
        ],
        cash_receipt={"purpose": "income_deduction", "identifier": "01012345678"},
    )
    placed = api.post("/api/sales", json=body)
    assert placed.status_code == 201, placed.get_json()
    SaleOut.model_validate(placed.get_json())
    SaleOut.model_validate(api.get(f"/api/sales/{body['id']}").get_json())
    PrintStatusOut.model_validate(api.post(f"/api/sales/{body['id']}/print").get_json())
    PrintJobsOut.model_validate(api.get("/api/print-jobs?all=1").get_json())
    stock = api.get("/api/stock").get_json()
    StockOut.model_validate(stock)
    move = {"product_id": stock["items"][0]["product_id"], "qty": 3, "kind": "receive"}
    StockMoveOut.model_validate(api.post("/api/stock/moves", json=move).get_json())


def test_document_names_the_body_of_every_success(sqlite_app):
    doc = sqlite_app.test_client().get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            success = [r for code, r in op["responses"].items() if code.startswith("2")]
            assert success, (path, method)
            for r in success:
                ref = r["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas, (path, method)


def test_document_declares_the_csrf_header_and_retry_after(sqlite_app):
    doc = sqlite_app.test_client().get("/api/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["csrf"]["name"] == "X-CSRFToken"
    assert doc["paths"]["/api/sales"]["post"]["security"] == [{"session": [], "csrf": []}]
    assert doc["paths"]["/api/catalog"]["get"]["security"] == [{"session": []}]
    error = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    assert error["retry_after"]["type"] == "integer"

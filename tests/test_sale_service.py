"""Placing a sale through its one service entry point, the one record every reader shows, the
enums the database and the request schema share, and no card number stored (issue 5 item 8)."""

from __future__ import annotations

import json
import re
import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import CheckConstraint, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from support import ApiClient, new_sale_body

from inventory.models import StockMove
from pos.api import ApiError
from pos.auth.models import User
from pos.context import server_site
from pos.db import db
from pos.enums import values
from pos.outbox import OutboxEvent
from pos.receipts.documents import receipt_documents
from pos.receipts.models import PrintJob
from pos.sales.enums import CashReceiptPurpose, PaymentMethod, SaleStatus
from pos.sales.events import sale_event_payload
from pos.sales.models import (
    CASH_LIKE,
    CASH_RECEIPT_PURPOSES,
    PAYMENT_METHODS,
    CashReceipt,
    Payment,
    Sale,
)
from pos.sales.record import load_sale_record, sale_view
from pos.sales.schemas import SaleIn
from pos.sales.service import place_sale

HOT = [("아메리카노", 1, [("온도", "HOT")])]


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


VISA = "4111111111111111"
#: a 현금영수증 card (16 digits, stored masked)
CASH_CARD = "6210948000000029"


def counts(app) -> dict:
    with app.app_context():

        def n(model, *where):
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

        return {
            "sales": n(Sale),
            "payments": n(Payment),
            "outbox": n(OutboxEvent, OutboxEvent.type == "sale.completed"),
            "moves": n(StockMove, StockMove.reason == "sale"),
        }


def card_sale(api, approval_no="30012345", **payment) -> dict:
    pay = {"method": "card", "amount": 4500, "approval_no": approval_no, **payment}
    return new_sale_body(api, HOT, [pay])


# --- item 8: no card number in the approval number, or anywhere else -------------------------


CARD_NUMBERS = [
    ("16-digit Luhn", VISA),
    ("with dashes", "4111-1111-1111-1111"),
    ("with spaces", "4111 1111 1111 1111"),
    ("13 digits", "4222222222222"),
    ("19 digits", "6011000990139424000"),
    ("Luhn fails (one digit mistyped)", "4111111111111112"),
    ("inside letters", "A4111111111111111"),
]


@pytest.mark.parametrize("label,number", CARD_NUMBERS, ids=[c[0] for c in CARD_NUMBERS])
def test_a_card_number_as_approval_no_is_refused_and_nothing_is_written(
    app, cashier, label, number
):
    assert luhn_ok(VISA) and not luhn_ok("4111111111111112")
    before = counts(app)
    resp = cashier.post("/api/sales", json=card_sale(cashier, number))
    assert resp.status_code == 422, label
    err = resp.get_json()["error"]
    assert err["field"] == "payments.0.approval_no"
    assert "승인번호 자리에 카드번호를 입력하지 마세요" in err["message"]
    assert counts(app) == before


def test_a_card_number_as_issuer_is_refused(app, cashier):
    resp = cashier.post("/api/sales", json=card_sale(cashier, issuer=VISA))
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == "payments.0.issuer"
    assert counts(app)["sales"] == 0


@pytest.mark.parametrize("approval_no", ["30012345", "A1B2C3D4E5F6", "123456789012", "77"])
def test_real_approval_numbers_are_accepted(app, cashier, approval_no):
    resp = cashier.post("/api/sales", json=card_sale(cashier, approval_no))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["payments"][0]["approval_no"] == approval_no


def test_no_card_number_is_stored_anywhere(app, cashier):
    """Every way a tablet can hand over a card number: the card field (masked), a 현금영수증 card
    (masked), and typed into the approval number or issuer (refused). Then every stored row and
    the outbox are searched for the numbers."""
    for mistake in (card_sale(cashier, VISA), card_sale(cashier, issuer=f"신한 {VISA}")):
        assert cashier.post("/api/sales", json=mistake).status_code == 422
    body = new_sale_body(
        cashier,
        [("아메리카노", 1, [("온도", "HOT")]), ("아메리카노", 1, [("온도", "ICE")])],
        [
            {"method": "card", "amount": 4500, "approval_no": "30012345", "card_no": VISA},
            {"method": "cash", "amount": 4500},
        ],
        cash_receipt={"purpose": "income_deduction", "identifier": CASH_CARD},
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()
    assert sale["payments"][0]["card_no"] == "4111-****-****-1111"
    assert sale["cash_receipt"]["identifier"] == "6210-****-****-0029"
    with app.app_context():
        dump = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                dump.append(" ".join(str(v) for v in row))
    stored = re.sub(r"[\s-]", "", "\n".join(dump))
    for number in (VISA, CASH_CARD):
        assert number[4:12] not in stored  # not even the hidden middle digits


# --- (c) one enum for the CHECK constraint and the request type -------------------------------


ENUM_COLUMNS = [
    (Payment, "method", "ck_payments_method", PaymentMethod),
    (CashReceipt, "purpose", "ck_cash_receipts_purpose", CashReceiptPurpose),
    (Sale, "status", "ck_sales_status", SaleStatus),
]


@pytest.mark.parametrize("model,column,name,enum", ENUM_COLUMNS, ids=[c[2] for c in ENUM_COLUMNS])
def test_each_enum_is_its_check_constraint(model, column, name, enum):
    constraints = model.__table__.constraints
    checks = {c.name: str(c.sqltext) for c in constraints if isinstance(c, CheckConstraint)}
    listed = re.fullmatch(rf"{column} in \((.*)\)", checks[name]).group(1)
    assert tuple(v.strip("'") for v in listed.split(",")) == values(enum)


def test_the_request_schema_takes_the_same_values():
    schema = SaleIn.model_json_schema()
    defs = schema["$defs"]
    assert tuple(defs["PaymentIn"]["properties"]["method"]["enum"]) == values(PaymentMethod)
    purpose = defs["CashReceiptIn"]["properties"]["purpose"]["enum"]
    assert tuple(purpose) == values(CashReceiptPurpose)
    # the labels the cashier page and receipts show come from the same enums
    assert PAYMENT_METHODS == {m.value: m.label for m in PaymentMethod}
    assert CASH_RECEIPT_PURPOSES == {"income_deduction": "소득공제", "expense_proof": "지출증빙"}
    assert set(CASH_LIKE) == {"cash", "transfer"}


def test_the_database_refuses_values_outside_the_enums(app, cashier):
    """The migrations put the same checks into the real database (both backends)."""
    body = new_sale_body(cashier, HOT, [{"method": "cash", "amount": 4500}])
    assert cashier.post("/api/sales", json=body).status_code == 201
    sale_id = body["id"]
    bad_writes = [
        insert(Payment.__table__).values(sale_id=sale_id, position=1, method="bitcoin", amount=1),
        update(Sale.__table__).where(Sale.id == sale_id).values(status="lost"),
        insert(CashReceipt.__table__).values(
            sale_id=sale_id, purpose="gift", id_type="phone", masked_id="010-****-0000"
        ),
    ]
    with app.app_context():
        for stmt in bad_writes:
            with pytest.raises(IntegrityError):
                db.session.execute(stmt)
            db.session.rollback()
        db.session.execute(update(Sale.__table__).values(status=SaleStatus.COMPLETED))
        db.session.rollback()


# --- (b) one record: API, outbox event and receipts show the same sale ------------------------


def test_api_outbox_and_receipts_show_one_record(app, cashier):
    body = new_sale_body(
        cashier,
        [("카페라떼", 2, [("온도", "ICE")]), ("생표고버섯 500g", 1, [])],
        [
            {"method": "card", "amount": 10000, "approval_no": "30012345", "card_no": VISA},
            {"method": "cash", "amount": 8000, "tendered": 10000},
        ],
        discount=2000,
        cash_receipt={"purpose": "income_deduction", "identifier": "010-1234-5678"},
    )
    resp = cashier.post("/api/sales", json=body)
    assert resp.status_code == 201, resp.get_json()
    api = resp.get_json()
    with app.app_context():
        stored = select(OutboxEvent.payload).where(OutboxEvent.id == body["id"])
        event = json.loads(db.session.execute(stored).scalar_one())
        rec = load_sale_record(body["id"])
        # the record read back from the rows is the record the checkout wrote
        assert sale_event_payload(rec) == event
        assert sale_view(rec) == {k: v for k, v in api.items() if k != "print"}
        docs = receipt_documents(rec)
        assert receipt_documents(db.session.get(Sale, body["id"])) == docs

    shared = ("id", "number", "receipt_no", "subtotal", "discount", "total", "taxable_total")
    assert {k: event[k] for k in shared} == {k: api[k] for k in shared}
    assert (event["taxable_supply"], event["vat"], event["exempt"]) == (
        api["taxable"],
        api["vat"],
        api["exempt"],
    )
    assert event["site"] == api["site"] == "CAFE03"
    for e_line, a_line in zip(event["lines"], api["lines"], strict=True):
        central_only = ("vendor_brn", "track_stock", "product_uid", "campaign")
        assert {k: v for k, v in e_line.items() if k not in central_only} == {
            k: v for k, v in a_line.items() if k not in ("product_id", "receipt")
        }
        assert e_line["vendor_brn"] == api["receipts"][a_line["receipt"]]["vendor"]["brn"]
    for e_pay, a_pay in zip(event["payments"], api["payments"], strict=True):
        assert e_pay["masked_card"] == a_pay["card_no"]
        same = ("method", "amount", "tendered", "change", "approval_no", "issuer", "installment")
        assert {k: e_pay[k] for k in same} == {k: a_pay[k] for k in same}
    assert event["cash_receipt"] == {
        "purpose": api["cash_receipt"]["purpose"],
        "masked_id": api["cash_receipt"]["identifier"],
    }
    (doc,) = docs
    (receipt,) = api["receipts"]
    assert (doc.total, doc.taxable_supply, doc.vat, doc.exempt) == (
        receipt["total"],
        receipt["taxable"],
        receipt["vat"],
        receipt["exempt"],
    )
    assert [ln.name for ln in doc.lines] == [ln["name"] for ln in api["lines"]]
    assert [(p.method, p.amount) for p in doc.payments] == [
        (p["label"], p["amount"]) for p in api["payments"]
    ]
    assert doc.cash_receipt.masked_id == "010-****-5678"
    assert doc.qr_url == api["receipt_url"]


# --- (a) one entry point: it writes everything and flushes; the caller commits ----------------


def _seller(app):
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "cashier3")).scalar_one()
        return SimpleNamespace(
            id=user.id, username=user.username, display_name=user.display_name, site_id=None
        )


def test_place_sale_writes_sale_stock_event_and_print_job_but_does_not_commit(app_factory):
    app = app_factory(PRINTER_URL="tcp://127.0.0.1:9")
    api = ApiClient(app, "cashier3", pin="1234")
    body = new_sale_body(
        api,
        [("건표고버섯 100g", 1, [])],
        [{"method": "card", "amount": 12000, "approval_no": "30012345"}],
    )
    payload = SaleIn.model_validate_json(json.dumps(body))
    seller = _seller(app)
    before = counts(app)
    with app.test_request_context():
        placed = place_sale(
            payload, site=server_site(), user=seller, receipt_base_url="https://r.example/"
        )
        assert placed.created and placed.print_status == "pending"
        assert placed.record.receipt_url.startswith(f"https://r.example/r/{body['id']}?t=")
        # everything is in the transaction ...
        sid = body["id"]
        assert db.session.get(Sale, sid) is not None
        assert db.session.scalar(select(func.count()).where(PrintJob.sale_id == sid)) == 1
        assert db.session.scalar(select(func.count()).where(OutboxEvent.id == sid)) == 1
        assert db.session.scalar(select(func.count()).where(StockMove.ref == f"sale:{sid}")) == 1
        db.session.rollback()  # ... and only the caller decides to keep it
    assert counts(app) == before

    with app.test_request_context():
        placed = place_sale(payload, site=server_site(), user=seller, receipt_base_url="x")
        db.session.commit()
    with app.test_request_context():
        again = place_sale(payload, site=server_site(), user=seller, receipt_base_url="x")
        assert not again.created and again.record == placed.record
        other = payload.model_copy(update={"discount": 1000})
        with pytest.raises(ApiError) as refused:
            place_sale(other, site=server_site(), user=seller, receipt_base_url="x")
        assert refused.value.status == 409 and refused.value.code == "id_conflict"
    assert counts(app)["sales"] == before["sales"] + 1


def test_twin_requests_with_one_id_make_one_sale(app):
    """Two tablets (or a retry racing its original) send the same sale at the same moment:
    one 201, one 200 with the same sale, on both backends."""
    tablets = [ApiClient(app, "cashier3", pin="1234") for _ in range(2)]
    body = new_sale_body(tablets[0], [("건표고버섯 100g", 1, [])], [])
    body["payments"] = [{"method": "cash", "amount": 12000}]
    before = counts(app)
    barrier = threading.Barrier(len(tablets))
    answers: list = []

    def send(api):
        barrier.wait()
        answers.append(api.post("/api/sales", json=body))

    threads = [threading.Thread(target=send, args=(t,)) for t in tablets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.status_code for r in answers) == [200, 201]
    assert len({r.get_json()["number"] for r in answers}) == 1
    after = counts(app)
    assert {k: after[k] - before[k] for k in after} == {
        "sales": 1,
        "payments": 1,
        "outbox": 1,
        "moves": 1,
    }


def test_sqlite_triggers_hold_the_sale_status_until_the_table_is_rebuilt(sqlite_app):
    """On SQLite the status check is a pair of triggers (see the migration)."""
    with sqlite_app.app_context():
        names = db.session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'sales'")
        ).scalars()
        assert set(names) == {"ck_sales_status_insert", "ck_sales_status_update"}


def test_the_e_receipt_page_reads_the_same_record(app, cashier):
    body = new_sale_body(
        cashier,
        HOT,
        [{"method": "card", "amount": 4500, "approval_no": "30012345", "card_no": VISA}],
    )
    sale = cashier.post("/api/sales", json=body).get_json()
    page = app.test_client().get(sale["receipt_url"].removeprefix("https://receipts.example.kr"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text_ in ("인천연수지역자활센터", sale["receipt_no"], "4,500원", "30012345", "4111-****"):
        assert text_ in html
    assert VISA not in html


def test_card_numbers_with_any_separator_are_refused(sqlite_app):
    from pos.sales.identifiers import looks_like_card_number

    for typed in (
        "4111.1111.1111.1111",
        "4111/1111/1111/1111",
        "4111_1111_1111_1111",
        "4111·1111·1111·1111",
        "4111\u20101111\u20101111\u20101111",
        "신한 4111.1111.1111.1111",
        "４１１１１１１１１１１１１１１１",
    ):
        assert looks_like_card_number(typed), typed
    for typed in ("30012345", "A1B2C3D4E5F6", "신한카드", "12-34-56"):
        assert not looks_like_card_number(typed), typed


def test_full_width_cash_receipt_numbers_are_stored_as_ascii():
    from pos.sales.identifiers import mask_cash_receipt_id

    kind, masked = mask_cash_receipt_id("０１０-１２３４-５６７８")
    assert kind == "phone" and masked.isascii()

"""sales enums: payment method, cash-receipt purpose and sale status checked by the database

Revision ID: 5e1f0c2a9b3d
Revises: c1d2e3f4a5b6
Create Date: 2026-11-24 10:00:00

The values are written out here (not imported from ``pos.sales.enums``) so that this migration
keeps meaning what it meant when a later one changes the enums.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1f0c2a9b3d"
down_revision = "c1d2e3f4a5b6"
branch_labels = None
depends_on = None

METHODS = ("cash", "card", "transfer", "local_currency", "onnuri", "zeropay", "easypay")
PURPOSES = ("income_deduction", "expense_proof")
STATUSES = ("completed",)


def _in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} in ({','.join(f'{v!r}' for v in allowed)})"


def upgrade():
    # nothing references payments or cash_receipts, so SQLite may rebuild them (batch mode)
    with op.batch_alter_table("payments") as batch_op:
        batch_op.create_check_constraint(op.f("ck_payments_method"), _in("method", METHODS))
    with op.batch_alter_table("cash_receipts") as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_cash_receipts_purpose"), _in("purpose", PURPOSES)
        )
    status = _in("status", STATUSES)
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(op.f("ck_sales_status"), "sales", status)
        return
    # Rebuilding `sales` would DROP it, and with foreign keys on (they cannot be switched off
    # inside the migration's transaction) that cascades into every line and payment. The same
    # rule as triggers instead; a later rebuild of the table gets the model's CHECK.
    for event, when in (("insert", "INSERT"), ("update", "UPDATE OF status")):
        op.execute(
            f"CREATE TRIGGER ck_sales_status_{event} BEFORE {when} ON sales "
            f"WHEN NOT (NEW.{status}) "
            "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ck_sales_status'); END"
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_sales_status"), "sales", type_="check")
    else:
        op.execute("DROP TRIGGER IF EXISTS ck_sales_status_insert")
        op.execute("DROP TRIGGER IF EXISTS ck_sales_status_update")
    with op.batch_alter_table("cash_receipts") as batch_op:
        batch_op.drop_constraint(op.f("ck_cash_receipts_purpose"), type_="check")
    with op.batch_alter_table("payments") as batch_op:
        batch_op.drop_constraint(op.f("ck_payments_method"), type_="check")

"""stock moves: the database checks the move reason

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-12-01 22:00:00

The values are written out here, not imported from inventory.models.MoveReason, so this
migration keeps meaning what it meant when a later one adds a reason.
"""

from alembic import op

revision = "f6a7b8c9d0e1"
down_revision = "e5f6a7b8c9d0"
branch_labels = None
depends_on = None

REASONS = (
    "receive",
    "sale",
    "refund",
    "transfer_out",
    "transfer_in",
    "adjust",
    "count",
    "waste",
    "consign_in",
    "consign_return",
)


def upgrade():
    allowed = ",".join(f"'{r}'" for r in REASONS)
    with op.batch_alter_table("stock_moves") as batch:
        batch.create_check_constraint("reason", f"reason in ({allowed})")


def downgrade():
    with op.batch_alter_table("stock_moves") as batch:
        batch.drop_constraint(op.f("ck_stock_moves_reason"), type_="check")

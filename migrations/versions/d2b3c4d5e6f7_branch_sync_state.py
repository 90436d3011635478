"""branch sync state

Revision ID: d2b3c4d5e6f7
Revises: d1a2b3c4d5e6
Create Date: 2026-12-02 07:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2b3c4d5e6f7"
down_revision = "d1a2b3c4d5e6"
branch_labels = None
depends_on = None

#: the rows still to push (the partial index holds only those)
WAITING = "acked_at IS NULL AND rejected_at IS NULL"


def upgrade():
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalog_version", sa.Integer(), nullable=False),
        sa.Column("last_push_at", sa.DateTime(), nullable=True),
        sa.Column("last_pull_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(), nullable=True),
        sa.Column("high_water", sa.Integer(), nullable=False),
        sa.Column("wake_requested", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    # plain ADD COLUMN: nullable columns need no table rebuild on SQLite
    op.add_column("outbox", sa.Column("rejected_at", sa.DateTime(), nullable=True))
    op.add_column("outbox", sa.Column("reject_code", sa.String(length=40), nullable=True))
    op.create_index(
        "ix_outbox_waiting",
        "outbox",
        ["seq"],
        unique=False,
        sqlite_where=sa.text(WAITING),
        postgresql_where=sa.text(WAITING),
    )


def downgrade():
    op.drop_index("ix_outbox_waiting", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reject_code")
        batch.drop_column("rejected_at")
    op.drop_table("sync_state")

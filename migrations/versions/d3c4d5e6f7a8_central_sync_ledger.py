"""central sync ledger

Revision ID: d3c4d5e6f7a8
Revises: d2b3c4d5e6f7
Create Date: 2026-12-02 07:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d3c4d5e6f7a8"
down_revision = "d2b3c4d5e6f7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sync_sites",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("high_water", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=True),
        sa.Column("last_push_at", sa.DateTime(), nullable=True),
        sa.Column("last_pull_at", sa.DateTime(), nullable=True),
        sa.Column("last_event_at", sa.DateTime(), nullable=True),
        sa.Column("last_received_at", sa.DateTime(), nullable=True),
        sa.Column("lag_seconds", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_sync_sites_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_sync_sites")),
    )
    op.create_table(
        "sync_applied",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status in ('applied','rejected')", name=op.f("ck_sync_applied_status")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_sync_applied_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "event_id", name=op.f("pk_sync_applied")),
    )
    op.create_table(
        "sync_rejections",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_sync_rejections_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "event_id", name=op.f("pk_sync_rejections")),
    )
    with op.batch_alter_table("sync_rejections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_rejections_received_at"), ["received_at"], unique=False
        )


def downgrade():
    op.drop_table("sync_rejections")
    op.drop_table("sync_applied")
    op.drop_table("sync_sites")

"""sync tokens

Revision ID: d0a1b2c3d4e5
Revises: c9d0e1f2a3b4
Create Date: 2026-12-02 07:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d0a1b2c3d4e5"
down_revision = "c9d0e1f2a3b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sync_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_sync_tokens_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sync_tokens_token_hash")),
    )
    with op.batch_alter_table("sync_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_tokens_site_id"), ["site_id"], unique=False)


def downgrade():
    op.drop_table("sync_tokens")

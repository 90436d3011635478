"""log-in failures per typed name and method; session version per user

Revision ID: e5f6a7b8c9d0
Revises: 5e1f0c2a9b3d
Create Date: 2026-12-01 21:40:00

Wrong tries move from the user row to a table keyed by the typed name, so names that do not
exist lock exactly like names that do, and PIN tries never lock a password.
"""

import sqlalchemy as sa
from alembic import op

revision = "e5f6a7b8c9d0"
down_revision = "5e1f0c2a9b3d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("method in ('pin','password')", name=op.f("ck_login_failures_method")),
        sa.PrimaryKeyConstraint("username", "method", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch.drop_column("failed_logins")
        batch.drop_column("locked_until")


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch.drop_column("session_version")
    op.drop_table("login_failures")

"""central facts and rollups

Revision ID: d4d5e6f7a8b9
Revises: d3c4d5e6f7a8
Create Date: 2026-12-02 07:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d4d5e6f7a8b9"
down_revision = "d3c4d5e6f7a8"
branch_labels = None
depends_on = None


def upgrade():
    pass  # H4: c_* fact tables (partitioned by month on PostgreSQL), r_* rollups


def downgrade():
    pass

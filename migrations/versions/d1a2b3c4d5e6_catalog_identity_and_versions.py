"""catalog identity and versions

Revision ID: d1a2b3c4d5e6
Revises: d0a1b2c3d4e5
Create Date: 2026-12-02 07:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d1a2b3c4d5e6"
down_revision = "d0a1b2c3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    pass  # H1: uid columns, version columns, version clock, tombstones


def downgrade():
    pass

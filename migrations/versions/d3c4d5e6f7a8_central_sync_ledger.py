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
    pass  # H3: sync_sites, sync_applied, sync_rejections


def downgrade():
    pass

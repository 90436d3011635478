"""branch sync state

Revision ID: d2b3c4d5e6f7
Revises: d1a2b3c4d5e6
Create Date: 2026-12-02 07:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d2b3c4d5e6f7"
down_revision = "d1a2b3c4d5e6"
branch_labels = None
depends_on = None


def upgrade():
    pass  # H2: sync_state, outbox rejected_at


def downgrade():
    pass

"""twin day indexes

Revision ID: e7f8a9b0c1d2
Revises: b0c1d2e3f4a5
Create Date: 2026-12-04 20:30:00.000000

The month and week twins get an index on ``day``: a report over every site now reads a month
from a twin, or a month less a few days, and found that month by scanning every site's
months. On ``day`` alone, without the day rollups' INCLUDE of the sums: ingest updates a twin's
row in every batch, and an update that changes no indexed column stays a HOT update.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e7f8a9b0c1d2"
down_revision = "b0c1d2e3f4a5"
branch_labels = None
depends_on = None

TABLES = ("r_site_month", "r_site_week", "r_product_month", "r_vendor_month", "r_method_month")


def upgrade():
    for table in TABLES:
        op.create_index(f"ix_{table}_day", table, ["day"], unique=False)


def downgrade():
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_day", table_name=table)

"""twin day indexes

Revision ID: e7f8a9b0c1d2
Revises: b0c1d2e3f4a5
Create Date: 2026-12-04 20:30:00.000000

The month and week twins get the day rollups' index on ``day`` (with the same INCLUDE on
PostgreSQL): a report over every site now reads a month from a twin, or a month less a few
days, and found that month by scanning every site's months.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e7f8a9b0c1d2"
down_revision = "b0c1d2e3f4a5"
branch_labels = None
depends_on = None

INDEXES = {
    "r_site_month": [],
    "r_site_week": [],
    "r_product_month": ["product_id", "qty", "total"],
    "r_vendor_month": ["vendor_id", "sales", "total", "taxable", "vat", "exempt"],
    "r_method_month": ["method", "count", "amount"],
}


def upgrade():
    for table, include in INDEXES.items():
        extra = {"postgresql_include": include} if include else {}
        op.create_index(f"ix_{table}_day", table, ["day"], unique=False, **extra)


def downgrade():
    for table in reversed(INDEXES):
        op.drop_index(f"ix_{table}_day", table_name=table)

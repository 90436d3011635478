"""rollup day indexes

Revision ID: f1a2b3c4d5e6
Revises: e0f1a2b3c4d5
Create Date: 2026-12-03 11:05:00.000000

An index on ``day`` for each day rollup, carrying the summed columns on PostgreSQL (INCLUDE):
a report over every site reads a day range (the ragged ends of a range of months, or a few
weeks by day) from the index alone instead of scanning millions of rows.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f1a2b3c4d5e6"
down_revision = "e0f1a2b3c4d5"
branch_labels = None
depends_on = None

INDEXES = {
    "r_site_day": [],
    "r_site_hour": ["hour", "sales", "total"],
    "r_product_day": ["product_id", "qty", "total"],
    "r_vendor_day": ["vendor_id", "sales", "total", "taxable", "vat", "exempt"],
    "r_method_day": ["method", "count", "amount"],
}


def upgrade():
    for table, include in INDEXES.items():
        extra = {"postgresql_include": include} if include else {}
        op.create_index(f"ix_{table}_day", table, ["day"], unique=False, **extra)


def downgrade():
    for table in reversed(INDEXES):
        op.drop_index(f"ix_{table}_day", table_name=table)

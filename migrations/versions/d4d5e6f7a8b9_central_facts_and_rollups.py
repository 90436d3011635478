"""central facts and rollups

Revision ID: d4d5e6f7a8b9
Revises: d3c4d5e6f7a8
Create Date: 2026-12-02 07:30:00

The fact tables are partitioned by month on PostgreSQL (RANGE on ``day``); each gets a DEFAULT
partition here so no insert can fail, and ``pos.central.partitions`` makes a month's partition
before ingest first writes into that month (the default partition stays empty). On SQLite the
same tables are plain tables (a branch keeps its own reports in them).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4d5e6f7a8b9"
down_revision = "d3c4d5e6f7a8"
branch_labels = None
depends_on = None

PARTITIONED = (
    "c_cash_moves",
    "c_donations",
    "c_refund_lines",
    "c_refund_payments",
    "c_refunds",
    "c_sale_lines",
    "c_sale_payments",
    "c_sales",
    "c_shifts",
    "c_stock_moves",
)


def upgrade():
    op.create_table(
        "c_cash_moves",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shift_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "id", name=op.f("pk_c_cash_moves")),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_donations",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "id", name=op.f("pk_c_donations")),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_refund_lines",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("refund_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("tax", sa.String(length=16), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("restocked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint(
            "site_id", "day", "refund_id", "line", name=op.f("pk_c_refund_lines")
        ),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_refund_payments",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("refund_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "site_id", "day", "refund_id", "position", name=op.f("pk_c_refund_payments")
        ),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_refunds",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("receipt_no", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.BigInteger(), nullable=False),
        sa.Column("vat", sa.BigInteger(), nullable=False),
        sa.Column("exempt", sa.BigInteger(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "id", name=op.f("pk_c_refunds")),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_sale_lines",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax", sa.String(length=16), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "sale_id", "line", name=op.f("pk_c_sale_lines")),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_sale_payments",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "site_id", "day", "sale_id", "position", name=op.f("pk_c_sale_payments")
        ),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_sales",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("receipt_no", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=True),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.BigInteger(), nullable=False),
        sa.Column("vat", sa.BigInteger(), nullable=False),
        sa.Column("exempt", sa.BigInteger(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "id", name=op.f("pk_c_sales")),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_shifts",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opening_float", sa.BigInteger(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("counted_cash", sa.BigInteger(), nullable=True),
        sa.Column("expected_cash", sa.BigInteger(), nullable=True),
        sa.Column("over_short", sa.BigInteger(), nullable=True),
        sa.Column("cash_sales", sa.BigInteger(), nullable=True),
        sa.Column("cash_refunds", sa.BigInteger(), nullable=True),
        sa.Column("sales", sa.BigInteger(), nullable=True),
        sa.Column("refunds", sa.BigInteger(), nullable=True),
        sa.Column("discounts", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("site_id", "day", "id", name=op.f("pk_c_shifts")),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_stock_levels",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "product_id", name=op.f("pk_c_stock_levels")),
    )
    op.create_table(
        "c_stock_moves",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", "id", name=op.f("pk_c_stock_moves")),
        postgresql_partition_by="RANGE (day)",
    )
    op.create_table(
        "c_fairs",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("sales", sa.Integer(), nullable=False),
        sa.Column("vendors", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_c_fairs_site_id_sites")),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_c_fairs")),
    )
    op.create_table(
        "r_campaign_day",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("sold", sa.Integer(), nullable=False),
        sa.Column("donated", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_r_campaign_day_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_r_campaign_day_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "day", "campaign_id", name=op.f("pk_r_campaign_day")),
    )
    op.create_table(
        "r_method_day",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_r_method_day_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "day", "method", name=op.f("pk_r_method_day")),
    )
    op.create_table(
        "r_product_day",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_r_product_day_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_r_product_day_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "day", "product_id", name=op.f("pk_r_product_day")),
    )
    op.create_table(
        "r_site_day",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sales", sa.Integer(), nullable=False),
        sa.Column("refunds", sa.Integer(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.BigInteger(), nullable=False),
        sa.Column("vat", sa.BigInteger(), nullable=False),
        sa.Column("exempt", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_r_site_day_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "day", name=op.f("pk_r_site_day")),
    )
    op.create_table(
        "r_site_hour",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("sales", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_r_site_hour_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "day", "hour", name=op.f("pk_r_site_hour")),
    )
    op.create_table(
        "r_vendor_day",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("sales", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.BigInteger(), nullable=False),
        sa.Column("vat", sa.BigInteger(), nullable=False),
        sa.Column("exempt", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_r_vendor_day_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_r_vendor_day_vendor_id_vendors")
        ),
        sa.PrimaryKeyConstraint("site_id", "day", "vendor_id", name=op.f("pk_r_vendor_day")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in PARTITIONED:
            op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")


def downgrade():
    for table in (
        "r_vendor_day",
        "r_site_hour",
        "r_site_day",
        "r_product_day",
        "r_method_day",
        "r_campaign_day",
        "c_fairs",
        "c_stock_moves",
        "c_stock_levels",
        "c_shifts",
        "c_sales",
        "c_sale_payments",
        "c_sale_lines",
        "c_refunds",
        "c_refund_payments",
        "c_refund_lines",
        "c_donations",
        "c_cash_moves",
    ):
        op.drop_table(table)  # partitions go with their table

"""heatmap month rollup

Revision ID: a9b8c7d6e5f4
Revises: f1a2b3c4d5e6
Create Date: 2026-12-04 03:40:00.000000

``r_site_hour_month``: sales and won per site, month, weekday and hour, filled here from the
hour rollup already there; ingest adds to it from now on. A heatmap over two years of every
site reads it for the whole months instead of every day's hours.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9b8c7d6e5f4"
down_revision = "f1a2b3c4d5e6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "r_site_hour_month",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("sales", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_r_site_hour_month_site_id_sites")
        ),
        sa.PrimaryKeyConstraint(
            "site_id", "day", "weekday", "hour", name=op.f("pk_r_site_hour_month")
        ),
    )
    op.create_index(
        "ix_r_site_hour_month_day",
        "r_site_hour_month",
        ["day"],
        unique=False,
        postgresql_include=["weekday", "hour", "sales", "total"],
    )
    if op.get_bind().dialect.name == "postgresql":
        month = "CAST(date_trunc('month', day) AS date)"
        weekday = "CAST(extract(isodow FROM day) AS int) - 1"
    else:
        month = "date(day, 'start of month')"
        weekday = "(CAST(strftime('%w', day) AS INTEGER) + 6) % 7"
    keys = f"site_id, {month}, {weekday}, hour"
    # made of the constants above, never of input
    op.execute(
        "INSERT INTO r_site_hour_month (site_id, day, weekday, hour, sales, total) "  # noqa: S608
        f"SELECT {keys}, SUM(sales), SUM(total) FROM r_site_hour GROUP BY {keys}"
    )


def downgrade():
    op.drop_index("ix_r_site_hour_month_day", table_name="r_site_hour_month")
    op.drop_table("r_site_hour_month")

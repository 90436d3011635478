"""site week rollup

Revision ID: b0c1d2e3f4a5
Revises: a9b8c7d6e5f4
Create Date: 2026-12-04 04:00:00.000000

``r_site_week``: the week twin of ``r_site_day`` (``day`` holds the week's Monday), filled here
from the day rows already there; ingest adds to it from now on. Revenue by week reads whole
weeks from it and only the ragged ends of the range by day.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b0c1d2e3f4a5"
down_revision = "a9b8c7d6e5f4"
branch_labels = None
depends_on = None

SUMS = ("sales", "refunds", "gross", "refunded", "total", "taxable", "vat", "exempt")
SUMS += ("discount", "items")
COUNTS = {"sales", "refunds", "items"}


def upgrade():
    op.create_table(
        "r_site_week",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(
            sa.Column(name, sa.Integer() if name in COUNTS else sa.BigInteger(), nullable=False)
            for name in SUMS
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_r_site_week_site_id_sites")),
        sa.PrimaryKeyConstraint("site_id", "day", name=op.f("pk_r_site_week")),
    )
    if op.get_bind().dialect.name == "postgresql":
        week = "CAST(date_trunc('week', day) AS date)"
    else:
        week = "date(day, 'weekday 0', '-6 days')"
    # made of the constants above, never of input
    op.execute(
        f"INSERT INTO r_site_week (site_id, day, {', '.join(SUMS)}) "  # noqa: S608
        f"SELECT site_id, {week}, {', '.join(f'SUM({c})' for c in SUMS)} "
        f"FROM r_site_day GROUP BY site_id, {week}"
    )


def downgrade():
    op.drop_table("r_site_week")

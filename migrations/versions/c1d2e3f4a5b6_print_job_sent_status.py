"""print jobs: "sent" status checked by the database, error code, Korean reasons

Revision ID: c1d2e3f4a5b6
Revises: 7bca991754fb
Create Date: 2026-11-24 12:00:00

A job is "printed" only when the printer answered after it; "sent" when it cannot answer.
The values are written out here (not imported from ``pos.receipts.models``) so that this
migration keeps meaning what it meant when a later one changes the enum. Reasons stored before
were English sentences meant for nobody in particular; the cashier now reads Korean.
"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "c1d2e3f4a5b6"
down_revision = "7bca991754fb"
branch_labels = None
depends_on = None

STATUSES = ("pending", "retrying", "printed", "sent", "failed")
#: the generic reason of printers/errors.py (UNKNOWN)
KOREAN_REASON = "프린터 문제로 출력하지 못했습니다. 프린터 전원과 용지를 확인해 주세요."


def _in(allowed: tuple[str, ...]) -> str:
    return f"status in ({','.join(f'{v!r}' for v in allowed)})"


def upgrade():
    print_jobs = sa.table("print_jobs", sa.column("last_error", sa.String))
    op.execute(
        print_jobs.update()
        .where(print_jobs.c.last_error.is_not(None))
        .values(last_error=KOREAN_REASON)
    )
    # nothing references print_jobs, so SQLite may rebuild it (batch mode)
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_code", sa.String(length=30), nullable=True))
        batch_op.create_check_constraint(op.f("ck_print_jobs_status"), _in(STATUSES))


def downgrade():
    # the old code knows no "sent": such a job left for the printer, the nearest is printed
    print_jobs = sa.table("print_jobs", sa.column("status", sa.String))
    op.execute(
        print_jobs.update().where(print_jobs.c.status == "sent").values(status="printed")
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_print_jobs_status"), type_="check")
        batch_op.drop_column("error_code")

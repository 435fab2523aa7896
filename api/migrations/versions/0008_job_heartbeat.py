"""Jobs: a heartbeat, written by the process that runs the job, so that a job whose process
stopped is seen as such (api.jobs.reap) instead of staying queued or running.

Revision ID: 0008_job_heartbeat
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_job_heartbeat"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE jobs SET heartbeat_at = created_at")
    with op.batch_alter_table("jobs") as batch:
        batch.alter_column("heartbeat_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("heartbeat_at")

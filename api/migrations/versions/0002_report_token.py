"""Report cache: a random token per stored report, for in-memory copies to check against.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: reports stored before have none and are computed again on their next request.
    op.add_column("report_cache", sa.Column("token", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_cache") as batch:
        batch.drop_column("token")

"""Report cache: no token per stored report (api.reportcache checks the alliance's revision and
creation time instead).

Revision ID: 0007
Revises: 0006_surveys
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006_surveys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_cache") as batch:
        batch.drop_column("token")


def downgrade() -> None:
    op.add_column("report_cache", sa.Column("token", sa.String(32), nullable=True))

"""Key management (expiry, revocation, last use, orphaned coordinator keys) and the audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEY_COLUMNS = ("expires_at", "revoked_at", "last_used_at", "orphaned_at")


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        for name in KEY_COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("key_role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_log_alliance_id_id", "audit_log", ["alliance_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_alliance_id_id", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("api_keys") as batch:
        for name in KEY_COLUMNS:
            batch.drop_column(name)

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


# Plain ALTER TABLE, not batch mode: to change a table SQLite's batch mode makes a copy and drops
# the original, and with foreign keys on (the service's connections) that drop deletes every key
# grant with it (ON DELETE CASCADE). Both databases add and drop columns in place (SQLite since 3.35).


def upgrade() -> None:
    for name in KEY_COLUMNS:
        op.add_column("api_keys", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
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
    for name in KEY_COLUMNS:
        op.drop_column("api_keys", name)

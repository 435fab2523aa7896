"""Undo of an alliance's last change: the table ``undo`` (the state before it, one per alliance).

Revision ID: 0005_undo
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_undo"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undo",
        sa.Column("alliance_id", sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("undo")

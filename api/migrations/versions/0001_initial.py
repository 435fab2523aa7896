"""Initial schema: alliances, actors, ties, report cache, API keys and grants, secrets.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alliances",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("region", sa.String(300), nullable=True),
        sa.Column("land", sa.String(100), nullable=True),
        sa.Column("programme", sa.String(300), nullable=True),
        sa.Column("funding", sa.Float(), nullable=True),
        sa.Column("founded", sa.Integer(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("directed", sa.Boolean(), nullable=False),
        sa.Column("weighted", sa.Boolean(), nullable=False),
        sa.Column("n_actors", sa.Integer(), nullable=False),
        sa.Column("n_ties", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_alliances_land", "alliances", ["land"])
    op.create_index("ix_alliances_programme", "alliances", ["programme"])
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alliance_id", sa.Integer(), sa.ForeignKey("alliances.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(300), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.UniqueConstraint("alliance_id", "actor_id"),
    )
    op.create_index("ix_actors_alliance_id", "actors", ["alliance_id"])
    op.create_table(
        "ties",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alliance_id", sa.Integer(), sa.ForeignKey("alliances.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(200), nullable=True),
        sa.Column("wave", sa.String(100), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_ties_alliance_position", "ties", ["alliance_id", "position"])
    op.create_table(
        "report_cache",
        sa.Column("alliance_id", sa.Integer(), sa.ForeignKey("alliances.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "key_grants",
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("alliance_id", sa.Integer(), sa.ForeignKey("alliances.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_table(
        "secrets",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for table in ("secrets", "key_grants", "api_keys", "report_cache", "ties", "actors", "alliances"):
        op.drop_table(table)

"""Partner surveys: surveys, personal links (hashed), respondents and their answers.

Revision ID: 0006_surveys
Revises: 0005_undo
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from netz.core.limits import MAX_ID_CHARS, MAX_KIND_CHARS, MAX_WAVE_CHARS

revision = "0006_surveys"
down_revision = "0005_undo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "alliance_id", sa.Integer, sa.ForeignKey("alliances.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("wave", sa.String(MAX_WAVE_CHARS), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("roster", sa.JSON, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_surveys_alliance_id", "surveys", ["alliance_id"])
    op.create_table(
        "survey_invitations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
        sa.Column("actor_id", sa.String(MAX_ID_CHARS), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_survey_invitations_survey_id", "survey_invitations", ["survey_id"])
    op.create_table(
        "survey_respondents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_id", sa.Integer, sa.ForeignKey("surveys.id", ondelete="CASCADE"), nullable=False),
        sa.Column("actor_id", sa.String(MAX_ID_CHARS), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("missing_text", sa.Text, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("survey_id", "actor_id"),
    )
    op.create_index("ix_survey_respondents_survey_id", "survey_respondents", ["survey_id"])
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "respondent_id",
            sa.Integer,
            sa.ForeignKey("survey_respondents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("partner", sa.String(MAX_ID_CHARS), nullable=False),
        sa.Column("kind", sa.String(MAX_KIND_CHARS), nullable=True),
        sa.Column("frequency", sa.Integer, nullable=True),
        sa.Column("ratings", sa.JSON, nullable=False),
        sa.UniqueConstraint("respondent_id", "partner"),
    )


def downgrade() -> None:
    op.drop_table("survey_answers")
    op.drop_index("ix_survey_respondents_survey_id", "survey_respondents")
    op.drop_table("survey_respondents")
    op.drop_index("ix_survey_invitations_survey_id", "survey_invitations")
    op.drop_table("survey_invitations")
    op.drop_index("ix_surveys_alliance_id", "surveys")
    op.drop_table("surveys")

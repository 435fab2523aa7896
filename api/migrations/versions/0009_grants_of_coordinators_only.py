"""Key grants only for coordinator keys: grants stored for other keys are deleted.

Only a coordinator key is limited to the alliances it is given; an admin, researcher or funder key
reads every alliance its role may read. Before the check of 2026-12-06 (``create_key`` refusing
alliances for other roles), ``netz keys create --role funder --alliance 1`` stored such a grant: it
meant nothing, yet ``netz keys list`` and the admin's key table showed it as if the key were
limited to that alliance.

Revision ID: 0009_grants_of_coordinators_only
Revises: 0008_job_heartbeat
Create Date: 2026-12-06
"""

from alembic import op

revision = "0009_grants_of_coordinators_only"
down_revision = "0008_job_heartbeat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM key_grants WHERE key_id IN (SELECT id FROM api_keys WHERE role <> 'coordinator')")


def downgrade() -> None:
    """Nothing to undo: the deleted grants gave no access, and which they were is not kept."""

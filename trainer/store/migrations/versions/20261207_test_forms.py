"""Participants' test form: which parallel form (a or b) they take as pre-test.

Revision ID: 20261207_test_forms
Revises: 20261207_attempt_drafts
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261207_test_forms"
down_revision = "20261207_attempt_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: participants who joined before forms existed take form A first (the default).
    op.add_column("participant", sa.Column("pre_form", sa.String(length=1), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("pre_form")

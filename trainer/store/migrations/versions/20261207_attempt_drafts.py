"""Draft answers of an open attempt: what the trainee has entered so far, with its sequence number.

Revision ID: 20261207_attempt_drafts
Revises: 20261207_participant_admin
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261207_attempt_drafts"
down_revision = "20261207_participant_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("draft_answers", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("draft_seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("draft_saved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("draft_saved_at")
        batch.drop_column("draft_seq")
        batch.drop_column("draft_answers")

"""Draft answers remember, per field, the sequence number of the save that last wrote it.

A save speaks for some fields (a page, or the questions a browser tab changed): each of them is
written only if the save is newer than the one that last wrote that field, so a tab that changed
question 2 never clears the answer another tab gave to question 1. Rows saved before this have
NULL: every field counts as written by their `draft_seq`.

Revision ID: 20261207_draft_field_seqs
Revises: 20261207_response_indexes
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261207_draft_field_seqs"
down_revision = "20261207_response_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("draft_seqs", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("draft_seqs")

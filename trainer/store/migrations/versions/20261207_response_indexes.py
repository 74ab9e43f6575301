"""Responses lose two indexes no query uses: ix_response_attempt_id and ix_response_question_hash.

Lookups by attempt use the unique constraints (attempt_id, position) and (attempt_id, module_id,
question_id), which lead with attempt_id; nothing selects responses by question hash. Both were
written on every graded submission (the question_hash one touched a page per response).

Revision ID: 20261207_response_indexes
Revises: 20261207_sessions_enrolment
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "20261207_response_indexes"
down_revision = "20261207_sessions_enrolment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_response_question_hash", table_name="response")
    op.drop_index("ix_response_attempt_id", table_name="response")


def downgrade() -> None:
    op.create_index("ix_response_attempt_id", "response", ["attempt_id"])
    op.create_index("ix_response_question_hash", "response", ["question_hash"])

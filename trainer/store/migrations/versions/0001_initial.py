"""Participants, attempts and responses.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("workshop_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint("public_id", name=op.f("uq_participant_public_id")),
    )
    op.create_index(op.f("ix_participant_workshop_id"), "participant", ["workshop_id"])
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("curriculum_id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=True),
        sa.Column("module_hash", sa.String(length=64), nullable=True),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("tokens", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("earned", sa.Float(), nullable=True),
        sa.Column("max_points", sa.Float(), nullable=True),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.CheckConstraint("kind IN ('module', 'pre', 'post')", name=op.f("ck_attempt_kind")),
        sa.CheckConstraint("(kind = 'module') = (module_id IS NOT NULL)",
                           name=op.f("ck_attempt_module_id")),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_attempt_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt")),
        sa.UniqueConstraint("public_id", name=op.f("uq_attempt_public_id")),
    )
    op.create_index("ix_attempt_participant_module", "attempt", ["participant_id", "module_id"])
    op.create_index("uq_attempt_participant_test", "attempt", ["participant_id", "kind"],
                    unique=True, sqlite_where=sa.text("kind != 'module'"),
                    postgresql_where=sa.text("kind != 'module'"))
    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("question_hash", sa.String(length=64), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("earned", sa.Float(), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"],
                                name=op.f("fk_response_attempt_id_attempt"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sa.UniqueConstraint("attempt_id", "module_id", "question_id",
                            name="uq_response_attempt_question"),
        sa.UniqueConstraint("attempt_id", "position", name="uq_response_attempt_position"),
    )
    op.create_index(op.f("ix_response_attempt_id"), "response", ["attempt_id"])
    op.create_index(op.f("ix_response_question_hash"), "response", ["question_hash"])


def downgrade() -> None:
    op.drop_table("response")
    op.drop_table("attempt")
    op.drop_table("participant")

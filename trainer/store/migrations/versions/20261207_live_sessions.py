"""Live sessions: the session, who is in the room, and their answers.

Revision ID: 20261207_live_sessions
Revises: 20261207_test_forms
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261207_live_sessions"
down_revision = "20261207_test_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_code", sa.String(length=12), nullable=False),
        sa.Column("workshop_id", sa.String(length=64), nullable=False),
        sa.Column("curriculum_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("tokens", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("phase IN ('ready', 'open', 'closed', 'revealed', 'ended')",
                           name=op.f("ck_live_session_phase")),
        sa.CheckConstraint("source IN ('module', 'pre', 'post', 'pick')",
                           name=op.f("ck_live_session_source")),
        sa.CheckConstraint("mode IN ('poll', 'quiz')", name=op.f("ck_live_session_mode")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_session")),
        sa.UniqueConstraint("room_code", name=op.f("uq_live_session_room_code")),
    )
    op.create_index(op.f("ix_live_session_workshop_id"), "live_session", ["workshop_id"])
    op.create_table(
        "live_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["live_session.id"],
                                name=op.f("fk_live_member_session_id_live_session"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_live_member_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_member")),
        sa.UniqueConstraint("session_id", "participant_id",
                            name="uq_live_member_session_participant"),
    )
    op.create_index(op.f("ix_live_member_participant_id"), "live_member", ["participant_id"])
    op.create_table(
        "live_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("question_hash", sa.String(length=64), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("earned", sa.Float(), nullable=False),
        sa.Column("max_points", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["live_session.id"],
                                name=op.f("fk_live_answer_session_id_live_session"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_live_answer_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_answer")),
        sa.UniqueConstraint("session_id", "participant_id", "position",
                            name="uq_live_answer_session_participant_position"),
    )
    op.create_index("ix_live_answer_session_position", "live_answer", ["session_id", "position"])
    op.create_index(op.f("ix_live_answer_participant_id"), "live_answer", ["participant_id"])


def downgrade() -> None:
    op.drop_table("live_answer")
    op.drop_table("live_member")
    op.drop_table("live_session")

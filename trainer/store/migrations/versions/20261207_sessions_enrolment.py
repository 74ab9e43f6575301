"""Server-side sessions (web_session) and the dashboard's enrolment settings (workshop_enrolment).

Revision ID: 20261207_sessions_enrolment
Revises: 20261207_live_sessions
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261207_sessions_enrolment"
down_revision = "20261207_live_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.String(length=8), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_seen_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.CheckConstraint("audience IN ('trainer', 'trainee')", name=op.f("ck_web_session_audience")),
        sa.CheckConstraint("(audience = 'trainer') = (trainer_id IS NOT NULL)",
                           name=op.f("ck_web_session_trainer")),
        sa.CheckConstraint("(audience = 'trainee') = (participant_id IS NOT NULL)",
                           name=op.f("ck_web_session_trainee")),
        sa.ForeignKeyConstraint(["trainer_id"], ["trainer.id"],
                                name=op.f("fk_web_session_trainer_id_trainer"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_web_session_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_trainer_id"), "web_session", ["trainer_id"])
    op.create_index(op.f("ix_web_session_participant_id"), "web_session", ["participant_id"])
    op.create_index(op.f("ix_web_session_expires_at"), "web_session", ["expires_at"])
    op.create_table(
        "workshop_enrolment",
        sa.Column("workshop_id", sa.String(length=64), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=True),
        sa.Column("max_participants", sa.Integer(), nullable=True),
        sa.Column("join_code", sa.String(length=12), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workshop_id", name=op.f("pk_workshop_enrolment")),
        sa.UniqueConstraint("join_code", name=op.f("uq_workshop_enrolment_join_code")),
    )


def downgrade() -> None:
    op.drop_table("workshop_enrolment")
    op.drop_index(op.f("ix_web_session_expires_at"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_participant_id"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_trainer_id"), table_name="web_session")
    op.drop_table("web_session")

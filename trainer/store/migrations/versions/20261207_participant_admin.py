"""Participant management: resume codes, set-aside tests of merged participants, the audit log.

Revision ID: 20261207_participant_admin
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261207_participant_admin"
down_revision = "0002"
branch_labels = None
depends_on = None

_OLD_TEST = "kind != 'module'"
_COUNTED_TEST = "kind != 'module' AND set_aside = false"


def upgrade() -> None:
    op.add_column("participant", sa.Column("resume_code_hash", sa.String(length=64),
                                           nullable=True))
    op.create_index(op.f("ix_participant_resume_code_hash"), "participant",
                    ["resume_code_hash"], unique=True)
    op.add_column("attempt", sa.Column("set_aside", sa.Boolean(), nullable=False,
                                       server_default=sa.text("false")))
    op.drop_index("uq_attempt_participant_test", table_name="attempt")
    op.create_index("uq_attempt_participant_test", "attempt", ["participant_id", "kind"],
                    unique=True, sqlite_where=sa.text(_COUNTED_TEST),
                    postgresql_where=sa.text(_COUNTED_TEST))
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trainer", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("workshop_id", sa.String(length=64), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_at"), "audit_event", ["at"])
    op.create_index(op.f("ix_audit_event_participant_id"), "audit_event", ["participant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_event_participant_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_at"), table_name="audit_event")
    op.drop_table("audit_event")
    # Set-aside tests would break the old index (one pre/post per participant): they go.
    op.execute("DELETE FROM attempt WHERE set_aside = true")
    op.drop_index("uq_attempt_participant_test", table_name="attempt")
    op.create_index("uq_attempt_participant_test", "attempt", ["participant_id", "kind"],
                    unique=True, sqlite_where=sa.text(_OLD_TEST),
                    postgresql_where=sa.text(_OLD_TEST))
    # A plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy of the table would drop the
    # old one, and with foreign keys on that deletes every response (ON DELETE CASCADE).
    op.execute("ALTER TABLE attempt DROP COLUMN set_aside")
    op.drop_index(op.f("ix_participant_resume_code_hash"), table_name="participant")
    op.execute("ALTER TABLE participant DROP COLUMN resume_code_hash")

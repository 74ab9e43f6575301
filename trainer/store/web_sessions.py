"""Server-side sessions: the `web_session` table behind every signed-in browser.

The signed session cookie carries a random session token (about 256 bits); the table keeps its
SHA-256, never the token, with who it belongs to (a trainer or a participant), when it started,
when it was last seen and when it ends. Logging out, leaving, "log out everywhere" and a password
change mark rows revoked, and every request that needs to know who is signed in reads the row
again (one SELECT by primary key, run on the driver directly: `Database.read_values`), so an ended
session is anonymous at once on every worker and host sharing the database. Nothing here is
cached per worker: a cached "still valid" would outlive a logout made on another worker.

Times are seconds since the epoch (floats): the same on SQLite and PostgreSQL, and compared in
Python. A trainer session also has an idle limit, checked against `last_seen_at`, which is written
at most once per `touch_interval` seconds (a trainer's page views do not each cost a write).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, bindparam, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.store.database import Database
from trainer.store.models import Base

__all__ = [
    "Audience",
    "SessionHolder",
    "WebSession",
    "check_session",
    "purge_sessions",
    "revoke_session",
    "revoke_trainer_sessions",
    "revoke_trainer_sessions_in",
    "start_session",
]

TOKEN_BYTES = 32
DIGEST_LENGTH = 64  # SHA-256 hex
# Rows ended this long ago are deleted when a trainer signs in (they only answer "anonymous").
KEEP_ENDED_S = 7 * 24 * 3600.0


class Audience(StrEnum):
    """Who a session belongs to."""

    TRAINER = "trainer"
    TRAINEE = "trainee"


class WebSession(Base):
    """One signed-in browser: a trainer's or a participant's, until revoked or expired."""

    __tablename__ = "web_session"
    __table_args__ = (
        CheckConstraint("audience IN ('trainer', 'trainee')", name="audience"),
        CheckConstraint("(audience = 'trainer') = (trainer_id IS NOT NULL)", name="trainer"),
        CheckConstraint("(audience = 'trainee') = (participant_id IS NOT NULL)", name="trainee"),
    )

    id: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    audience: Mapped[str] = mapped_column(String(8))
    trainer_id: Mapped[int | None] = mapped_column(
        ForeignKey("trainer.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[float] = mapped_column(Float)
    last_seen_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
    revoked_at: Mapped[float | None] = mapped_column(Float)


@dataclass(frozen=True, slots=True)
class SessionHolder:
    """Who a valid session belongs to."""

    audience: Audience
    trainer_id: int | None
    participant_id: int | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(database: Database, audience: Audience, *, lifetime_s: float,
                  trainer_id: int | None = None, participant_id: int | None = None,
                  now: float | None = None) -> str:
    """Record a new session ending `lifetime_s` from now; return its token (for the cookie)."""
    if (audience is Audience.TRAINER) != (trainer_id is not None) or \
            (audience is Audience.TRAINEE) != (participant_id is not None):
        raise ValueError("a trainer session names a trainer, a trainee session a participant")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    started = time.time() if now is None else now
    row = WebSession(id=_digest(token), audience=audience.value, trainer_id=trainer_id,
                     participant_id=participant_id, created_at=started, last_seen_at=started,
                     expires_at=started + lifetime_s, revoked_at=None)

    def work(session: Session) -> None:
        if session.get(WebSession, row.id) is None:  # a retry after the first run committed
            session.add(row)

    database.write(work)
    return token


_TABLE = Base.metadata.tables[WebSession.__tablename__]
# Run on every request that asks who is signed in: built once, compiled once per dialect.
_LOOKUP = select(_TABLE.c.audience, _TABLE.c.trainer_id, _TABLE.c.participant_id,
                 _TABLE.c.created_at, _TABLE.c.last_seen_at, _TABLE.c.expires_at,
                 _TABLE.c.revoked_at).where(_TABLE.c.id == bindparam("id"))
_TOUCH = (update(_TABLE).where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.revoked_at.is_(None))
          .values(last_seen_at=bindparam("b_seen")))


def check_session(database: Database, token: str, *, trainer_idle_s: float | None = None,
                  trainer_absolute_s: float | None = None, touch_interval_s: float = 60.0,
                  now: float | None = None) -> SessionHolder | None:
    """Return who holds the session `token`, or None when it is unknown, revoked or over.

    For a trainer's session: `trainer_idle_s`, it ends when not seen for this long, and
    `last_seen_at` is brought forward when older than `touch_interval_s` (or a quarter of the
    idle limit); `trainer_absolute_s`, it ends this long after it started, whatever its recorded
    end (so shortening the setting shortens the sessions already running).
    """
    if not token or len(token) > 128:
        return None
    row = database.read_values(_LOOKUP, {"id": _digest(token)})
    if row is None:
        return None
    audience, trainer_id, participant_id, created, seen, expires, revoked = row
    moment = time.time() if now is None else now
    if revoked is not None or moment >= float(expires):
        return None
    idle_s = trainer_idle_s if audience == Audience.TRAINER.value else None
    if (audience == Audience.TRAINER.value and trainer_absolute_s is not None
            and moment >= float(created) + trainer_absolute_s):
        return None
    if idle_s is not None:
        if moment >= float(seen) + idle_s:
            return None
        if moment - float(seen) >= min(touch_interval_s, idle_s / 4):
            database.write_core(lambda statements: statements.run(
                _TOUCH, {"b_id": _digest(token), "b_seen": moment}))
    return SessionHolder(Audience(audience), trainer_id, participant_id)


def revoke_session(database: Database, token: str, *, now: float | None = None) -> bool:
    """End one session (logout, leave); return whether it was still running."""
    if not token or len(token) > 128:
        return False
    moment = time.time() if now is None else now

    def work(session: Session) -> bool:
        result = session.execute(
            update(WebSession).where(WebSession.id == _digest(token),
                                     WebSession.revoked_at.is_(None))
            .values(revoked_at=moment).execution_options(synchronize_session=False))
        return getattr(result, "rowcount", 0) == 1

    return database.write(work)


def revoke_trainer_sessions(database: Database, trainer_id: int, *,
                            now: float | None = None) -> int:
    """End every running session of a trainer ("log out everywhere", a new password)."""
    moment = time.time() if now is None else now

    def work(session: Session) -> int:
        return revoke_trainer_sessions_in(session, trainer_id, moment)

    return database.write(work)


def revoke_trainer_sessions_in(session: Session, trainer_id: int, moment: float) -> int:
    """Revoke a trainer's running sessions inside the caller's write transaction."""
    result = session.execute(
        update(WebSession).where(WebSession.trainer_id == trainer_id,
                                 WebSession.revoked_at.is_(None))
        .values(revoked_at=moment).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0))


def purge_sessions(database: Database, *, now: float | None = None) -> int:
    """Delete sessions that expired or were revoked more than a week ago; return how many."""
    cutoff = (time.time() if now is None else now) - KEEP_ENDED_S

    def work(session: Session) -> int:
        result = session.execute(
            _TABLE.delete().where((_TABLE.c.expires_at < cutoff) | (_TABLE.c.revoked_at < cutoff)))
        return int(getattr(result, "rowcount", 0))

    return database.write(work)

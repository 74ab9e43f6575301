"""Trainer accounts: the `trainer` table, argon2id password hashes, login checks, the first account.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile) and never
stored or logged in clear. `authenticate` answers the same way, and takes about the same time, for
an unknown user and a wrong password (SECURITY.md 15): an unknown user is checked against a dummy
hash. A hash made with older parameters is upgraded at the next successful login.

There is no default account with a known password: `ensure_first_trainer` creates the first
account with a generated password, once, and returns it for the caller to show once.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Boolean, DateTime, Integer, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.errors import StoreError
from trainer.store.database import Database
from trainer.store.models import Base, utcnow
from trainer.store.web_sessions import revoke_trainer_sessions_in

__all__ = [
    "FIRST_TRAINER",
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "FirstTrainer",
    "Trainer",
    "authenticate",
    "create_trainer",
    "ensure_first_trainer",
    "generate_password",
    "get_trainer",
    "set_password",
    "normalise_username",
    "trainer_count",
]

logger = logging.getLogger(__name__)

USERNAME_LENGTH = 64
HASH_LENGTH = 255
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a cap keeps a login request cheap
FIRST_TRAINER = "trainer"
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,63}$")
# Letters and digits that cannot be confused when read off a projector or typed: no 0/o, 1/l/i.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(StoreError):
    """A trainer account cannot be created as asked (bad name, weak password, name taken)."""


class Trainer(Base):
    """A trainer who may log in to the dashboard."""

    __tablename__ = "trainer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class FirstTrainer:
    """The account `ensure_first_trainer` created: show the password once, then forget it."""

    username: str
    password: str


def normalise_username(username: str) -> str:
    """Return a username as stored (trimmed, case-folded); raise AccountError when malformed."""
    name = username.strip().casefold()
    if not USERNAME_PATTERN.match(name):
        raise AccountError(
            "a username is 1-64 characters: letters, digits and . _ @ + - (starting with a "
            "letter or digit)"
        )
    return name


def generate_password() -> str:
    """Return a new random password, easy to type: four groups of five (about 99 bits)."""
    groups = ("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(5)) for _ in range(4))
    return "-".join(groups)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")


def create_trainer(database: Database, username: str, password: str) -> Trainer:
    """Create a trainer account; raise AccountError when the name is taken or unfit."""
    name = normalise_username(username)
    _check_password(password)
    hashed = _hasher.hash(password)

    def work(session: Session) -> Trainer:
        if session.scalar(select(Trainer).where(Trainer.username == name)) is not None:
            raise AccountError(f"a trainer called {name!r} already exists")
        trainer = Trainer(username=name, password_hash=hashed, active=True, created_at=utcnow())
        session.add(trainer)
        session.flush()
        return trainer

    try:
        trainer = database.write(work)
    except IntegrityError as exc:  # created by someone else at the same moment
        raise AccountError(f"a trainer called {name!r} already exists") from exc
    logger.info("trainer account %r created", name)
    return trainer


def set_password(database: Database, username: str, password: str) -> int:
    """Replace a trainer's password and end all their sessions (in one transaction).

    Returns how many running sessions were ended; raises AccountError when there is no such
    trainer or the password is unfit.
    """
    name = normalise_username(username)
    _check_password(password)
    hashed = _hasher.hash(password)
    moment = time.time()

    def work(session: Session) -> int | None:
        trainer = session.scalar(select(Trainer).where(Trainer.username == name))
        if trainer is None:
            return None
        trainer.password_hash = hashed
        return revoke_trainer_sessions_in(session, trainer.id, moment)

    ended = database.write(work)
    if ended is None:
        raise AccountError(f"there is no trainer called {name!r}")
    logger.info("trainer %r: password changed, %d sessions ended", name, ended)
    return ended


def get_trainer(database: Database, trainer_id: int) -> Trainer | None:
    """Return the active trainer with this id, if any."""
    with database.read() as session:
        return session.scalar(select(Trainer).where(Trainer.id == trainer_id, Trainer.active))


def trainer_count(database: Database) -> int:
    """Return how many trainer accounts exist."""
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Trainer)) or 0)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except VerifyMismatchError:
        return False
    except (VerificationError, InvalidHashError):
        logger.warning("a stored trainer password hash could not be checked")
        return False


def authenticate(database: Database, username: str, password: str) -> Trainer | None:
    """Return the trainer when the username and password match an active account, else None."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return None
    try:
        name = normalise_username(username)
    except AccountError:
        name = ""
    with database.read() as session:
        trainer = session.scalar(select(Trainer).where(Trainer.username == name, Trainer.active))
    if trainer is None:
        _verify(_DUMMY_HASH, password)  # the same work as for a real account: no timing hint
        return None
    if not _verify(trainer.password_hash, password):
        return None
    rehash = _hasher.check_needs_rehash(trainer.password_hash)
    new_hash = _hasher.hash(password) if rehash else None
    trainer_id = trainer.id

    def work(session: Session) -> None:
        found = session.get(Trainer, trainer_id)
        if found is not None:
            found.last_login_at = utcnow()
            if new_hash is not None:
                found.password_hash = new_hash

    database.write(work)
    return trainer


def ensure_first_trainer(database: Database) -> FirstTrainer | None:
    """Create the account `trainer` with a generated password when no trainer exists yet.

    Returns the account (show its password once: it is not kept anywhere in clear), or None when
    a trainer already existed. Safe when several processes start at once: one of them creates it.
    """
    if trainer_count(database) > 0:
        return None
    password = generate_password()
    try:
        create_trainer(database, FIRST_TRAINER, password)
    except AccountError:
        return None  # another process created it first
    return FirstTrainer(FIRST_TRAINER, password)

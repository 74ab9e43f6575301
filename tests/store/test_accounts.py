"""Trainer accounts: argon2id hashes, login checks, the first account, concurrent creation."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from trainer.store import Database
from trainer.store.accounts import (
    FIRST_TRAINER,
    AccountError,
    Trainer,
    authenticate,
    create_trainer,
    ensure_first_trainer,
    generate_password,
    set_password,
    trainer_count,
)

PASSWORD = "correct horse battery"


def _stored_hash(store: Database, username: str) -> str:
    with store.read() as session:
        trainer = session.scalar(select(Trainer).where(Trainer.username == username))
        assert trainer is not None
        return trainer.password_hash


def test_passwords_are_stored_as_argon2id_hashes_only(store: Database) -> None:
    create_trainer(store, "Tess", PASSWORD)
    stored = _stored_hash(store, "tess")  # usernames are case-folded
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_authenticate_accepts_the_right_password_only(store: Database) -> None:
    create_trainer(store, "tess", PASSWORD)
    found = authenticate(store, " TESS ", PASSWORD)
    assert found is not None
    assert found.username == "tess"
    assert authenticate(store, "tess", PASSWORD + "x") is None
    assert authenticate(store, "nobody", PASSWORD) is None
    assert authenticate(store, "", "") is None
    assert authenticate(store, "tess", "x" * 5000) is None


def test_last_login_is_recorded(store: Database) -> None:
    create_trainer(store, "tess", PASSWORD)
    authenticate(store, "tess", PASSWORD)
    with store.read() as session:
        trainer = session.scalar(select(Trainer))
        assert trainer is not None
        assert trainer.last_login_at is not None


@pytest.mark.parametrize(("username", "password", "message"), [
    ("tess", "short", "at least 12 characters"),
    ("has space", PASSWORD, "a username is"),
    ("", PASSWORD, "a username is"),
    ("-dash", PASSWORD, "a username is"),
])
def test_weak_passwords_and_bad_names_are_refused(store: Database, username: str,
                                                 password: str, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        create_trainer(store, username, password)
    assert trainer_count(store) == 0


def test_a_name_is_taken_once(store: Database) -> None:
    create_trainer(store, "tess", PASSWORD)
    with pytest.raises(AccountError, match="already exists"):
        create_trainer(store, "TESS", PASSWORD)


def test_set_password_replaces_the_old_one(store: Database) -> None:
    create_trainer(store, "tess", PASSWORD)
    set_password(store, "tess", "another long password")
    assert authenticate(store, "tess", PASSWORD) is None
    assert authenticate(store, "tess", "another long password") is not None
    with pytest.raises(AccountError, match="no trainer"):
        set_password(store, "nobody", "another long password")


def test_the_first_trainer_gets_a_generated_password_once(store: Database) -> None:
    created = ensure_first_trainer(store)
    assert created is not None
    assert created.username == FIRST_TRAINER
    assert len(created.password) >= 20
    assert authenticate(store, FIRST_TRAINER, created.password) is not None
    assert ensure_first_trainer(store) is None  # never again, never a second password
    assert trainer_count(store) == 1


def test_no_first_trainer_when_one_exists(store: Database) -> None:
    create_trainer(store, "tess", PASSWORD)
    assert ensure_first_trainer(store) is None
    assert trainer_count(store) == 1


def test_workers_starting_together_create_one_first_trainer(store: Database) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _i: ensure_first_trainer(store), range(4)))
    assert sum(1 for r in results if r is not None) == 1
    assert trainer_count(store) == 1


def test_generated_passwords_differ_and_are_typable() -> None:
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 23
        assert set(password) <= set("abcdefghjkmnpqrstuvwxyz23456789-")

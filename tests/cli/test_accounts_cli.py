"""`trainer create-trainer` and the first-run account, through the click commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli.accounts import create_trainer_command
from trainer.store import Database
from trainer.store.accounts import authenticate, trainer_count


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"TRAINER_INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "SECRET_KEY": "test-key"}


def _database(env: dict[str, str]) -> Database:
    return Database(env["DATABASE_URL"])


def test_password_from_stdin(env: dict[str, str]) -> None:
    result = CliRunner().invoke(create_trainer_command, ["tess", "--password-stdin"],
                                input="a long enough password\n", env=env)
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    database = _database(env)
    assert authenticate(database, "tess", "a long enough password") is not None
    database.dispose()


def test_prompted_twice(env: dict[str, str]) -> None:
    result = CliRunner().invoke(create_trainer_command, ["tess"],
                                input="a long enough password\na long enough password\n", env=env)
    assert result.exit_code == 0, result.output
    assert "Repeat the password" in result.output
    mismatch = CliRunner().invoke(create_trainer_command, ["other"],
                                  input="a long enough password\nsomething else here\n", env=env)
    assert mismatch.exit_code != 0
    database = _database(env)
    assert trainer_count(database) == 1
    database.dispose()


def test_generated_password_is_printed_once_and_works(env: dict[str, str]) -> None:
    result = CliRunner().invoke(create_trainer_command, ["tess", "--generate"], env=env)
    assert result.exit_code == 0, result.output
    password = result.output.split("shown only this once): ")[1].strip()
    database = _database(env)
    assert authenticate(database, "tess", password) is not None
    database.dispose()


def test_mistakes_are_messages_not_tracebacks(env: dict[str, str]) -> None:
    weak = CliRunner().invoke(create_trainer_command, ["tess", "--password-stdin"],
                              input="short\n", env=env)
    assert weak.exit_code == 1
    assert "Error: the password must have at least 12 characters" in weak.output
    assert "Traceback" not in weak.output
    CliRunner().invoke(create_trainer_command, ["tess", "--generate"], env=env)
    taken = CliRunner().invoke(create_trainer_command, ["TESS", "--generate"], env=env)
    assert taken.exit_code == 1
    assert "already exists" in taken.output

"""docs/deploy.md lists every setting of issue 16 with its default, as the code has it."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.settings import Config

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"

# Setting name → its default as docs/deploy.md writes it (checked against Config below).
DOCUMENTED = {
    "TRAINER_TRUSTED_HOSTS": "`127.0.0.1,localhost`",
    "TRUSTED_HOSTS": '`["127.0.0.1", "localhost"]`',
    "TRAINER_SESSION_IDLE_TIMEOUT": "`timedelta(minutes=30)`",
    "TRAINER_SESSION_LIFETIME": "`timedelta(hours=12)`",
    "TRAINER_TRAINEE_SESSION_GRACE": "`timedelta(days=14)`",
    "TRAINER_HSTS_MAX_AGE": "`31536000`",
    "TRAINER_JOIN_LIMIT_PER_ADDRESS": "`60 per minute;600 per hour`",
    "RATELIMIT_STORAGE_URI": "`memory://`",
    "MAX_FORM_PARTS": "`None`",
}


def _row(name: str) -> str:
    """Return the settings-table row that starts with `name`."""
    for line in DEPLOY.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| `{name}`"):
            return line
    raise AssertionError(f"docs/deploy.md has no table row for {name}")


@pytest.mark.parametrize(("name", "default"), sorted(DOCUMENTED.items()))
def test_every_new_setting_has_a_row_with_its_default(name: str, default: str) -> None:
    assert default in _row(name).rsplit("|", 2)[-2]


def test_the_documented_defaults_are_the_codes() -> None:
    assert Config.TRUSTED_HOSTS == ["127.0.0.1", "localhost"]
    assert Config.TRAINER_SESSION_IDLE_TIMEOUT.total_seconds() == 30 * 60
    assert Config.TRAINER_SESSION_LIFETIME.total_seconds() == 12 * 3600
    assert Config.TRAINER_TRAINEE_SESSION_GRACE.days == 14
    assert Config.TRAINER_HSTS_MAX_AGE == 31536000
    assert Config.TRAINER_JOIN_LIMIT_PER_ADDRESS == "60 per minute;600 per hour"
    assert Config.MAX_FORM_PARTS is None

"""Configuration: class defaults → instance/config.py → environment → the caller's mapping.

The environment names are DATABASE_URL, SECRET_KEY, TRAINER_CONTENT_ROOT, TRAINER_ENV
("production" turns on production checks) and TRAINER_SECURE_COOKIES ("1" when served over HTTPS).
Without a SECRET_KEY a key is generated into the instance folder on first run (never in production).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from trainer.errors import TrainerError

logger = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
TRUE_WORDS = {"1", "true", "yes", "on"}


class ConfigError(TrainerError):
    """The app cannot start with this configuration."""


class Config:
    """Defaults for every setting the app reads."""

    TRAINER_ENV = "development"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: a SQLite file in the instance folder
    TRAINER_CONTENT_ROOT = "."
    # Request size limits (SECURITY.md 18): the largest quiz form is a few kilobytes.
    MAX_CONTENT_LENGTH = 512 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    MAX_FORM_PARTS = 2000
    # Longer than any quiz, and an expired token never loses answers (see learn.submit).
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "trainer_session"
    # A trainee keeps their progress for the length of a workshop and a little after.
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    # The cookie is signed again only when the session changes (joining, the language switcher,
    # the first CSRF token), not on every page: re-signing it on every request was a fifth of the
    # CPU of a quiz page view. The 30 days then count from the last change, which for a trainee is
    # joining, a comfortable margin over any workshop.
    SESSION_REFRESH_EACH_REQUEST = False
    TRAINER_SITE_NAME: str | None = None  # None: "Workshop trainer", translated
    BABEL_DEFAULT_LOCALE = "en"
    TRAINER_LANGUAGES: tuple[str, ...] = ("en", "fr", "ar")


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in ("DATABASE_URL", "SECRET_KEY", "TRAINER_CONTENT_ROOT", "TRAINER_ENV"):
        if environ.get(name):
            found[name] = environ[name]
    if "TRAINER_SECURE_COOKIES" in environ:
        found["SESSION_COOKIE_SECURE"] = environ["TRAINER_SECURE_COOKIES"].lower() in TRUE_WORDS
    return found


def is_production(app: Flask) -> bool:
    """Return whether the app runs in production mode."""
    return str(app.config.get("TRAINER_ENV", "")).lower() == "production"


def load_config(app: Flask, overrides: Mapping[str, Any] | None,
                environ: Mapping[str, str] | None = None) -> None:
    """Fill app.config from defaults, instance/config.py, the environment and `overrides`."""
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(_from_environment(os.environ if environ is None else environ))
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path),
                                                        create=not is_production(app))


def _instance_secret_key(instance: Path, *, create: bool) -> str:
    """Return the key kept in the instance folder, generating it first when allowed."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        if not create:
            raise ConfigError(
                "no SECRET_KEY: set the SECRET_KEY environment variable (or put SECRET_KEY in "
                f"{instance / 'config.py'}) before starting in production mode"
            )
        instance.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: when several workers start at once, exactly one
        # key wins and nobody reads a half-written file.
        temporary = instance / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
            logger.info("generated a secret key in %s", path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ConfigError(f"{path} is empty: delete it to generate a new key")
    return key

"""Settings, without Flask: class defaults → instance/config.py → environment → the caller's mapping.

The web app (trainer.web.config) and the commands that need no web app (`trainer verify`,
`trainer import-results`, `trainer create-trainer`) read the same settings through this module, so
they agree on the instance folder, the database and the certificate key.

The environment names are DATABASE_URL, SECRET_KEY, TRAINER_CONTENT_ROOT, TRAINER_ENV
("production" turns on production checks), TRAINER_INSTANCE_PATH, TRAINER_SECURE_COOKIES ("1"
when served over HTTPS), TRAINER_TRUSTED_HOSTS (comma-separated host names),
TRAINER_HSTS_MAX_AGE (seconds) and TRAINER_JOIN_LIMIT_PER_ADDRESS. Imports nothing from trainer but errors.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from trainer.errors import TrainerError

TRUE_WORDS = {"1", "true", "yes", "on"}
INSTANCE_CONFIG = "config.py"


class ConfigError(TrainerError):
    """The app or a command cannot start with this configuration."""


class Config:
    """Defaults for every setting the app reads."""

    TRAINER_ENV = "development"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: a SQLite file in the instance folder
    TRAINER_CONTENT_ROOT = "."
    # Request size limits (SECURITY.md 18): the largest quiz form is a few kilobytes.
    MAX_CONTENT_LENGTH = 512 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    # None: the most answer fields any quiz of the content sends, plus FORM_PARTS_MARGIN
    # (trainer.web.security), counted before a urlencoded body is parsed.
    MAX_FORM_PARTS: int | None = None
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
    # Server-side sessions (trainer.web.sessions): a trainer's ends after this long without a
    # request, and this long after logging in whatever happens; a trainee's at the workshop's end
    # date plus the grace (and never sooner than the grace after joining).
    TRAINER_SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    TRAINER_SESSION_LIFETIME = timedelta(hours=12)
    TRAINER_TRAINEE_SESSION_GRACE = timedelta(days=14)
    # Host names this site answers to (Flask's TRUSTED_HOSTS; a port is ignored, ".example.org"
    # also allows its subdomains); any other Host header gets 400.
    TRUSTED_HOSTS: list[str] | None = ["127.0.0.1", "localhost"]  # noqa: RUF012 - a setting
    # Strict-Transport-Security max-age (seconds), sent when SESSION_COOKIE_SECURE is on.
    TRAINER_HSTS_MAX_AGE = 365 * 24 * 3600
    # Joins per client address (POST /join), in the rate-limit storage RATELIMIT_STORAGE_URI.
    TRAINER_JOIN_LIMIT_PER_ADDRESS = "60 per minute;600 per hour"
    TRAINER_SITE_NAME: str | None = None  # None: "Workshop trainer", translated
    TRAINER_PUBLIC_URL: str | None = None  # live sessions: the address phones use (else the request's)
    BABEL_DEFAULT_LOCALE = "en"
    TRAINER_LANGUAGES: tuple[str, ...] = ("en", "fr", "ar")


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in ("DATABASE_URL", "SECRET_KEY", "TRAINER_CONTENT_ROOT", "TRAINER_ENV"):
        if environ.get(name):
            found[name] = environ[name]
    if "TRAINER_SECURE_COOKIES" in environ:
        found["SESSION_COOKIE_SECURE"] = environ["TRAINER_SECURE_COOKIES"].lower() in TRUE_WORDS
    if environ.get("TRAINER_TRUSTED_HOSTS"):
        found["TRUSTED_HOSTS"] = [host.strip() for host in environ["TRAINER_TRUSTED_HOSTS"].split(",")
                                  if host.strip()]
    for name in ("TRAINER_HSTS_MAX_AGE",):
        if environ.get(name):
            try:
                found[name] = int(environ[name])
            except ValueError:
                raise ConfigError(f"{name} must be a whole number of seconds, "
                                  f"not {environ[name]!r}") from None
    if environ.get("TRAINER_JOIN_LIMIT_PER_ADDRESS"):
        found["TRAINER_JOIN_LIMIT_PER_ADDRESS"] = environ["TRAINER_JOIN_LIMIT_PER_ADDRESS"]
    return found


def default_instance_path() -> Path:
    """Return the instance folder used when TRAINER_INSTANCE_PATH is not set.

    `instance/` beside the `trainer` package in a checkout; `<prefix>/var/trainer.web-instance`
    when installed into site-packages (where Flask would put it for the app `trainer.web`).
    """
    package = Path(__file__).resolve().parent
    site = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    if package.parent in site:
        return Path(sys.prefix) / "var" / "trainer.web-instance"
    return package.parent / "instance"


def instance_path(overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Path:
    """Return the instance folder: `INSTANCE_PATH` in `overrides`, TRAINER_INSTANCE_PATH, else the default."""
    environ = os.environ if environ is None else environ
    chosen = (overrides or {}).get("INSTANCE_PATH") or environ.get("TRAINER_INSTANCE_PATH")
    return Path(chosen).resolve() if chosen else default_instance_path()


def _instance_config(instance: Path) -> dict[str, Any]:
    """Return the upper-case names an instance folder's config.py sets (none when it has none)."""
    path = instance / INSTANCE_CONFIG
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    try:
        code = compile(path.read_bytes(), str(path), "exec")
        exec(code, namespace)  # noqa: S102 - the operator's own config file, as Flask reads it
    except (OSError, SyntaxError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    return {name: value for name, value in namespace.items() if name.isupper()}


def read_settings(instance: Path, overrides: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return every setting: defaults, then instance/config.py, the environment, `overrides`."""
    found = {name: getattr(Config, name) for name in dir(Config) if name.isupper()}
    found.update(_instance_config(instance))
    found.update(_from_environment(os.environ if environ is None else environ))
    found.update(overrides or {})
    return found


def is_production(settings: Mapping[str, Any]) -> bool:
    """Return whether these settings are production's."""
    return str(settings.get("TRAINER_ENV", "")).lower() == "production"

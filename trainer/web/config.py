"""The web app's configuration: `trainer.settings` (defaults → instance/config.py → environment →
the caller's mapping) put into app.config, and the session-signing key.

Without a SECRET_KEY a key is generated into the instance folder on first run (never in production).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from trainer.settings import ConfigError, read_settings
from trainer.settings import is_production as _is_production

logger = logging.getLogger(__name__)

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


def is_production(app: Flask) -> bool:
    """Return whether the app runs in production mode."""
    return _is_production(app.config)


def load_config(app: Flask, overrides: Mapping[str, Any] | None,
                environ: Mapping[str, str] | None = None) -> None:
    """Fill app.config from defaults, instance/config.py, the environment and `overrides`."""
    app.config.update(read_settings(Path(app.instance_path), overrides, environ))
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

"""Secret keys kept in the instance folder: made once, on first use, by exactly one process.

A key comes from the configuration when it is set there, else from a file of the instance folder
(generated the first time, 0600). Several workers starting at once agree on one file: each writes
its own candidate and links it into place; the first link wins. Several app servers must share
the configured key or the file.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

logger = logging.getLogger(__name__)


class NoKey(LookupError):  # noqa: N818 - a state, not a failure of the caller
    """No key file exists yet, and making one was not allowed."""


def instance_key(filename: str, configured: object, instance: Path | str, *,
                 create: bool = True) -> bytes:
    """Return `configured` when set, else the key in `instance`/`filename` (made when allowed)."""
    if configured:
        return str(configured).encode("utf-8")
    path = Path(instance) / filename
    if not path.exists():
        if not create:
            raise NoKey(str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{filename}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # exactly one of several starting workers wins
            logger.info("generated the key %s", path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="ascii").strip().encode("ascii")

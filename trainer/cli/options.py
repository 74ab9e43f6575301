"""Options several commands share, defined once.

`--root` names the content root (the folder holding modules/ and curriculum/) for every command:
the option, else the TRAINER_CONTENT_ROOT environment variable, else the current directory.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["ROOT_ENV", "root_option"]

ROOT_ENV = "TRAINER_CONTENT_ROOT"
F = TypeVar("F", bound=Callable[..., Any])


def root_option(function: F) -> F:
    """Add `--root` (default: $TRAINER_CONTENT_ROOT, else here) as the `root` parameter."""
    return click.option(
        "--root", envvar=ROOT_ENV, default=".", show_default=True, show_envvar=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The content root, holding modules/ and curriculum/ (default: $TRAINER_CONTENT_ROOT, "
             "else here).",
    )(function)

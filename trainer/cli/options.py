"""Options several commands share, defined once: the content root.

One rule for every command that reads content: `--root DIR`, else the TRAINER_CONTENT_ROOT
environment variable, else the current directory. The spellings this replaced (a ROOT argument for
`check`, `preview` and `translations status`; `--content-root` for `serve`, `db` and
`import-results`; a curriculum *file* for `handbook` and `export`; `-o modules/<id>.yaml` for
`import gift`) still work for one release, with a deprecation notice on stderr (`deprecated`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, overload

import click

__all__ = ["ROOT_ENV", "deprecated", "root_option"]

ROOT_ENV = "TRAINER_CONTENT_ROOT"
F = TypeVar("F", bound=Callable[..., Any])
_PATH = click.Path(file_okay=False, path_type=Path)


def deprecated(old: str, new: str) -> None:
    """Print the notice for a spelling that goes in the next release (stderr, stdout untouched)."""
    click.echo(f"warning: {old} is deprecated and goes in the next release: use {new} "
               f"(or set {ROOT_ENV})", err=True)


@overload
def root_option(function: F) -> F: ...


@overload
def root_option(*, argument: bool = False, content_root: bool = False) -> Callable[[F], F]: ...


def root_option(function: F | None = None, *, argument: bool = False,
                content_root: bool = False) -> F | Callable[[F], F]:
    """Add `--root` (default: $TRAINER_CONTENT_ROOT, else here) as the command's `root` parameter.

    `argument=True` still accepts the old optional ROOT argument, `content_root=True` the old
    `--content-root` option; either prints a deprecation notice and is used as the root.
    """

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            old_argument = kwargs.pop("legacy_root", None) if argument else None
            old_option = kwargs.pop("legacy_content_root", None) if content_root else None
            context = click.get_current_context()
            words = context.command_path.split()[1:] if context.parent else [context.info_name or ""]
            name = " ".join(["trainer", *words])
            if old_argument is not None:
                deprecated(f"`{name} ROOT`", f"`{name} --root ROOT`")
                kwargs["root"] = old_argument
            if old_option is not None:
                deprecated(f"`{name} --content-root`", f"`{name} --root`")
                kwargs["root"] = old_option
            return command(*args, **kwargs)

        decorated: Any = click.option(
            "--root", envvar=ROOT_ENV, default=".", show_default=True, type=_PATH,
            help=f"The content root, holding modules/ and curriculum/ (default: ${ROOT_ENV}, "
                 "else here).",
        )(wrapper)
        if content_root:
            decorated = click.option("--content-root", "legacy_content_root", type=_PATH,
                                     hidden=True)(decorated)
        if argument:
            decorated = click.argument("legacy_root", metavar="[ROOT, deprecated]",
                                       required=False, type=_PATH)(decorated)
        result: F = decorated
        return result

    return decorate(function) if function is not None else decorate

"""The `trainer` command: thin click commands over the library, one module per area.

Commands print messages, never tracebacks, for a user's mistake (TrainerError → exit 1).

A command's module is imported only when that command runs (or when help lists the commands), so
`trainer handbook` does not pay for the importers, SCORM or the web commands it never uses.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import click

from trainer import __version__

# name -> (module, attribute) of every command (help lists them sorted, as click does).
_COMMANDS = {
    "check": ("trainer.cli.content", "check"),
    "schema": ("trainer.cli.content", "schema"),
    "new": ("trainer.cli.author", "new"),
    "preview": ("trainer.cli.author", "preview"),
    "serve": ("trainer.cli.web", "serve"),
    "db": ("trainer.cli.web", "db"),
    "create-trainer": ("trainer.cli.accounts", "create_trainer_command"),
    "set-password": ("trainer.cli.accounts", "set_password_command"),
    "verify": ("trainer.cli.accounts", "verify_command"),
    "handbook": ("trainer.cli.handbook", "handbook"),
    "export": ("trainer.cli.export", "export"),
    # `trainer.cli.importing` adds docx, pptx, moodle-xml and aiken to the `import` group.
    "import": ("trainer.cli.importing", "import_"),
    "import-results": ("trainer.cli.results", "import_results_command"),
    "translations": ("trainer.cli.translations", "translations"),
}


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands by name, each imported from its module when first looked up."""

    def __init__(self, lazy: dict[str, tuple[str, str]]) -> None:
        self._lazy = dict(lazy)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, attribute = self._lazy[name]  # KeyError: no such command
            self._loaded[name] = getattr(importlib.import_module(module), attribute)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._lazy and name not in self._loaded:
            raise KeyError(name)
        self._lazy.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._lazy, *self._loaded]))

    def __len__(self) -> int:
        return len(self._lazy.keys() | self._loaded.keys())


class _LazyGroup(click.Group):
    """A click group whose commands' modules are imported only when a command is looked up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(_COMMANDS)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trainer")
def cli() -> None:
    """Turn workshop content written in YAML into quizzes, handbooks and e-learning packages."""


def main() -> None:
    """Run the `trainer` command line."""
    atexit.register(_exit_quickly)  # the first registered: it runs after every other one
    cli()


def _exit_quickly() -> None:
    """Leave nothing slow for the interpreter's exit, once everything else registered has run.

    The fork server of the layout processes (`trainer handbook`) is killed rather than left to
    wind down its own interpreter after this one; and the objects alive now are not collected
    (`gc.freeze`): the collections during the interpreter's teardown took a tenth of a second,
    to free memory the process hands back to the system anyway.
    """
    pool = sys.modules.get("trainer.export.layout_pool")
    if pool is not None:
        pool.stop_fork_server()
    gc.freeze()

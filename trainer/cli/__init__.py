"""The `trainer` command: thin click commands over the library, one module per area.

Commands print messages, never tracebacks, for a user's mistake (TrainerError → exit 1).
"""

from __future__ import annotations

import click

from trainer import __version__
from trainer.cli.content import check, schema


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trainer")
def cli() -> None:
    """Turn workshop content written in YAML into quizzes, handbooks and e-learning packages."""


cli.add_command(check)
cli.add_command(schema)


def main() -> None:
    """Run the `trainer` command line."""
    cli()

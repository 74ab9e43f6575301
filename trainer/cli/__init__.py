"""The `trainer` command: thin click commands over the library, one module per area.

Commands print messages, never tracebacks, for a user's mistake (TrainerError → exit 1).
"""

from __future__ import annotations

import click

from trainer import __version__
from trainer.cli.accounts import create_trainer_command, set_password_command, verify_command
from trainer.cli.author import new, preview
from trainer.cli.content import check, schema
from trainer.cli.export import export, import_
from trainer.cli.handbook import handbook
from trainer.cli.importing import IMPORTERS  # noqa: F401 - adds docx, pptx, moodle-xml, aiken to `import`
from trainer.cli.results import import_results_command
from trainer.cli.translations import translations
from trainer.cli.web import db, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trainer")
def cli() -> None:
    """Turn workshop content written in YAML into quizzes, handbooks and e-learning packages."""


for command in (
    check,
    schema,
    new,
    preview,
    serve,
    db,
    create_trainer_command,
    set_password_command,
    verify_command,
    handbook,
    export,
    import_,
    import_results_command,
    translations,
):
    cli.add_command(command)


def main() -> None:
    """Run the `trainer` command line."""
    cli()

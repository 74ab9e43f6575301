"""Commands for running the trainee web app: `trainer serve` and `trainer db upgrade|downgrade`.

Both read the same configuration as the app (environment DATABASE_URL, SECRET_KEY,
TRAINER_CONTENT_ROOT, TRAINER_INSTANCE_PATH); a content or configuration problem is printed as a
message, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from trainer.cli.accounts import announce_first_trainer
from trainer.cli.options import root_option
from trainer.errors import ContentError, StoreError, TrainerError

if TYPE_CHECKING:
    from flask import Flask


def _app(content_root: Path | None) -> Flask:
    """Create the app, or print what is wrong and exit 1."""
    from trainer.web import create_app  # noqa: PLC0415 - Flask only when a web command runs

    overrides: dict[str, Any] = {}
    if content_root is not None:
        overrides["TRAINER_CONTENT_ROOT"] = str(content_root)
    try:
        return create_app(overrides)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        count = len(exc.issues)
        click.echo(f"The content has {count} problem{'s' if count != 1 else ''}: fix "
                   f"{'them' if count != 1 else 'it'} (see `trainer check`) and start again.",
                   err=True)
        raise SystemExit(1) from None
    except TrainerError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None


def _migrate(app: Flask, revision: str, *, down: bool = False) -> None:
    from trainer.store.migrate import downgrade, upgrade  # noqa: PLC0415

    try:
        (downgrade if down else upgrade)(app.config["DATABASE_URL"], revision)
    except (StoreError, OSError) as exc:
        click.echo(f"Error: the database could not be migrated: {exc}", err=True)
        raise SystemExit(1) from None


ROOT_OPTION = root_option(content_root=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--debug", is_flag=True, help="Reload on code changes and show debug pages.")
@ROOT_OPTION
def serve(host: str, port: int, debug: bool, root: Path) -> None:
    """Serve the trainee quizzes with the development server (database upgraded first).

    For a workshop with many trainees run gunicorn instead: see docs/deploy.md.
    """
    app = _app(root)
    _migrate(app, "head")
    announce_first_trainer(app)
    click.echo(f"Serving {app.config['TRAINER_CONTENT_ROOT']} at http://{host}:{port}/ "
               f"(database: {app.extensions['trainer.database'].url.render_as_string()}); "
               "press Ctrl+C to stop.")
    app.run(host=host, port=port, debug=debug, threaded=True, use_reloader=debug)


@click.group()
def db() -> None:
    """Create or migrate the database (DATABASE_URL, default: a SQLite file in instance/)."""


@db.command()
@click.argument("revision", default="head")
@ROOT_OPTION
def upgrade(revision: str, root: Path) -> None:
    """Upgrade the database to REVISION (default: the newest)."""
    app = _app(root)
    _migrate(app, revision)
    click.echo(f"Database at revision {revision}.")


@db.command()
@click.argument("revision", default="-1")
@ROOT_OPTION
def downgrade(revision: str, root: Path) -> None:
    """Downgrade the database to REVISION (default: one step back)."""
    app = _app(root)
    _migrate(app, revision, down=True)
    click.echo(f"Database downgraded to {revision}.")

"""`trainer import-results FILE...`: bring the offline site's results files into the dashboard.

Reads the same configuration as the web app (DATABASE_URL, TRAINER_CONTENT_ROOT,
TRAINER_INSTANCE_PATH) and calls the function the dashboard upload calls
(trainer.services.results_import.import_results), without starting the web app, so both
check, re-grade and store alike.
"""

from __future__ import annotations

from pathlib import Path

import click

from trainer.cli.options import root_option
from trainer.errors import ContentError, StoreError, TrainerError
from trainer.interchange.results_file import MAX_BYTES


def _fail(message: str) -> SystemExit:
    click.echo(f"Error: {message}", err=True)
    return SystemExit(1)


def _read(path: Path) -> bytes:
    """Read at most one byte more than a results file may hold (the parser refuses the rest)."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(f"{path}: cannot be read ({exc.strerror or exc})") from None


@click.command("import-results")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--workshop", "workshop_id", metavar="ID",
              help="Workshop to import into (default: the one each file names).")
@root_option(content_root=True)
def import_results_command(files: tuple[Path, ...], workshop_id: str | None, root: Path) -> None:
    """Import results files saved by participants from the offline site.

    Every answer is graded again against the current content (the scores in a file are only
    the browser's claim); an attempt taken against questions that have changed since is refused.
    Importing a file twice adds nothing. Exit status 1 when a file or an attempt was refused.
    """
    from trainer.cli.accounts import open_database, settings_or_exit  # noqa: PLC0415
    from trainer.content.catalogue import load_catalogue  # noqa: PLC0415
    from trainer.services.results_import import import_results  # noqa: PLC0415

    settings, instance = settings_or_exit()
    try:
        catalogue = load_catalogue(root)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        raise _fail("the content has problems: fix them (see `trainer check`)") from None
    except (TrainerError, OSError) as exc:
        raise _fail(str(exc)) from None
    database = open_database(settings, instance)
    failed = False
    try:
        for path in files:
            report = import_results(database, catalogue, _read(path), workshop_id,
                                    source=str(path))
            for line in report.lines():
                click.echo(line)
            failed = failed or bool(report.problems or report.refused)
    except StoreError as exc:
        raise _fail(f"the database refused the import: {exc}") from None
    finally:
        database.dispose()
    if failed:
        raise SystemExit(1)

"""Commands for curriculum authors: `new module`, `new curriculum` (skeletons), `preview`."""

from __future__ import annotations

from pathlib import Path

import click

from trainer.cli.options import root_option
from trainer.content.catalogue import CURRICULUM_DIR, MODULES_DIR, load_catalogue
from trainer.content.scaffold import check_new_id, curriculum_skeleton, module_skeleton
from trainer.content.schema import SCHEMA_FILES, json_schemas, schema_text
from trainer.errors import ContentError, TrainerError


def _write_new(target: Path, text: str) -> None:
    """Create `target` with `text`, refusing to overwrite an existing file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise TrainerError(
            f"{target} already exists: choose another id, or edit that file"
        ) from None
    click.echo(f"wrote {target}")


def _ensure_schemas(root: Path) -> None:
    """Write schema/ into the root when missing, so the skeleton's $schema line resolves."""
    folder = root / "schema"
    for name, body in json_schemas().items():
        target = folder / SCHEMA_FILES[name]
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(schema_text(body), encoding="utf-8")
            click.echo(f"wrote {target} (for editor autocompletion)")


def _fail(exc: TrainerError) -> None:
    if isinstance(exc, ContentError):
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        click.echo("fix the problems above first (see `trainer check`).", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    raise SystemExit(1)


@click.group()
def new() -> None:
    """Create a new module or curriculum file from a commented skeleton."""


@new.command("module")
@click.argument("module_id", metavar="ID")
@click.option("--title", required=True, help="The module title.")
@click.option("--language", default="en", show_default=True, help="Two-letter language code.")
@root_option
def new_module(module_id: str, title: str, language: str, root: Path) -> None:
    """Write modules/ID.yaml: a valid skeleton with one question of each kind."""
    try:
        text = module_skeleton(module_id, title, language)
        _write_new(root / MODULES_DIR / f"{module_id}.yaml", text)
    except TrainerError as exc:
        _fail(exc)
    _ensure_schemas(root)
    click.echo("next: edit it, then run `trainer check --strict` and `trainer preview`")


@new.command("curriculum")
@click.argument("curriculum_id", metavar="ID")
@click.option("--title", default="", help="The curriculum title (default: the id).")
@click.option(
    "--module", "module_ids", multiple=True, metavar="MODULE_ID",
    help="A module to include, in order (repeat it; default: every module found).",
)
@root_option
def new_curriculum(curriculum_id: str, title: str, module_ids: tuple[str, ...],
                   root: Path) -> None:
    """Write curriculum/ID.yaml over existing modules, with a pre-test, post-test and workshop."""
    try:
        check_new_id("curriculum", curriculum_id)
        catalogue = load_catalogue(root)
        practice = catalogue.practice_modules()  # assessment banks are not modules to study
        unknown = [m for m in module_ids if m not in practice]
        if unknown:
            known = ", ".join(sorted(practice)) or "none"
            raise TrainerError(f"no module {', '.join(repr(m) for m in unknown)} "
                               f"(modules: {known})")
        chosen = [practice[m] for m in module_ids or sorted(practice)]
        text = curriculum_skeleton(curriculum_id, title, chosen)
        _write_new(root / CURRICULUM_DIR / f"{curriculum_id}.yaml", text)
    except TrainerError as exc:
        _fail(exc)
    _ensure_schemas(root)
    click.echo("next: fill in the audience, author and workshops, then run `trainer check --strict`")


PREVIEW_HOST = "127.0.0.1"


@click.command()
@root_option(argument=True)
@click.option("--port", default=5001, show_default=True, type=click.IntRange(1, 65535))
def preview(root: Path, port: int) -> None:
    """Serve the content root for its authors (answers, notes), reloading when a file is saved.

    Listens on 127.0.0.1 only: the pages show answer keys.
    """
    from trainer.web.author.views import create_preview_app  # noqa: PLC0415 - Flask only when previewing

    if not (root / MODULES_DIR).is_dir():
        click.echo(f"error: no '{MODULES_DIR}/' folder in {root}: is this a content root?", err=True)
        raise SystemExit(1)
    app = create_preview_app(root)
    click.echo(f"Previewing {root.resolve()} at http://{PREVIEW_HOST}:{port}/author/ (Ctrl+C stops)")
    app.run(host=PREVIEW_HOST, port=port, debug=False, use_reloader=False, threaded=True)

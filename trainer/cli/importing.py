"""`trainer import docx|pptx|moodle-xml|aiken FILE`: workshop material and banks as draft modules.

Added to the `trainer import` group (beside `gift`). Each writes modules/<id>.yaml (and
modules/assets/<id>/ for images) under --root, never over an existing file without --force, then
prints what it made, what it left out and what the author does next. A refused file (too large, a
ZIP bomb, XML entities, corrupt) is one located message and exit status 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from trainer.cli.export import import_
from trainer.cli.options import root_option
from trainer.content.models import is_slug
from trainer.errors import ContentError, TrainerError
from trainer.interchange.aiken import aiken_to_draft
from trainer.interchange.docx import docx_to_draft
from trainer.interchange.draft import Draft, slugify, write_draft
from trainer.interchange.moodle_xml import moodle_xml_to_draft
from trainer.interchange.pptx import pptx_to_draft

__all__ = ["IMPORTERS"]

Importer = Callable[[Path, str], Draft]


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _run(importer: Importer, file: Path, module_id: str | None, root: Path, force: bool) -> None:
    chosen = module_id or slugify(file.stem, "imported")
    if not is_slug(chosen) or len(chosen) > 64:
        raise click.BadParameter(f"'{chosen}' is not a module id: use lower-case letters, digits "
                                 "and single hyphens, at most 64 characters", param_hint="--id")
    try:
        draft = importer(file, chosen)
        written = write_draft(draft, root, force=force)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        raise SystemExit(1) from None
    except TrainerError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    counts = [_plural(len(draft.data["sections"]), "section"),
              _plural(len(written.image_files), "image"),
              _plural(draft.questions, "question")]
    tail = [_plural(len(draft.unsupported), "unsupported item")] if draft.unsupported else []
    tail += [_plural(len(draft.notes), "note")] if draft.notes else []
    listed = f"; {' and '.join(tail)} listed below" if tail else ""
    click.echo(f"wrote {written.module_file}: {', '.join(counts)}{listed}")
    for line in draft.unsupported:
        click.echo(f"  unsupported: {line}")
    for line in draft.notes:
        click.echo(f"  note: {line}")
    click.echo("next:")
    for step in draft.next_steps:
        click.echo(f"  - {step}")
    click.echo(f"  - run `trainer check --strict --root {root}` until it passes")


def _command(name: str, importer: Importer, what: str) -> click.Command:
    @click.command(name, help=f"Turn {what} into a draft module (modules/ID.yaml) to complete.")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--id", "module_id", metavar="ID",
                  help="The module id (default: made from the file name).")
    @root_option
    @click.option("--force", is_flag=True, help="Overwrite an existing module file and images.")
    def command(file: Path, module_id: str | None, root: Path, force: bool) -> None:
        _run(importer, file, module_id, root, force)

    return command


IMPORTERS: dict[str, tuple[Importer, str]] = {
    "docx": (docx_to_draft, "a Word document (.docx): one section per top-level heading"),
    "pptx": (pptx_to_draft, "a PowerPoint deck (.pptx): one section per slide, notes for the "
                            "facilitator"),
    "moodle-xml": (moodle_xml_to_draft, "a Moodle XML question bank"),
    "aiken": (aiken_to_draft, "an Aiken question bank (single-choice questions)"),
}

for _name, (_importer, _what) in IMPORTERS.items():
    import_.add_command(_command(_name, _importer, _what))

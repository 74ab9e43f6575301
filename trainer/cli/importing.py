"""`trainer import docx|pptx|moodle-xml|aiken|gift FILE`: workshop material and banks as draft modules.

Each writes modules/<id>.yaml (and modules/assets/<id>/ for images) under --root, never over an
existing file without --force, then prints what it made, what it left out and what the author does
next. A refused file (too large, a ZIP bomb, XML entities, corrupt) is one located message and exit
status 1, never a traceback. `trainer import gift FILE -o modules/<id>.yaml`, the spelling before
the one root rule, still works for one release, with a deprecation notice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import click

from trainer.cli.options import deprecated, root_option
from trainer.content.models import is_slug
from trainer.errors import ContentError, TrainerError
from trainer.interchange.aiken import aiken_to_draft
from trainer.interchange.docx import docx_to_draft
from trainer.interchange.draft import Draft, slugify, write_draft
from trainer.interchange.gift_import import gift_to_draft
from trainer.interchange.moodle_xml import moodle_xml_to_draft
from trainer.interchange.pptx import pptx_to_draft

__all__ = ["IMPORTERS", "import_"]

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


@click.group("import")
def import_() -> None:
    """Turn workshop material and question banks into draft modules."""


def _help(what: str) -> str:
    return f"Turn {what} into a draft module (modules/ID.yaml) to complete."


_file_argument = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_id_option = click.option("--id", "module_id", metavar="ID",
                          help="The module id (default: made from the file name).")
_force_option = click.option("--force", is_flag=True,
                             help="Overwrite an existing module file and images.")


def _command(name: str, importer: Importer, what: str) -> click.Command:
    @click.command(name, help=_help(what))
    @_file_argument
    @_id_option
    @root_option
    @_force_option
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


@import_.command("gift", help=_help("a GIFT question bank (the kinds GIFT has; not ordering)"))
@_file_argument
@_id_option
@root_option
@_force_option
@click.option("--title", help="The module's title (default: made from the id).")
@click.option("-o", "--output", "legacy_output", hidden=True,
              type=click.Path(dir_okay=False, path_type=Path))
def import_gift(file: Path, module_id: str | None, root: Path, force: bool, title: str | None,
                legacy_output: Path | None) -> None:
    """Turn a GIFT question bank into a draft module (`-o modules/ID.yaml`: deprecated)."""
    if legacy_output is not None:
        deprecated("`trainer import gift FILE -o modules/ID.yaml`",
                   "`trainer import gift FILE --id ID --root ROOT`")
        if legacy_output.parent.name != "modules":
            raise click.BadParameter(f"{legacy_output} is not in a modules/ folder: use --id and "
                                     "--root", param_hint="--output")
        module_id = module_id or legacy_output.name.removesuffix(".yaml").removesuffix(".yml")
        root = legacy_output.parent.parent
    _run(functools.partial(gift_to_draft, title=title), file, module_id, root, force)

"""The `trainer export` (scorm, site, gift, moodle-xml) commands.

TARGET is a module id or a curriculum id of the content root (--root, else $TRAINER_CONTENT_ROOT,
else here). A curriculum file (`curriculum/<id>.yaml`, whose content root is the folder above
`curriculum/`) still works for one release, with a deprecation notice.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from trainer.cli.options import deprecated, root_option
from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.content.models import Curriculum, Module, Workshop
from trainer.errors import ContentError, TrainerError
from trainer.export.gift import category_root, modules_gift
from trainer.export.moodle_xml import modules_moodle_xml
from trainer.export.scorm import build_scorm
from trainer.export.site import build_site, site_zip, write_site
from trainer.locales import LANGUAGES

_ROOT = root_option


def _fail(exc: TrainerError) -> NoReturn:
    if isinstance(exc, ContentError):
        for issue in exc.issues:
            click.echo(str(issue), err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    raise SystemExit(1)


def _target(target: str, root: Path) -> tuple[Catalogue, list[Module], str, str, Curriculum | None]:
    """Return (catalogue, modules, title, identifier, curriculum or None) of a TARGET."""
    path = Path(target)
    if target.endswith((".yaml", ".yml")):
        deprecated("naming a curriculum by its file", "its id with --root")
        if not path.is_file():
            raise click.BadParameter(f"no file {target}", param_hint="TARGET")
        catalogue = load_catalogue(path.resolve().parent.parent)
        for key, file in catalogue.files.items():
            if key.startswith("curriculum:") and file.resolve() == path.resolve():
                curriculum = catalogue.curriculum(key.removeprefix("curriculum:"))
                modules = catalogue.curriculum_modules(curriculum)
                return catalogue, modules, curriculum.title, curriculum.id, curriculum
        raise click.BadParameter(f"{target} is not a curriculum file of its content root",
                                 param_hint="TARGET")
    catalogue = load_catalogue(root)
    if target not in catalogue.modules and target in catalogue.curricula:
        curriculum = catalogue.curriculum(target)
        return (catalogue, catalogue.curriculum_modules(curriculum), curriculum.title,
                curriculum.id, curriculum)
    if target not in catalogue.modules:
        known = ", ".join(sorted(catalogue.modules))
        curricula = ", ".join(sorted(catalogue.curricula)) or "none"
        raise click.BadParameter(f"no module or curriculum '{target}' (modules: {known}; "
                                 f"curricula: {curricula})", param_hint="TARGET")
    module = catalogue.module(target)
    return catalogue, [module], module.title, module.id, None


@click.group("export")
def export() -> None:
    """Export e-learning packages and question banks."""


_LANGUAGE = click.option(
    "--language", type=click.Choice(LANGUAGES), default=None,
    help="The package's language: its player and pages, and the content where translated "
         "(default: the workshop's, else the curriculum's or module's).")


@export.command("scorm")
@click.argument("target")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Zip file to write.")
@_ROOT
@_LANGUAGE
def export_scorm(target: str, output: Path, root: Path, language: str | None) -> None:
    """Write a SCORM 1.2 package of a module or of a curriculum (one SCO per module).

    The answer keys are inside the package (it has no server): use it for practice; proctored
    tests belong in the web app.
    """
    try:
        catalogue, modules, title, identifier, curriculum = _target(target, root)
        language = language or (curriculum.language if curriculum else modules[0].language)
        if curriculum is not None:
            title = catalogue.curriculum_in(curriculum.id, language).title
        else:
            title = catalogue.module_in(modules[0].id, language).title
        output.write_bytes(build_scorm(catalogue, modules, title, identifier, language))
    except TrainerError as exc:
        _fail(exc)
    click.echo(f"wrote {output} ({len(modules)} SCO{'s' if len(modules) != 1 else ''})")


@export.command("site")
@click.argument("curriculum_name", metavar="CURRICULUM")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder to create (or zip file with --zip).")
@click.option("--zip", "as_zip", is_flag=True, help="Write one zip file instead of a folder.")
@click.option("--workshop", "workshop_id", metavar="ID",
              help="Workshop edition: adds its extra modules and its id to results files.")
@_ROOT
@_LANGUAGE
def export_site(curriculum_name: str, output: Path, as_zip: bool, workshop_id: str | None,
                root: Path, language: str | None) -> None:
    """Write the offline static site of CURRICULUM (an id): open index.html, no server, no network."""
    try:
        catalogue, _, _, _, curriculum = _target(curriculum_name, root)
        if curriculum is None:
            raise click.BadParameter(f"'{curriculum_name}' is a module, not a curriculum",
                                     param_hint="CURRICULUM")
        workshop: Workshop | None = None
        if workshop_id is not None:
            found = [w for w in curriculum.workshops if w.id == workshop_id]
            if not found:
                known = ", ".join(w.id for w in curriculum.workshops)
                raise click.BadParameter(f"no workshop '{workshop_id}' (workshops: {known})",
                                         param_hint="--workshop")
            workshop = found[0]
        files = build_site(catalogue, curriculum, workshop, language)
        if as_zip:
            output.write_bytes(site_zip(files))
        else:
            write_site(files, output)
    except TrainerError as exc:
        _fail(exc)
    click.echo(f"wrote {output} ({len(files)} files); open index.html in a browser")


_BANK_LANGUAGE = click.option(
    "--language", type=click.Choice(LANGUAGES), default=None,
    help="The bank's language: each module as translated into it (an entry not translated stays "
         "in the source's), in its own category tree (trainer-fr/<module>), so that banks in "
         "several languages can go into one course (default: the content's own language).")


def _bank(target: str, root: Path, language: str | None
          ) -> tuple[Catalogue, list[Module], str]:
    """Return the catalogue, the modules of TARGET in `language` and their categories' root."""
    catalogue, modules, _, _, _ = _target(target, root)
    category = category_root(language, modules[0].language)
    if language is not None:
        modules = [catalogue.module_in(module.id, language) for module in modules]
    return catalogue, modules, category


@export.command("gift")
@click.argument("target")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_ROOT
@_BANK_LANGUAGE
def export_gift(target: str, output: Path, root: Path, language: str | None) -> None:
    """Write a Moodle GIFT question bank (ordering questions need Moodle XML)."""
    try:
        _, modules, category = _bank(target, root, language)
        bank = modules_gift(modules, category)
        output.write_text(bank.text, encoding="utf-8")
    except TrainerError as exc:
        _fail(exc)
    for module_id, question_id in bank.skipped:
        click.echo(f"skipped {module_id}/{question_id}: GIFT cannot express ordering "
                   "questions; use `trainer export moodle-xml`", err=True)
    click.echo(f"wrote {output}")


@export.command("moodle-xml")
@click.argument("target")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_ROOT
@_BANK_LANGUAGE
def export_moodle_xml(target: str, output: Path, root: Path, language: str | None) -> None:
    """Write a Moodle XML question bank (every question kind; one category per module)."""
    try:
        catalogue, modules, category = _bank(target, root, language)
        output.write_bytes(modules_moodle_xml(catalogue, modules, category))
    except TrainerError as exc:
        _fail(exc)
    click.echo(f"wrote {output}")

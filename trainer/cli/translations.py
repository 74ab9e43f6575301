"""Commands for translators: `trainer translations status|new|stamp` (see docs/translations.md).

A target is a module id, or `curriculum/<id>` for a curriculum (a bare id that names no module but a
curriculum is that curriculum).
"""

from __future__ import annotations

from pathlib import Path

import click

from trainer.cli.options import root_option
from trainer.content.catalogue import CURRICULUM_DIR, MODULES_DIR, Catalogue, load_catalogue
from trainer.content.models import Curriculum, Module, is_slug
from trainer.content.translation.files import stamp_text, translation_skeleton
from trainer.content.translation.overlay import (
    LANGUAGE_FOLDER,
    TranslatedCurriculum,
    TranslatedModule,
    Translations,
)
from trainer.errors import ContentError, TrainerError


def _load(root: Path) -> tuple[Catalogue, Translations]:
    """Load the content and its translations, or print every problem and exit 1."""
    try:
        catalogue = load_catalogue(root, translation_errors_fail=False)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue))
        click.echo("The source modules have problems: fix them first (see `trainer check`).", err=True)
        raise SystemExit(1) from None
    return catalogue, catalogue.translations


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


_CURRICULUM_PREFIX = "curriculum/"


def _target(catalogue: Catalogue, name: str) -> Module | Curriculum:
    """Return the module or curriculum a command names, or exit 1 saying what is known."""
    wanted = name.removeprefix(_CURRICULUM_PREFIX)
    if is_slug(wanted):
        if not name.startswith(_CURRICULUM_PREFIX) and wanted in catalogue.modules:
            return catalogue.modules[wanted]
        if wanted in catalogue.curricula:
            return catalogue.curricula[wanted]
    known = [*catalogue.modules, *(_CURRICULUM_PREFIX + c for c in catalogue.curricula)]
    _fail(f"no module or curriculum '{name}' (known: {', '.join(known)})")
    raise AssertionError  # pragma: no cover - _fail exits


def _row(name: str, width: int, language: str, found: TranslatedModule | TranslatedCurriculum,
         items: bool) -> None:
    counts = found.counts()
    mark = "" if found.complete else "  (incomplete)"
    click.echo(f"{name:<{width}}  {language:<4}  {counts['complete']:>8}  "
               f"{counts['stale']:>5}  {counts['missing']:>7}{mark}")
    if items:
        for item in found.items:
            if item.state != "complete":
                click.echo(f"    {item.state:<7}  {item.key}")


@click.group()
def translations() -> None:
    """Content translations: modules/<language>/<module id>.yaml, curriculum/<language>/<id>.yaml."""


@translations.command()
@root_option(argument=True)
@click.option("--language", "-l", "languages", multiple=True, help="Only this language (repeatable).")
@click.option("--items", is_flag=True, help="Also list every stale or missing entry by key.")
def status(root: Path, languages: tuple[str, ...], items: bool) -> None:
    """Print, per module and language, how many entries are complete, stale and missing."""
    catalogue, found = _load(root)
    wanted = set(languages) or {lang for _, lang in found.translated} | {
        lang for _, lang in found.curricula}
    errors = [issue for issue in found.issues if issue.severity == "error"]
    for issue in errors:
        click.echo(str(issue))
    names = [*catalogue.modules, *(_CURRICULUM_PREFIX + c for c in catalogue.curricula)]
    width = max((len(name) for name in names), default=6)
    click.echo(f"{'module':<{width}}  lang  {'complete':>8}  {'stale':>5}  {'missing':>7}")
    for name in names:
        curriculum_id = name.removeprefix(_CURRICULUM_PREFIX) if name.startswith(_CURRICULUM_PREFIX) \
            else None
        for language in sorted(wanted):
            translated = (found.get_curriculum(curriculum_id, language) if curriculum_id is not None
                          else found.get(name, language))
            if translated is None:
                if languages:
                    click.echo(f"{name:<{width}}  {language:<4}  {'-':>8}  {'-':>5}  "
                               f"{'-':>7}  (no translation)")
                continue
            _row(name, width, language, translated, items)
    if errors:
        raise SystemExit(1)


@translations.command()
@click.argument("module_id")
@click.argument("language")
@root_option
def new(module_id: str, language: str, root: Path) -> None:
    """Write modules/LANGUAGE/MODULE_ID.yaml (curriculum/LANGUAGE/ID.yaml for `curriculum/ID`):
    every entry with its source text, to translate."""
    if not LANGUAGE_FOLDER.fullmatch(language):
        _fail(f"'{language}' is not a two-letter language code (for example fr or ar)")
    catalogue, _ = _load(root)
    module = _target(catalogue, module_id)
    kind, folder = ("module", MODULES_DIR) if isinstance(module, Module) else ("curriculum",
                                                                                CURRICULUM_DIR)
    if module.language == language:
        _fail(f"{kind} '{module.id}' is written in '{language}' already")
    target = root / folder / language / f"{module.id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(translation_skeleton(module, language))
    except FileExistsError:
        _fail(f"{target} exists already: edit it, and see `trainer translations status --items`")
    click.echo(f"wrote {target}: translate each entry, then run "
               f"`trainer translations stamp {module_id} {language} --all`")


@translations.command()
@click.argument("module_id")
@click.argument("language")
@click.argument("keys", nargs=-1)
@click.option("--all", "stamp_all", is_flag=True,
              help="Stamp every stale or unstamped entry in the file (review them all first).")
@root_option
def stamp(module_id: str, language: str, keys: tuple[str, ...], stamp_all: bool, root: Path) -> None:
    """Record that entries KEYS (or --all) of MODULE_ID (or `curriculum/ID`) now translate the
    current source text."""
    if bool(keys) == stamp_all:
        _fail("name the entries you updated (keys as `trainer translations status --items` shows "
              "them), or give --all")
    catalogue, found = _load(root)
    what = _target(catalogue, module_id)
    translated: TranslatedModule | TranslatedCurriculum | None
    if isinstance(what, Module):
        translated, loaded = found.get(what.id, language), found.loaded.get((what.id, language))
        folder = MODULES_DIR
    else:
        translated = found.get_curriculum(what.id, language)
        loaded = found.curricula_loaded.get((what.id, language))  # type: ignore[assignment]
        folder = CURRICULUM_DIR
    if translated is None or loaded is None:
        for issue in found.issues:
            if issue.severity == "error":
                click.echo(str(issue))
        _fail(f"no usable translation of '{module_id}' into '{language}' "
              f"({folder}/{language}/{what.id}.yaml)")
        return
    text = loaded.file.read_text(encoding="utf-8").removeprefix("\ufeff")
    try:
        updated, stamped = stamp_text(text, translated, loaded.source, None if stamp_all else keys)
    except TrainerError as exc:
        _fail(str(exc))
        return
    if updated != text:
        with loaded.file.open("w", encoding="utf-8", newline="") as handle:
            handle.write(updated)
    click.echo(f"stamped {len(stamped)} entr{'y' if len(stamped) == 1 else 'ies'} in {loaded.file}")


__all__ = ["translations"]

"""Commands for translators: `trainer translations status|new|stamp` (see docs/translations.md)."""

from __future__ import annotations

from pathlib import Path

import click

from trainer.cli.options import root_option
from trainer.content.catalogue import MODULES_DIR, Catalogue, load_catalogue
from trainer.content.models import is_slug
from trainer.content.translation.files import stamp_text, translation_skeleton
from trainer.content.translation.overlay import LANGUAGE_FOLDER, Translations
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


@click.group()
def translations() -> None:
    """Content translations: modules/<language>/<module id>.yaml."""


@translations.command()
@root_option(argument=True)
@click.option("--language", "-l", "languages", multiple=True, help="Only this language (repeatable).")
@click.option("--items", is_flag=True, help="Also list every stale or missing entry by key.")
def status(root: Path, languages: tuple[str, ...], items: bool) -> None:
    """Print, per module and language, how many entries are complete, stale and missing."""
    catalogue, found = _load(root)
    wanted = set(languages) or {lang for _, lang in found.translated}
    errors = [issue for issue in found.issues if issue.severity == "error"]
    for issue in errors:
        click.echo(str(issue))
    width = max((len(module_id) for module_id in catalogue.modules), default=6)
    click.echo(f"{'module':<{width}}  lang  {'complete':>8}  {'stale':>5}  {'missing':>7}")
    for module_id in catalogue.modules:
        for language in sorted(wanted):
            translated = found.get(module_id, language)
            if translated is None:
                if languages:
                    click.echo(f"{module_id:<{width}}  {language:<4}  {'-':>8}  {'-':>5}  "
                               f"{'-':>7}  (no translation)")
                continue
            counts = translated.counts()
            mark = "" if translated.complete else "  (incomplete)"
            click.echo(f"{module_id:<{width}}  {language:<4}  {counts['complete']:>8}  "
                       f"{counts['stale']:>5}  {counts['missing']:>7}{mark}")
            if items:
                for item in translated.items:
                    if item.state != "complete":
                        click.echo(f"    {item.state:<7}  {item.key}")
    if errors:
        raise SystemExit(1)


@translations.command()
@click.argument("module_id")
@click.argument("language")
@root_option
def new(module_id: str, language: str, root: Path) -> None:
    """Write modules/LANGUAGE/MODULE_ID.yaml: every entry with its source text, to translate."""
    if not LANGUAGE_FOLDER.fullmatch(language):
        _fail(f"'{language}' is not a two-letter language code (for example fr or ar)")
    catalogue, _ = _load(root)
    if not is_slug(module_id) or module_id not in catalogue.modules:
        _fail(f"no module '{module_id}' (known: {', '.join(catalogue.modules)})")
    module = catalogue.modules[module_id]
    if module.language == language:
        _fail(f"module '{module_id}' is written in '{language}' already")
    target = root / MODULES_DIR / language / f"{module_id}.yaml"
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
    """Record that entries KEYS (or --all) now translate the current source text."""
    if bool(keys) == stamp_all:
        _fail("name the entries you updated (keys as `trainer translations status --items` shows "
              "them), or give --all")
    _, found = _load(root)
    translated = found.get(module_id, language)
    loaded = found.loaded.get((module_id, language))
    if translated is None or loaded is None:
        for issue in found.issues:
            if issue.severity == "error":
                click.echo(str(issue))
        _fail(f"no usable translation of '{module_id}' into '{language}' "
              f"({MODULES_DIR}/{language}/{module_id}.yaml)")
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

"""Commands for content authors: check (with --strict teaching-quality warnings), schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from trainer.cli.options import root_option
from trainer.content.catalogue import load_catalogue
from trainer.content.lint import lint_catalogue, workshop_language_warnings
from trainer.content.schema import SCHEMA_FILES, json_schemas, schema_text
from trainer.content.translation.glossary import check_glossaries
from trainer.errors import ContentError
from trainer.quiz.normalise import normalise_text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@click.command()
@root_option(argument=True)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on teaching-quality warnings too (they are always listed).",
)
def check(root: Path, strict: bool) -> None:
    """Validate every module and curriculum of the content root; list every problem."""
    try:
        catalogue = load_catalogue(root)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue))
        click.echo(f"{_plural(len(exc.issues), 'problem')} found.", err=True)
        raise SystemExit(1) from None
    try:
        glossary = list(check_glossaries(root, catalogue.translations, normalise_text).issues)
    except ContentError as exc:
        glossary = list(exc.issues)
    warnings = sorted(
        lint_catalogue(catalogue) + catalogue.translation_warnings + glossary
        + workshop_language_warnings(catalogue),
        key=lambda i: (i.path, i.line, i.column),
    )
    for issue in warnings:
        click.echo(str(issue))
    if warnings and strict:
        click.echo(f"{_plural(len(warnings), 'warning')} found (--strict).", err=True)
        raise SystemExit(1)
    suffix = f"; {_plural(len(warnings), 'warning')}" if warnings or strict else ""
    click.echo(f"OK: {catalogue.summary()}{suffix}")


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write module.schema.json and curriculum.schema.json into this folder.",
)
def schema(output: Path | None) -> None:
    """Print (or write) the JSON Schema of module and curriculum files, for editors."""
    if output is None:
        click.echo(json.dumps(json_schemas(), indent=2, ensure_ascii=False))
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, body in json_schemas().items():
        target = output / SCHEMA_FILES[name]
        target.write_text(schema_text(body), encoding="utf-8")
        click.echo(f"wrote {target}")

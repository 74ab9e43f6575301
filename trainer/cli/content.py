"""Commands for content authors: check, schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from trainer.content.catalogue import load_catalogue
from trainer.content.schema import SCHEMA_FILES, json_schemas
from trainer.errors import ContentError


@click.command()
@click.argument(
    "root", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
def check(root: Path) -> None:
    """Validate every module and curriculum under ROOT (default: here); list every problem."""
    try:
        catalogue = load_catalogue(root)
    except ContentError as exc:
        for issue in exc.issues:
            click.echo(str(issue))
        count = len(exc.issues)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
        raise SystemExit(1) from None
    click.echo(f"OK: {catalogue.summary()}")


@click.command()
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path),
    help="Write module.schema.json and curriculum.schema.json into this folder.",
)
def schema(output: Path | None) -> None:
    """Print (or write) the JSON Schema of module and curriculum files, for editors."""
    schemas = json_schemas()
    if output is None:
        click.echo(json.dumps(schemas, indent=2, ensure_ascii=False))
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, body in schemas.items():
        target = output / SCHEMA_FILES[name]
        target.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        click.echo(f"wrote {target}")

"""Rules that look at a module's file and folder: its name, its images, its link targets.

- A module's file is named after its id (`modules/<id>.yaml`): a copy under another name would
  otherwise load as a second module or hide the first.
- An image written `![...](assets/x.png)` must exist under `modules/` (a missing image shows only its
  description in handbooks and packages, silently).
- A link or image to a `javascript:`, `vbscript:`, `file:` or `data:` URL is refused: the renderer
  would drop it silently; the author is told instead.

Pure apart from checking that image files exist; every problem is a located Issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trainer.content.loader import Loaded, Loc, SourceMap
from trainer.content.models import Module
from trainer.errors import Issue

__all__ = ["check_module_files"]

_BAD_SCHEME = re.compile(
    r"(?:\]\(\s*<?|^[ \t]*\[[^\]\n]+\]:[ \t]*<?|<)\s*(javascript|vbscript|file|data):",
    re.IGNORECASE | re.MULTILINE,
)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))


def _at(source: SourceMap, loc: Loc, text: str, start: int, needle: str, file: Path,
        message: str) -> Issue:
    """Return an issue at the line (and column) of `needle`, found at `start` inside `text`.

    A multi-line text is a block (`|`) starting on the line after its key; the column is found by
    looking for `needle` on that line of the file.
    """
    issue = source.issue(loc, message)
    if "\n" not in text:  # a one-line value: on its key's line
        line = issue.line
    else:
        line = issue.line + 1 + text.count("\n", 0, start)
    column = issue.column
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
        found = lines[line - 1].find(needle) if 0 < line <= len(lines) else -1
        column = found + 1 if found >= 0 else column
    except (OSError, UnicodeError):
        pass
    return Issue(issue.path, line, column, issue.where, issue.message)


def check_module_files(loaded: Loaded[Module], modules_dir: Path) -> Iterator[Issue]:
    """Yield the problems of a module's file name, images and link targets."""
    module, source = loaded.model, loaded.source
    stem = loaded.file.name.removesuffix(".yaml")
    if stem != module.id:
        yield source.issue(("id",), f"the id '{module.id}' is not the file name '{stem}': rename "
                                    f"the file to {module.id}.yaml, or change the id to '{stem}'")
    for loc, text in _texts(module.model_dump(mode="json", exclude_defaults=True), ()):
        if ":" in text:
            for found in _BAD_SCHEME.finditer(text):
                yield _at(source, loc, text, found.start(1), text[found.start(1):found.end(1) + 1],
                          loaded.file, f"a link to a '{found.group(1).lower()}:' URL is not "
                          "allowed: link to an http, https or mailto address, and put images in "
                          "modules/assets/")
        if "![" in text:
            for found in _IMAGE.finditer(text):
                src = found.group(1)
                if _SCHEME.match(src) or src.startswith(("/", "#")):
                    continue
                target = modules_dir / src.removeprefix("./")
                if not target.is_file():
                    yield _at(source, loc, text, found.start(1), src, loaded.file,
                              f"image '{src}' does not exist: add the file "
                              f"modules/{src.removeprefix('./')}, or fix the path")

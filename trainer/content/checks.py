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

from trainer.content.loader import Loaded, Loc
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
                yield source.issue(loc, f"a link to a '{found.group(1).lower()}:' URL is not "
                                        "allowed: link to an http, https or mailto address, and "
                                        "put images in modules/assets/")
        if "![" in text:
            for found in _IMAGE.finditer(text):
                src = found.group(1)
                if _SCHEME.match(src) or src.startswith(("/", "#")):
                    continue
                target = modules_dir / src.removeprefix("./")
                if not target.is_file():
                    yield source.issue(loc, f"image '{src}' does not exist: add the file "
                                            f"modules/{src.removeprefix('./')}, or fix the path")

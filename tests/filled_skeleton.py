"""A module skeleton as an author leaves it once every "Write ..." placeholder is replaced."""

from __future__ import annotations

import re

from trainer.content.placeholders import placeholder_in
from trainer.content.scaffold import module_skeleton


def filled_module_skeleton(module_id: str, title: str) -> str:
    """Return `trainer new module`'s text with each placeholder's leading "Write" removed."""
    lines = []
    for line in module_skeleton(module_id, title).splitlines():
        if placeholder_in(line) and not line.lstrip().startswith("#"):
            line = re.sub(r"\b[Ww]rite (\w)", lambda m: m.group(1).upper(), line, count=1)
        lines.append(line)
    return "\n".join(lines) + "\n"

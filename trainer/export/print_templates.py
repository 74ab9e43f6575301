"""What the print documents share: one way to build their Jinja environment and their CSS text.

The handbook, the results report and the certificate are HTML from templates under
`trainer/export/templates/`, laid out by WeasyPrint. Translated text cannot be written into a
stylesheet, so page furniture such as "Page {page} of {pages}" is turned into a CSS `content` value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_COUNTERS = {"page": "counter(page)", "pages": "counter(pages)"}


def print_environment(filters: Mapping[str, Callable[..., Any]]) -> Environment:
    """Return a Jinja environment for the print templates, escaping HTML, failing on unknown names."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(filters)
    return environment


def css_string(text: str) -> str:
    """Return `text` as a quoted CSS string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def css_content(text: str) -> str:
    """Return the CSS `content` value of a text in which `{page}` and `{pages}` are page counters."""
    parts: list[str] = []
    rest = text
    while rest:
        head, brace, tail = rest.partition("{")
        if head:
            parts.append(css_string(head))
        if not brace:
            break
        name, _, rest = tail.partition("}")
        parts.append(_COUNTERS.get(name, '""'))
    return " ".join(parts) or '""'

"""JSON Schema for module and curriculum files, generated from the pydantic models (for editors).

Editors such as VS Code (with the YAML extension) read the schema named on a file's first line,
`# yaml-language-server: $schema=../schema/module.schema.json`, to autocomplete keys, show each
field's description and examples on hover, and underline mistakes as the author types. The schema
is committed under `schema/`; `trainer schema -o schema/` rewrites it after a model change (a test
fails while the committed copy is stale).

The schema describes shape only; rules across fields and files (ids that must exist, exactly one
right option) are checked by `trainer check`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from trainer.content.models import Curriculum, Module

SCHEMA_FILES = {"module": "module.schema.json", "curriculum": "curriculum.schema.json"}
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_MODELS: dict[str, type[BaseModel]] = {"module": Module, "curriculum": Curriculum}
_TITLES = {
    "module": "trainer module file (modules/<id>.yaml)",
    "curriculum": "trainer curriculum file (curriculum/<id>.yaml)",
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """Return the JSON Schema of each file kind, keyed by `module` and `curriculum`."""
    out: dict[str, dict[str, Any]] = {}
    for name, model in _MODELS.items():
        schema = model.model_json_schema(mode="validation")
        # Dialect first so editors pick the right draft before reading the rest.
        out[name] = {"$schema": SCHEMA_DIALECT, **schema, "title": _TITLES[name]}
    return out


def schema_text(schema: dict[str, Any]) -> str:
    """Return a schema as the text written to disk (stable, so the committed copy can be diffed)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"

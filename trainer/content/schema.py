"""JSON Schema for module and curriculum files, generated from the pydantic models (for editors)."""

from __future__ import annotations

from typing import Any

from trainer.content.models import Curriculum, Module

SCHEMA_FILES = {"module": "module.schema.json", "curriculum": "curriculum.schema.json"}


def json_schemas() -> dict[str, dict[str, Any]]:
    """Return the JSON Schema of each file kind, keyed by `module` and `curriculum`."""
    out: dict[str, dict[str, Any]] = {}
    for name, model in (("module", Module), ("curriculum", Curriculum)):
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"trainer {name} file"
        out[name] = schema
    return out

"""The JSON Schema editors use: committed copy up to date, documented, and agreeing with the content."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from trainer.cli.content import schema as schema_command
from trainer.content.catalogue import load_catalogue
from trainer.content.scaffold import curriculum_skeleton, module_skeleton
from trainer.content.schema import SCHEMA_FILES, json_schemas, schema_text

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FILES = sorted(REPO_ROOT.glob("modules/*.yaml")) + sorted(REPO_ROOT.glob("curriculum/*.yaml"))

# YAML 1.2 core schema, which is what VS Code's YAML extension applies to plain (unquoted) scalars.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def _plain(value: str) -> Any:
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    if _FLOAT.match(value):
        return float(value.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return value


def _editor_data(node: yaml.Node) -> Any:
    """Return the data an editor's YAML 1.2 parser sees (quoted scalars stay text)."""
    if isinstance(node, yaml.MappingNode):
        return {_editor_data(k): _editor_data(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_editor_data(item) for item in node.value]
    return node.value if node.style else _plain(node.value)


def editor_view(text: str) -> Any:
    """Parse YAML text as the editor does; composing builds nodes only, no objects."""
    return _editor_data(yaml.compose(text, Loader=yaml.SafeLoader))


def _validator(name: str) -> Draft202012Validator:
    committed = json.loads((REPO_ROOT / "schema" / SCHEMA_FILES[name]).read_text(encoding="utf-8"))
    return Draft202012Validator(committed)


def _errors(name: str, text: str) -> list[str]:
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(name).iter_errors(editor_view(text))
    ]


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_committed_schema_is_what_the_models_produce(name: str) -> None:
    committed = (REPO_ROOT / "schema" / SCHEMA_FILES[name]).read_text(encoding="utf-8")
    assert committed == schema_text(json_schemas()[name]), (
        "schema/ is stale: run `trainer schema -o schema/` and commit the result"
    )


def test_schema_command_writes_both_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(schema_command, ["-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for name, file_name in SCHEMA_FILES.items():
        written = (tmp_path / "out" / file_name).read_text(encoding="utf-8")
        assert json.loads(written) == json_schemas()[name]
        assert f"wrote {tmp_path / 'out' / file_name}" in result.output


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_schema_is_a_valid_2020_12_schema(name: str) -> None:
    schema = json_schemas()[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [(f"<root>.{key}", value) for key, value in schema.get("properties", {}).items()]
    for model, definition in schema.get("$defs", {}).items():
        found += [(f"{model}.{key}", value)
                  for key, value in definition.get("properties", {}).items()]
    return found


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_every_field_has_a_description_and_examples(name: str) -> None:
    schema = json_schemas()[name]
    fields = _properties(schema)
    assert len(fields) > 20
    bare = [where for where, field in fields
            if not field.get("description") or not field.get("examples")]
    assert bare == []


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_every_example_is_valid_for_its_field(name: str) -> None:
    schema = json_schemas()[name]
    wrong: list[str] = []
    for where, field in _properties(schema):
        validator = Draft202012Validator({"$defs": schema.get("$defs", {}), **field})
        wrong += [f"{where}: {example!r}" for example in field["examples"]
                  if not validator.is_valid(example)]
    assert wrong == []


def test_there_is_sample_content() -> None:
    assert any(f.parent.name == "modules" for f in SAMPLE_FILES)


@pytest.mark.parametrize("file", SAMPLE_FILES, ids=lambda f: f"{f.parent.name}/{f.name}")
def test_sample_file_names_its_schema_on_the_first_line(file: Path) -> None:
    kind = "module" if file.parent.name == "modules" else "curriculum"
    first = file.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{SCHEMA_FILES[kind]}"


@pytest.mark.parametrize("file", SAMPLE_FILES, ids=lambda f: f"{f.parent.name}/{f.name}")
def test_sample_file_validates_against_the_written_schema(file: Path) -> None:
    kind = "module" if file.parent.name == "modules" else "curriculum"
    assert _errors(kind, file.read_text(encoding="utf-8")) == []


def test_schema_underlines_what_an_editor_should() -> None:
    text = next((REPO_ROOT / "modules").glob("*.yaml")).read_text(encoding="utf-8")
    broken = text.replace("duration_minutes:", "duraton_minutes:", 1)
    errors = _errors("module", broken)
    assert any("'duration_minutes' is a required property" in e for e in errors)
    assert any("'duraton_minutes' was unexpected" in e for e in errors)


def test_editor_view_follows_yaml_1_2() -> None:
    data = editor_view('a: "true"\nb: true\nc: NO\nd: 010\ne: 2016-03-12\nf: 1.5\ng:\n')
    assert data == {"a": "true", "b": True, "c": "NO", "d": 10, "e": "2016-03-12", "f": 1.5,
                    "g": None}


def test_skeletons_validate_against_the_written_schema(tmp_path: Path) -> None:
    module_text = module_skeleton("new-module", "A new module: 'quoted' & #1")
    assert _errors("module", module_text) == []
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "new-module.yaml").write_text(module_text, encoding="utf-8")
    module = load_catalogue(tmp_path).module("new-module")
    assert _errors("curriculum", curriculum_skeleton("new-programme", "", [module])) == []

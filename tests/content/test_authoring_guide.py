"""docs/authoring.md: its YAML examples are valid content that passes the teaching-quality rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from trainer.content.lint import lint_module
from trainer.content.loader import SourceMap, parse_yaml, validate_model
from trainer.content.models import QUESTION_KINDS, Curriculum, Module

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
BLOCKS = re.findall(r"^( *)```yaml\n(.*?)^\1```", GUIDE.read_text(encoding="utf-8"),
                    flags=re.DOTALL | re.MULTILINE)


def _dedent(indent: str, text: str) -> str:
    return "".join(line.removeprefix(indent) for line in text.splitlines(keepends=True))


def _has_data(block: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in block.splitlines())


# The one comment-only block (the $schema line) has no data to parse.
YAML_BLOCKS = [_dedent(indent, text) for indent, text in BLOCKS if _has_data(text)]
QUESTION_BLOCKS = [b for b in YAML_BLOCKS if b.startswith("- id: q-")]


def _module_around(question: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "guide", "title": "Guide", "summary": "S.", "duration_minutes": 10,
        "objectives": [{"id": "explain-channels", "text": "Explain."}],
        "sections": [{"id": "case-late-request", "title": "Case", "kind": "case-study",
                      "body": "B.", "facilitator_notes": "N."}],
        "quiz": {"questions": [question]},
        "sources": [{"title": "A source"}],
    }


def test_the_guide_has_yaml_examples() -> None:
    assert len(YAML_BLOCKS) >= 15


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_every_yaml_example_parses(block: str) -> None:
    parse_yaml(block, "docs/authoring.md")


def test_there_is_an_example_of_every_question_kind() -> None:
    kinds = [parse_yaml(b, "guide")[0][0]["kind"] for b in QUESTION_BLOCKS]
    assert sorted(kinds) == sorted(QUESTION_KINDS)


@pytest.mark.parametrize("block", QUESTION_BLOCKS, ids=lambda b: b.splitlines()[0])
def test_every_question_example_is_valid_and_passes_strict(block: str) -> None:
    data, _ = parse_yaml(block, "guide")
    wrapped = _module_around(data[0])
    source = SourceMap("guide", {})
    module = validate_model(Module, wrapped, source)
    assert lint_module(module, source) == []


def test_the_curriculum_example_is_a_valid_curriculum() -> None:
    (block,) = [b for b in YAML_BLOCKS if b.startswith("id: central-authorities")]
    data, source = parse_yaml(block, "guide")
    curriculum = validate_model(Curriculum, data, source)
    assert curriculum.workshops[0].start == "2016-03"

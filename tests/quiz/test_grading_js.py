"""Tests for trainer/export/js/grading.js: it must grade exactly as trainer.quiz.grading does."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from trainer.quiz.grading import grade
from trainer.quiz.normalise import normalise_text, parse_number

TESTS = Path(__file__).resolve().parents[1]
GRADING_JS = TESTS.parent / "trainer" / "export" / "js" / "grading.js"
RUNNER = Path(__file__).resolve().parent / "run_vectors.js"
VECTORS: list[dict[str, Any]] = json.loads(
    (TESTS / "data" / "grading_vectors.json").read_text(encoding="utf-8")
)
NODE = shutil.which("node") or "/usr/bin/node"

pytestmark = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")


def run_js(calls: list[list[Any]]) -> list[Any]:
    """Call functions of grading.js in one node process; return their JSON results."""
    request = json.dumps({"script": str(GRADING_JS), "calls": calls})
    completed = subprocess.run(
        [NODE, str(RUNNER)], input=request, capture_output=True, text=True, check=True, timeout=120
    )
    results: list[Any] = json.loads(completed.stdout)
    return results


@pytest.fixture(scope="module")
def js_results() -> dict[str, Any]:
    """Grade every vector in node once."""
    results = run_js([["grade", vector["question"], vector["response"]] for vector in VECTORS])
    return {vector["name"]: result for vector, result in zip(VECTORS, results, strict=True)}


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_js_grades_vector_as_expected(vector: dict[str, Any], js_results: dict[str, Any]) -> None:
    assert js_results[vector["name"]] == vector["expected"]


def test_js_and_python_agree_on_every_vector(js_results: dict[str, Any]) -> None:
    from pydantic import TypeAdapter

    from trainer.content.models import Question

    adapter = TypeAdapter(Question)
    for vector in VECTORS:
        result = grade(adapter.validate_python(vector["question"]), vector["response"])
        python = {"earned": result.earned, "max": result.max, "status": result.status}
        assert js_results[vector["name"]] == python, vector["name"]


def test_js_rejects_an_unknown_kind() -> None:
    request = json.dumps({"script": str(GRADING_JS), "calls": [["grade", {"kind": "essay"}, "x"]]})
    completed = subprocess.run([NODE, str(RUNNER)], input=request, capture_output=True, text=True, timeout=60)
    assert completed.returncode != 0
    assert "unknown question kind: essay" in completed.stderr


@pytest.mark.slow
def test_js_normalises_every_code_point_like_python() -> None:
    # Every code point Python's Unicode database assigns (node's may be newer), alone and between
    # letters (so punctuation trimming cannot hide a case-folding difference).
    chars = [chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) not in ("Cn", "Cs")]
    texts = chars + [f"a{char}b" for char in chars]
    expected = [normalise_text(text) for text in texts]
    actual = run_js([["normaliseText", text] for text in texts])
    differing = [
        (f"U+{ord(text[-2] if len(text) > 1 else text):04X}", want, got)
        for text, want, got in zip(texts, expected, actual, strict=True)
        if want != got
    ]
    assert differing == []


NUMBERS = (
    "2016", "2 016", "1\u2009500\u202f000,25 EUR", "\u22123,5", ",5", "5.", "1,000", "1,000,000",
    "abc", "-", "+", "1e3", "9" * 400, "  42  ", "\uff14\uff12", "20 16", "0.3.1", "12 345678",
    "7\u00a0000", "3\t000", "-0", "00012", "30 jours.", "",
)  # fmt: skip


def test_js_parses_numbers_like_python() -> None:
    actual = run_js([["parseNumber", typed] for typed in NUMBERS])
    assert dict(zip(NUMBERS, actual, strict=True)) == {typed: parse_number(typed) for typed in NUMBERS}

"""Tests for trainer.quiz.grading: every shared grading vector, then focused behaviour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from trainer.content.models import Question, content_hash
from trainer.quiz.grading import Result, grade, right_answer
from trainer.quiz.normalise import normalise_text, parse_number

VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "grading_vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
_QUESTION = TypeAdapter(Question)


def question(data: dict[str, Any]) -> Question:
    """Build a question model from its YAML-shaped dict."""
    return _QUESTION.validate_python(data)


def test_vectors_cover_every_kind_and_status() -> None:
    kinds = {vector["question"]["kind"] for vector in VECTORS}
    statuses = {vector["expected"]["status"] for vector in VECTORS}
    assert kinds == {
        "single", "multiple", "true_false", "short_answer", "numeric", "matching", "ordering"
    }  # fmt: skip
    assert statuses == {"correct", "partial", "wrong", "unanswered"}
    assert len(VECTORS) >= 60
    assert len({vector["name"] for vector in VECTORS}) == len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_grading_vector(vector: dict[str, Any]) -> None:
    result = grade(question(vector["question"]), vector["response"])
    expected = vector["expected"]
    assert (result.earned, result.max, result.status) == (
        expected["earned"],
        expected["max"],
        expected["status"],
    )


# --- focused tests -------------------------------------------------------------------------------

MULTI = question(
    {
        "id": "q",
        "kind": "multiple",
        "prompt": "p",
        "points": 2,
        "options": [
            {"id": "a", "text": "A", "correct": True},
            {"id": "b", "text": "B", "correct": True},
            {"id": "c", "text": "C"},
        ],
    }
)


def test_multiple_result_reports_right_ids_and_each_chosen_option() -> None:
    result = grade(MULTI, ["a", "c"])
    # R = 2: +1/2 for a, -1/2 for c -> 0.
    assert result == Result(
        earned=0.0,
        max=2,
        status="wrong",
        fraction=0.0,
        right=("a", "b"),
        chosen_correct={"a": True, "c": False},
    )


def test_partial_fraction_is_exact_and_earned_is_rounded() -> None:
    three = question(
        {
            "id": "q",
            "kind": "ordering",
            "prompt": "p",
            "points": 1,
            "scoring": "position",
            "items": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}],
        }
    )
    result = grade(three, ["x", "z", "y"])
    assert result.fraction == 1 / 3
    assert result.earned == 0.3333
    assert result.right == ("x", "y", "z")
    assert result.chosen_correct == {"x": True, "y": False, "z": False}


def _five_steps(scoring: str | None) -> Question:
    data: dict[str, object] = {
        "id": "q", "kind": "ordering", "prompt": "p", "points": 2,
        "items": [{"id": f"s{n}", "text": f"Step {n}"} for n in range(1, 6)]}
    if scoring is not None:
        data["scoring"] = scoring
    return question(data)


def test_an_order_shifted_by_one_gets_partial_credit_by_default() -> None:
    shifted = ["s2", "s3", "s4", "s5", "s1"]
    default = grade(_five_steps(None), shifted)
    assert (default.status, default.earned) == ("partial", 1.5)
    assert default.chosen_correct == {"s2": True, "s3": True, "s4": True}
    assert grade(_five_steps("position"), shifted).earned == 0
    subset = grade(_five_steps("longest_ordered_subset"), shifted)
    assert subset.earned == 1.6
    assert subset.chosen_correct == {"s1": False, "s2": True, "s3": True, "s4": True, "s5": True}


def test_the_default_ordering_scoring_leaves_the_content_hash_alone() -> None:
    assert content_hash(_five_steps(None)) == content_hash(_five_steps("relative_to_next"))
    assert content_hash(_five_steps(None)) != content_hash(_five_steps("position"))


def test_single_choice_marks_the_chosen_option() -> None:
    single = question(
        {
            "id": "q",
            "kind": "single",
            "prompt": "p",
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B", "correct": True}],
        }
    )
    assert grade(single, "a").chosen_correct == {"a": False}
    assert grade(single, "b").chosen_correct == {"b": True}
    assert grade(single, None).chosen_correct == {}
    assert grade(single, "a").right == ("b",)


def test_matching_marks_every_pair_and_right_mapping_is_identity() -> None:
    matching = question(
        {
            "id": "q",
            "kind": "matching",
            "prompt": "p",
            "pairs": [
                {"id": "p1", "prompt": "1", "match": "one"},
                {"id": "p2", "prompt": "2", "match": "two"},
            ],
            "distractors": [{"id": "d", "text": "three"}],
        }
    )
    result = grade(matching, {"p1": "p1", "p2": "d"})
    assert result.chosen_correct == {"p1": True, "p2": False}
    assert result.right == {"p1": "p1", "p2": "p2"}
    assert result.status == "partial"


def test_numeric_right_answer_is_shown_as_bounds() -> None:
    tolerance = question({"id": "q", "kind": "numeric", "prompt": "p", "answer": 0.3, "tolerance": 0.1})
    exact = question({"id": "q", "kind": "numeric", "prompt": "p", "answer": 2016})
    ranged = question({"id": "q", "kind": "numeric", "prompt": "p", "range": {"min": 5, "max": 9}})
    assert right_answer(tolerance) == ("0.2", "0.4")
    assert right_answer(exact) == ("2016", "2016")
    assert right_answer(ranged) == ("5", "9")
    assert grade(exact, "2016 AD").chosen_correct == {"answer": True}


def test_short_answer_right_lists_accepted_answers_as_written() -> None:
    short = question(
        {"id": "q", "kind": "short_answer", "prompt": "p", "accepted": ["Dual criminality", "DC"]}
    )
    result = grade(short, "dc")
    assert result.right == ("Dual criminality", "DC")
    assert result.chosen_correct == {"answer": True}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Ministère   de la JUSTICE. ", "ministere de la justice"),
        ("«Straße»", "strasse"),
        ("art. 18", "art. 18"),
        ("\u00a0\u2009x\u3000y\u200a", "x y"),
        ("!!!", ""),
    ],
)
def test_normalise_text(typed: str, expected: str) -> None:
    assert normalise_text(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2016", 2016.0),
        ("1 500 000,25 EUR", 1500000.25),
        ("−3,5", -3.5),
        (",5", 0.5),
        ("5.", 5.0),
        ("1,000", 1.0),
        ("1,000,000", None),
        ("abc", None),
        ("-", None),
        ("1e3", None),
        ("9" * 400, None),
    ],
)
def test_parse_number(typed: str, expected: float | None) -> None:
    assert parse_number(typed) == expected


_garbage = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=4), children, max_size=5)
    ),
    max_leaves=12,
)
_KINDS = {vector["question"]["kind"]: vector["question"] for vector in VECTORS}


@pytest.mark.parametrize("kind", sorted(_KINDS))
@given(response=_garbage)
def test_grade_never_raises_and_stays_in_bounds(kind: str, response: object) -> None:
    q = question(_KINDS[kind])
    result = grade(q, response)
    assert 0 <= result.earned <= result.max
    assert result.status in ("correct", "partial", "wrong", "unanswered")
    if result.status == "unanswered":
        assert result.earned == 0

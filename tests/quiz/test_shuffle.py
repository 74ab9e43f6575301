"""Tests for trainer.quiz.shuffle: seeded, reproducible option and question order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from trainer.content.models import Question
from trainer.quiz.shuffle import choice_ids, option_order, question_order

_QUESTION = TypeAdapter(Question)


def question(data: dict[str, Any]) -> Question:
    """Build a question model from its YAML-shaped dict."""
    return _QUESTION.validate_python(data)


SINGLE = question(
    {
        "id": "q-single",
        "kind": "single",
        "prompt": "p",
        "options": [{"id": letter, "text": letter} for letter in "abcde"],
    }
)
ORDERING = question(
    {
        "id": "q-order",
        "kind": "ordering",
        "prompt": "p",
        "items": [{"id": f"s{n}", "text": str(n)} for n in range(1, 6)],
    }
)
MATCHING = question(
    {
        "id": "q-match",
        "kind": "matching",
        "prompt": "p",
        "pairs": [{"id": f"p{n}", "prompt": str(n), "match": str(n)} for n in range(1, 4)],
        "distractors": [{"id": "d1", "text": "x"}],
    }
)
SHORT = question({"id": "q-short", "kind": "short_answer", "prompt": "p", "accepted": ["x"]})


def test_choice_ids_per_kind() -> None:
    assert choice_ids(SINGLE) == ["a", "b", "c", "d", "e"]
    assert choice_ids(MATCHING) == ["p1", "p2", "p3", "d1"]
    assert choice_ids(ORDERING) == ["s1", "s2", "s3", "s4", "s5"]
    assert choice_ids(SHORT) == []
    assert option_order(SHORT, "seed") == []


def test_known_orders_never_change() -> None:
    # Recorded once: a change here means attempts already started would show another order.
    assert option_order(ORDERING, "attempt-1") == ["s4", "s2", "s5", "s1", "s3"]
    assert option_order(SINGLE, "attempt-1") == ["a", "b", "d", "c", "e"]
    assert question_order(["q1", "q2", "q3", "q4", "q5"], "attempt-1") == [
        "q3", "q2", "q4", "q5", "q1"
    ]  # fmt: skip


def test_order_is_a_permutation_and_depends_on_the_seed() -> None:
    orders = {tuple(option_order(MATCHING, f"attempt-{n}")) for n in range(50)}
    assert all(sorted(order) == sorted(choice_ids(MATCHING)) for order in orders)
    assert len(orders) > 5


def test_same_order_in_another_process_with_another_hash_seed(repo_root: Path) -> None:
    code = (
        "from pydantic import TypeAdapter\n"
        "from trainer.content.models import Question\n"
        "from trainer.quiz.shuffle import option_order\n"
        f"q = TypeAdapter(Question).validate_python({SINGLE.model_dump()!r})\n"
        "print(option_order(q, 'x'))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=repo_root,
            env={"PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(repo_root)},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert outputs == {f"{option_order(SINGLE, 'x')}\n"}


def test_ordering_never_starts_in_the_right_order() -> None:
    two = question(
        {
            "id": "q-two",
            "kind": "ordering",
            "prompt": "p",
            "items": [{"id": "x", "text": "x"}, {"id": "y", "text": "y"}],
        }
    )
    for n in range(200):
        assert option_order(two, str(n)) == ["y", "x"]
        assert option_order(ORDERING, str(n)) != choice_ids(ORDERING)

"""parse_results_file: the results file of the offline site is validated, never trusted blindly."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from trainer.interchange.results_file import ResultsFileError, parse_results_file

HASH = "a" * 64
GOOD: dict[str, Any] = {
    "format": "trainer-results",
    "version": 1,
    "curriculum": "practice",
    "workshop": None,
    "participant": " Amina K. ",
    "exported_at": "2017-05-16T16:02:11.000Z",
    "attempts": [{
        "module": "all-kinds",
        "module_hash": HASH,
        "started_at": "2017-05-16T09:30:00.000Z",
        "submitted_at": "2017-05-16T09:52:41+02:00",
        "earned": 2.5,
        "max": 4,
        "percent": 62.5,
        "passed": True,
        "answers": [
            {"question": "q-single", "question_hash": HASH, "response": "a",
             "earned": 2, "max": 2, "status": "correct"},
            {"question": "q-multiple", "question_hash": HASH, "response": ["a", "c"],
             "earned": 0.5, "max": 1, "status": "partial"},
            {"question": "q-matching", "question_hash": HASH, "response": {"dual": "spec"},
             "earned": 0, "max": 1, "status": "wrong"},
            {"question": "q-short", "question_hash": HASH, "response": None,
             "earned": 0, "max": 0.5, "status": "unanswered"},
        ],
    }],
}


def _bytes(data: object) -> bytes:
    return json.dumps(data).encode("utf-8")


def _problems(data: bytes) -> list[str]:
    with pytest.raises(ResultsFileError) as caught:
        parse_results_file(data)
    return list(caught.value.problems)


def test_a_good_file_parses() -> None:
    results = parse_results_file(b"\xef\xbb\xbf" + _bytes(GOOD))
    assert results.participant == "Amina K."
    assert results.workshop is None
    attempt = results.attempts[0]
    assert [a.response for a in attempt.answers] == ["a", ["a", "c"], {"dual": "spec"}, None]
    assert attempt.submitted_at.utcoffset() is not None
    assert attempt.earned == 2.5


def test_every_problem_is_listed_with_where() -> None:
    bad = copy.deepcopy(GOOD)
    bad["participant"] = ""
    bad["attempts"][0]["module"] = "Not A Slug"
    bad["attempts"][0]["answers"][1]["response"] = [1, 2]
    bad["attempts"][0]["answers"][0]["score"] = 100
    problems = _problems(_bytes(bad))
    joined = "\n".join(problems)
    assert "participant:" in joined
    assert "attempts[0].module:" in joined
    assert "attempts[0].answers[1].response" in joined
    assert "attempts[0].answers[0].score: Extra inputs are not permitted" in joined


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe{}", "not UTF-8"),
    (b"{", "invalid JSON"),
    (b"[]", 'no "format"'),
    (b'{"format": "other"}', 'no "format"'),
    (b'{"format": "trainer-results", "format": "trainer-results"}', "duplicate key 'format'"),
    (b'{"format": "trainer-results", "x": NaN}', "NaN is not a number"),
    (b" " * (2 * 1024 * 1024 + 1), "larger than 2 MiB"),
    (b"[" * 100_000, "nests too deeply"),
])
def test_files_that_are_not_results_files_are_refused(data: bytes, message: str) -> None:
    assert message in _problems(data)[0]


def test_claims_that_cannot_be_true_are_refused() -> None:
    bad = copy.deepcopy(GOOD)
    bad["attempts"][0]["answers"][0]["earned"] = 3
    bad["attempts"][0]["earned"] = 40
    problems = _problems(_bytes(bad))
    assert "attempts[0]: earned 40.0 is more than max 4.0" in problems
    assert "attempts[0].answers[0]: earned 3.0 is more than max 2.0" in problems


@pytest.mark.parametrize(("field", "value"), [
    ("version", 3), ("version", "1"), ("version", True),
    ("exported_at", "yesterday"), ("exported_at", "2017-05-16T16:02:11"),
    ("participant", "Amina\x00"), ("curriculum", "../etc"),
])
def test_wrong_values_are_refused(field: str, value: object) -> None:
    bad = copy.deepcopy(GOOD)
    bad[field] = value
    assert any(p.startswith(field) for p in _problems(_bytes(bad)))


def test_wrong_hash_and_status_are_refused() -> None:
    bad = copy.deepcopy(GOOD)
    bad["attempts"][0]["module_hash"] = "A" * 64
    bad["attempts"][0]["answers"][0]["status"] = "great"
    problems = _problems(_bytes(bad))
    assert any(p.startswith("attempts[0].module_hash") for p in problems)
    assert any(p.startswith("attempts[0].answers[0].status") for p in problems)


V2: dict[str, Any] = {
    **GOOD,
    "version": 2,
    "learner": "5f0c2a9e1b7d4c3a8e6f0d1c2b3a4958",
    "attempts": [
        {**GOOD["attempts"][0], "id": "0b8e5d7c6a4f4e2d9c1b3a5f7e9d1c3b", "kind": "module",
         "answers": [{**a, "module": "all-kinds"} for a in GOOD["attempts"][0]["answers"]]},
        {**GOOD["attempts"][0], "id": "1b8e5d7c6a4f4e2d9c1b3a5f7e9d1c3b", "kind": "pre",
         "module": None, "module_hash": None,
         "answers": [{**GOOD["attempts"][0]["answers"][0], "module": "short-module"}]},
    ],
}


def test_version_2_carries_ids_kinds_and_answer_modules() -> None:
    results = parse_results_file(_bytes(V2))
    assert results.learner == V2["learner"]
    module, pre = results.attempts
    assert (module.id, module.kind, module.module) == (V2["attempts"][0]["id"], "module",
                                                       "all-kinds")
    assert (pre.kind, pre.module, pre.module_hash) == ("pre", None, None)
    assert pre.answers[0].module == "short-module"


def test_version_1_is_read_with_kind_and_answer_modules_filled_in() -> None:
    results = parse_results_file(_bytes(GOOD))
    [attempt] = results.attempts
    assert (results.learner, attempt.id, attempt.kind) == (None, None, "module")
    assert {a.module for a in attempt.answers} == {"all-kinds"}


def test_version_rules_are_checked() -> None:
    bad = copy.deepcopy(V2)
    del bad["learner"]
    del bad["attempts"][0]["id"]
    bad["attempts"][1]["id"] = "short"
    bad["attempts"][1]["module"] = "all-kinds"
    bad["attempts"][0]["answers"][0]["module"] = "short-module"
    problems = _problems(_bytes(bad))
    assert "attempts[1].id" in "\n".join(problems)
    bad["attempts"][1]["id"] = bad["attempts"][0].get("id", "0b8e5d7c6a4f4e2d9c1b3a5f7e9d1c3b")
    problems = _problems(_bytes(bad))
    assert "learner: required in version 2" in problems
    assert "attempts[0].id: required in version 2" in problems
    assert ("attempts[1]: a pre-test has no module or module_hash (its answers name their "
            "modules)") in problems
    assert ("attempts[0].answers[0].module: 'short-module' is not the attempt's module "
            "'all-kinds'") in problems
    old = copy.deepcopy(GOOD)
    old["learner"] = V2["learner"]
    old["attempts"][0]["kind"] = "module"
    problems = _problems(_bytes(old))
    assert "learner: not in version 1 (use version 2)" in problems
    assert "attempts[0].kind: not in version 1 (use version 2)" in problems


def test_attempt_ids_are_unique_in_a_file() -> None:
    bad = copy.deepcopy(V2)
    bad["attempts"][1]["id"] = bad["attempts"][0]["id"]
    assert (f"attempts[1].id: {bad['attempts'][0]['id']!r} is used by an earlier attempt"
            in _problems(_bytes(bad)))

"""Importing the offline site's results files: checked against the content, re-graded, stored once.

Runs on SQLite and on PostgreSQL (`store` from tests/store/conftest.py).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.interchange.results_file import MAX_BYTES
from trainer.services.results_import import ImportReport, import_results
from trainer.store import Database
from trainer.store.imports import is_offline
from trainer.store.models import Attempt, Participant, Response
from trainer.store.results import workshop_participants

LEARNER = "5f0c2a9e1b7d4c3a8e6f0d1c2b3a4958"


@pytest.fixture(scope="module")
def content(repo_root: Path) -> Catalogue:
    return load_catalogue(repo_root / "tests" / "data" / "package_content")


def _answer(content: Catalogue, module: str, question: str, response: Any, earned: float = 0,
            status: str = "wrong") -> dict[str, Any]:
    return {"module": module, "question": question,
            "question_hash": content.question_hash(module, question), "response": response,
            "earned": earned, "max": content.question(module, question).points, "status": status}


def _attempt(content: Catalogue, attempt_id: str, kind: str, answers: list[dict[str, Any]],
             percent: float = 0.0, passed: bool = False) -> dict[str, Any]:
    module = answers[0]["module"] if kind == "module" else None
    return {
        "id": attempt_id, "kind": kind, "module": module,
        "module_hash": content.module_hashes[module] if module else None,
        "started_at": "2016-03-14T09:00:00.000Z", "submitted_at": "2016-03-14T09:20:00.000Z",
        "earned": sum(a["earned"] for a in answers), "max": sum(a["max"] for a in answers),
        "percent": percent, "passed": passed, "answers": answers,
    }


def _pre(content: Catalogue, attempt_id: str = "pre-0000000000000001") -> dict[str, Any]:
    return _attempt(content, attempt_id, "pre",
                    [_answer(content, "all-kinds", "q-single", "b")])


def _short(content: Catalogue, attempt_id: str = "mod-0000000000000001", who: str = "justice",
           count: str = "2") -> dict[str, Any]:
    return _attempt(content, attempt_id, "module", [
        _answer(content, "short-module", "q-who", who, 1, "correct"),
        _answer(content, "short-module", "q-count", count, 1, "correct")], 100, True)


def _file(*attempts: dict[str, Any], learner: str = LEARNER, name: str = "Amina K.",
          workshop: str | None = "test-edition") -> dict[str, Any]:
    return {"format": "trainer-results", "version": 2, "curriculum": "practice",
            "workshop": workshop, "learner": learner, "participant": name,
            "exported_at": "2016-03-14T17:00:00.000Z", "attempts": list(attempts)}


def _import(store: Database, content: Catalogue, data: dict[str, Any] | bytes,
            workshop: str | None = None) -> ImportReport:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return import_results(store, content, raw, workshop, source="results.json")


def _counts(store: Database) -> tuple[int, int, int]:
    with store.read() as session:
        return tuple(int(session.scalar(select(func.count()).select_from(table)) or 0)
                     for table in (Participant, Attempt, Response))  # type: ignore[return-value]


def test_a_good_file_is_stored_regraded_and_marked_offline(store: Database,
                                                           content: Catalogue) -> None:
    report = _import(store, content, _file(_pre(content), _short(content, count="3")))
    assert report.problems == ()
    assert (report.participant, report.participant_created) == ("Amina K.", True)
    assert report.imported == ("pre-test", "module quiz short-module")
    assert (report.duplicates, report.refused) == (0, ())
    [participant] = workshop_participants(store, "test-edition")
    assert participant.display_name == "Amina K."
    assert is_offline(participant.public_id)
    pre, module = participant.attempts
    assert (pre.kind, pre.module_id, pre.percent, pre.passed) == ("pre", None, 0.0, False)
    assert (module.kind, module.module_id) == ("module", "short-module")
    assert module.module_hash == content.module_hashes["short-module"]
    # The file claimed 100 %; the grader gives q-count ("3", the answer is 2) no points.
    assert (module.earned, module.max_points, module.percent, module.passed) == (1, 2, 50, True)
    assert [(r.question_id, r.response, r.earned, r.status) for r in module.responses] == [
        ("q-who", "justice", 1, "correct"), ("q-count", "3", 0, "wrong")]
    assert module.submitted
    assert all(is_offline(a.public_id) for a in participant.attempts)
    [difference] = report.differences
    assert (difference.attempt, difference.claimed_percent, difference.percent) == (2, 100, 50)
    assert difference.questions == ("short-module/q-count",)
    assert any("score differs: Amina K., attempt 2" in line for line in report.lines())


def test_importing_again_or_an_overlapping_file_adds_nothing_twice(store: Database,
                                                                   content: Catalogue) -> None:
    first = _file(_pre(content), _short(content))
    _import(store, content, first)
    counts = _counts(store)
    again = _import(store, content, first)
    assert (again.imported, again.duplicates, again.participant_matched) == ((), 2, True)
    assert _counts(store) == counts
    later = _file(_pre(content), _short(content),
                  _short(content, "mod-0000000000000002", who="sport"), name="Amina K")
    report = _import(store, content, later)
    assert (report.imported, report.duplicates) == (("module quiz short-module",), 2)
    [participant] = workshop_participants(store, "test-edition")
    assert participant.display_name == "Amina K."  # the first name stays
    assert [a.percent for a in participant.attempts] == [0.0, 100.0, 50.0]
    other = _import(store, content, _file(_short(content), learner="a" * 32, name="Amina K."))
    assert (other.participant_created, other.imported) == (True, ("module quiz short-module",))
    assert len(workshop_participants(store, "test-edition")) == 2


def test_a_stale_question_refuses_its_attempt_whole(store: Database, content: Catalogue) -> None:
    stale = _short(content)
    stale["answers"][1]["question_hash"] = "0" * 64
    report = _import(store, content, _file(_pre(content), stale))
    assert report.imported == ("pre-test",)
    [refusal] = report.refused
    assert (refusal.attempt, refusal.label, refusal.question, refusal.code) == (
        2, "module quiz short-module", "short-module/q-count", "stale-question")
    assert "has changed since the site was made" in refusal.message
    assert any(line.startswith("  refused: Amina K., attempt 2 (module quiz short-module), "
                               "question short-module/q-count: question short-module/q-count "
                               "has changed") for line in report.lines())
    [participant] = workshop_participants(store, "test-edition")
    assert [a.kind for a in participant.attempts] == ["pre"]  # nothing half-written


@pytest.mark.parametrize(("change", "code", "question"), [
    (lambda a: a["answers"][1].update(question="q-gone"), "unknown-question",
     "short-module/q-gone"),
    (lambda a: a["answers"].pop(), "questions-missing", None),
    (lambda a: a["answers"].append(dict(a["answers"][0])), "repeated-question",
     "short-module/q-who"),
    (lambda a: a.update(submitted_at="2016-03-14T08:00:00.000Z"), "impossible-times", None),
])
def test_attempts_that_do_not_fit_the_content_are_refused(
        store: Database, content: Catalogue, change: Any, code: str, question: str | None) -> None:
    attempt = _short(content)
    change(attempt)
    report = _import(store, content, _file(attempt))
    assert [(r.code, r.question) for r in report.refused] == [(code, question)]
    assert report.imported == ()
    assert _counts(store)[1:] == (0, 0)


def test_unknown_module_and_test_questions_are_refused(store: Database, content: Catalogue
                                                       ) -> None:
    unknown = _short(content, "mod-0000000000000003")
    unknown["module"] = "no-such-module"
    for answer in unknown["answers"]:
        answer["module"] = "no-such-module"
    wrong_pre = _attempt(content, "pre-0000000000000009", "pre",
                         [_answer(content, "short-module", "q-who", "justice")])
    report = _import(store, content, _file(unknown, wrong_pre))
    assert [(r.attempt, r.code) for r in report.refused] == [
        (1, "unknown-module"), (2, "question-not-in-step")]


def test_each_test_is_kept_once(store: Database, content: Catalogue) -> None:
    report = _import(store, content, _file(_pre(content), _pre(content, "pre-0000000000000002")))
    assert report.imported == ("pre-test",)
    assert [r.code for r in report.refused] == ["test-repeated"]
    later = _import(store, content, _file(_pre(content, "pre-0000000000000003")))
    assert [(r.attempt, r.code) for r in later.refused] == [(1, "test-taken")]
    assert later.imported == ()


@pytest.mark.parametrize(("workshop_in_file", "workshop", "problem"), [
    ("test-edition", "other-edition", "there is no workshop 'other-edition'"),
    (None, None, "the file names no workshop"),
])
def test_a_file_for_another_workshop_imports_nothing(
        store: Database, content: Catalogue, workshop_in_file: str | None,
        workshop: str | None, problem: str) -> None:
    report = _import(store, content, _file(_pre(content), workshop=workshop_in_file), workshop)
    assert report.problems[0].startswith(problem)
    assert _counts(store) == (0, 0, 0)


def test_a_site_without_workshop_imports_into_the_one_chosen(store: Database,
                                                             content: Catalogue) -> None:
    report = _import(store, content, _file(_pre(content), workshop=None), "test-edition")
    assert report.imported == ("pre-test",)
    mismatch = _file(_pre(content))
    mismatch["curriculum"] = "other"
    assert _import(store, content, mismatch).problems == (
        "the file is from curriculum 'other'; workshop 'test-edition' runs 'practice'",)


@pytest.mark.parametrize(("data", "problem"), [
    (b"not json", "not a results file (invalid JSON"),
    (b'{"format": "trainer-results", "version": 2}', "curriculum: Field required"),
    (b" " * (MAX_BYTES + 1), "the file is larger than 2 MiB"),
    (b"\xff\xfe", "the file is not UTF-8 text"),
])
def test_garbage_is_refused_whole(store: Database, content: Catalogue, data: bytes,
                                  problem: str) -> None:
    report = _import(store, content, data, "test-edition")
    assert any(p.startswith(problem) for p in report.problems), report.problems
    assert report.lines()[0] == "results.json: not imported:"
    assert _counts(store) == (0, 0, 0)


@pytest.mark.parametrize("response", [{"x": ["nested"]}, 12, [1, 2], True, {"a" * 65: "b"}])
def test_responses_of_the_wrong_type_are_refused(store: Database, content: Catalogue,
                                                 response: object) -> None:
    attempt = _short(content)
    attempt["answers"][0]["response"] = response
    report = _import(store, content, _file(attempt))
    assert any(p.startswith("attempts[0].answers[0].response") for p in report.problems)
    assert _counts(store) == (0, 0, 0)


def test_counts_are_bounded(store: Database, content: Catalogue) -> None:
    many = _file(*[_short(content, f"mod-{n:016d}") for n in range(501)])
    assert any(p.startswith("attempts: List should have at most 500 items")
               for p in _import(store, content, many).problems)
    long = _file(_short(content))
    long["attempts"][0]["answers"][1]["response"] = "9" * 2001
    assert any(p.startswith("attempts[0].answers[1].response")
               for p in _import(store, content, long).problems)
    assert _counts(store) == (0, 0, 0)


def test_a_wrong_response_shape_for_its_kind_is_graded_wrong(store: Database,
                                                             content: Catalogue) -> None:
    attempt = _short(content, who="no-such-option", count="2")
    report = _import(store, content, _file(attempt))
    assert report.imported == ("module quiz short-module",)
    [participant] = workshop_participants(store, "test-edition")
    assert [(r.earned, r.status) for r in participant.attempts[0].responses] == [
        (0, "wrong"), (1, "correct")]


def test_version_1_files_import_once_matched_by_name(store: Database, content: Catalogue) -> None:
    attempt = _short(content)
    for key in ("id", "kind"):
        del attempt[key]
    for answer in attempt["answers"]:
        del answer["module"]
    old = _file(attempt)
    old["version"] = 1
    del old["learner"]
    first = _import(store, content, old)
    assert first.imported == ("module quiz short-module",)
    renamed = copy.deepcopy(old)
    renamed["participant"] = "  amina   k. "
    again = _import(store, content, renamed)
    assert (again.participant_matched, again.imported, again.duplicates) == (True, (), 1)
    assert _counts(store) == (1, 1, 2)

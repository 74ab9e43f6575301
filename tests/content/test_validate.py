"""Cross-file rules: references resolve, ids are unique, answer keys and workshops are consistent."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.content.catalogue import load_catalogue
from trainer.errors import ContentError

MODULE = """\
id: {id}
title: Module {id}
summary: About {id}.
duration_minutes: 20
objectives:
  - id: o1
    text: Do a thing.
sections:
  - id: s1
    title: Reading
    body: Text.
quiz:
  questions:
    - id: q1
      kind: multiple
      prompt: Pick.
      options:
        - {{id: a, text: A, correct: true}}
        - {{id: b, text: B}}
    - id: q2
      kind: matching
      prompt: Match.
      pairs:
        - {{id: p1, prompt: One, match: Uno}}
        - {{id: p2, prompt: Two, match: Dos}}
      distractors:
        - {{id: d1, text: Tres}}
"""

CURRICULUM = """\
id: prog
title: Programme
audience: Central authorities
author: Faculty
modules: [alpha, beta]
pre_test:
  title: Pre
  questions:
    - {module: alpha, question: q1}
post_test:
  title: Post
  questions:
    - {module: beta, question: q2}
workshops:
  - id: w1
    title: First
    region: Sahel-Maghreb
    city: Valletta
    start: 2016-03
    end: 2016-03
    join_code: MALTA16
"""


def make_root(tmp_path: Path, curriculum: str = CURRICULUM, **modules: str) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "modules").mkdir()
    (tmp_path / "curriculum").mkdir()
    for module_id in ("alpha", "beta"):
        text = modules.get(module_id, MODULE.format(id=module_id))
        (tmp_path / "modules" / f"{module_id}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "curriculum" / "prog.yaml").write_text(curriculum, encoding="utf-8")
    return tmp_path


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalogue(root)
    return [
        f"{Path(i.path).name}:{i.line}:{i.column}: {i.where}: {i.message}"
        for i in caught.value.issues
    ]


def test_good_root_loads_with_hashes(tmp_path: Path) -> None:
    catalogue = load_catalogue(make_root(tmp_path))
    assert list(catalogue.modules) == ["alpha", "beta"]
    assert catalogue.summary() == (
        "2 modules, 4 questions (2 matching, 2 multiple), 1 curricula, 1 workshops"
    )
    assert len(catalogue.module_hashes["alpha"]) == 64
    assert catalogue.question_hash("alpha", "q1") == catalogue.question_hash("beta", "q1")
    assert catalogue.module_hashes["alpha"] != catalogue.module_hashes["beta"]
    assert catalogue.workshop_by_code(" malta16 ") == catalogue.workshop("w1")
    assert [m.id for m, _ in catalogue.test_questions(catalogue.curriculum("prog"), "post")] == [
        "beta"
    ]


def test_question_hash_changes_only_with_the_question(tmp_path: Path) -> None:
    before = load_catalogue(make_root(tmp_path / "a"))
    edited = MODULE.format(id="alpha").replace("prompt: Match.", "prompt: Match them.")
    after = load_catalogue(make_root(tmp_path / "b", alpha=edited))
    assert before.question_hash("alpha", "q1") == after.question_hash("alpha", "q1")
    assert before.question_hash("alpha", "q2") != after.question_hash("alpha", "q2")


def test_dangling_references(tmp_path: Path) -> None:
    curriculum = CURRICULUM.replace("modules: [alpha, beta]", "modules: [alpha, gamma]").replace(
        "{module: beta, question: q2}", "{module: beta, question: q9}"
    )
    assert problems(make_root(tmp_path, curriculum)) == [
        "prog.yaml:5:18: modules[1]: no module 'gamma' (modules: alpha, beta)",
        "prog.yaml:13:8: post_test.questions[0].module: this question assesses module 'beta', "
        "which is not in the programme (modules: alpha, gamma): add the module or pick another "
        "question",
        "prog.yaml:13:22: post_test.questions[0].question: module 'beta' has no question 'q9'",
    ]


def _rel(tmp_path: Path) -> str:
    from trainer.content.catalogue import display_path

    return display_path(tmp_path) + "/"


def test_workshop_rules(tmp_path: Path) -> None:
    curriculum = CURRICULUM.replace("end: 2016-03", "end: 2015-12") + (
        "  - id: w1\n    title: Again\n    region: R\n    city: C\n    start: 2017-05-02\n"
        "    end: 2017-05-04\n    join_code: MALTA16\n    extra_modules: [alpha, zeta]\n"
    )
    at = f"{_rel(tmp_path)}curriculum/prog.yaml"
    assert problems(make_root(tmp_path, curriculum)) == [
        "prog.yaml:20:5: workshops[0].end: the workshop ends before it starts",
        f"prog.yaml:22:5: workshops[1].id: duplicate workshop id 'w1' (also at {at}:15)",
        f"prog.yaml:28:5: workshops[1].join_code: duplicate join code 'MALTA16' (also at {at}:21)",
        "prog.yaml:29:21: workshops[1].extra_modules[0]: 'alpha' is already one of the "
        "curriculum's modules",
        "prog.yaml:29:28: workshops[1].extra_modules[1]: no module 'zeta' (modules: alpha, beta)",
    ]


def test_matching_rules(tmp_path: Path) -> None:
    module = (
        MODULE.format(id="alpha")
        .replace("match: Dos", "match: Uno")
        .replace("{id: d1, text: Tres}", "{id: p1, text: Tres}")
    )
    at = f"{_rel(tmp_path)}modules/alpha.yaml"
    assert problems(make_root(tmp_path, alpha=module)) == [
        f"alpha.yaml:25:33: quiz.questions[1].pairs[1].match: duplicate match text 'Uno' "
        f"(also at {at}:24)",
        f"alpha.yaml:27:12: quiz.questions[1].distractors[0].id: duplicate pair or distractor id "
        f"'p1' (also at {at}:24)",
    ]


def test_numeric_needs_answer_or_range(tmp_path: Path) -> None:
    module = MODULE.format(id="alpha") + (
        "    - {id: q3, kind: numeric, prompt: N, answer: 3, range: {min: 1, max: 2}}\n"
        "    - {id: q4, kind: numeric, prompt: N, range: {min: 5, max: 2}}\n"
    )
    assert problems(make_root(tmp_path, alpha=module)) == [
        "alpha.yaml:28:7: quiz.questions[2]: a numeric question needs either 'answer' or 'range' "
        "(not both)",
        "alpha.yaml:29:42: quiz.questions[3].range: range.min must not be greater than range.max",
    ]


def test_reload_rereads_only_changed_files(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    first = load_catalogue(root)
    assert first.reread == 3
    path = root / "modules" / "beta.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Text.", "More text."), encoding="utf-8"
    )
    second = load_catalogue(root, previous=first)
    assert second.reread == 1
    assert second.modules["alpha"] is first.modules["alpha"]
    assert second.module_hashes["beta"] != first.module_hashes["beta"]

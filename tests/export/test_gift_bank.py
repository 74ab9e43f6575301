"""GIFT question banks: escaping, an independent parser (npm gift-pegjs) reads the same questions,
and export → import → export round-trips."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.content.models import Module
from trainer.errors import ContentError
from trainer.export.gift import escape_gift, module_gift
from trainer.interchange.gift_import import gift_to_module, parse_gift

REPO = Path(__file__).resolve().parents[2]
GIFT_PEGJS = REPO / "node_modules" / "gift-pegjs"


@pytest.fixture(scope="module")
def catalogue(repo_root: Path) -> Catalogue:
    return load_catalogue(repo_root / "tests" / "data" / "package_content")


@pytest.fixture(scope="module")
def module(catalogue: Catalogue) -> Module:
    return catalogue.module("all-kinds")


def test_special_characters_are_escaped() -> None:
    assert escape_gift("a ~ b = c # d { e } f : g \\ h") == (
        "a \\~ b \\= c \\# d \\{ e \\} f \\: g \\\\ h")
    assert escape_gift("line one\n\nline two\n") == "line one\\n\\nline two"


@given(st.text(alphabet=st.sampled_from(list("ab ~=#{}:\\\n->%")), min_size=1, max_size=30))
def test_any_text_survives_a_round_trip_as_a_prompt(text: str) -> None:
    if not text.strip():
        return
    gift = f"::q-1::[markdown]{escape_gift(text)}{{=yes ~no}}\n"
    [question] = parse_gift(gift)
    assert question.data["prompt"] == text.strip().replace("\r\n", "\n")


def test_ordering_is_skipped_and_named(module: Module) -> None:
    bank = module_gift(module)
    assert bank.skipped == (("all-kinds", "q-order"),)
    assert "q-order" not in bank.text
    assert "$CATEGORY: trainer/all-kinds" in bank.text


def test_import_gives_back_the_same_questions(module: Module) -> None:
    back = gift_to_module(module_gift(module).text, "all-kinds")
    expressible = [q for q in module.quiz.questions if q.kind != "ordering"]
    assert list(back.quiz.questions) == expressible


def test_round_trip_is_stable(module: Module) -> None:
    first = module_gift(module).text
    again = module_gift(gift_to_module(first, "all-kinds")).text
    assert again.split("\n", 1)[1] == first.split("\n", 1)[1]  # the title comment differs


def test_a_bank_from_elsewhere_gets_generated_ids() -> None:
    text = """// A bank written by hand in Moodle's syntax.
$CATEGORY: $course$/Extradition

::Speciality rule::What is the rule called? {=speciality =specialty}

Which channel is direct?{
  =Central authority#Yes
  ~Diplomatic#Slower
}

Pick the two{~%50%a ~%50%b ~%-100%c####Two are right}

2 + 2 = 4 {T}

::Year::When? {#2016:1}
"""
    module = gift_to_module(text, "imported-bank", title="Imported")
    kinds = [(q.id, q.kind) for q in module.quiz.questions]
    assert kinds == [("q-1", "short_answer"), ("q-2", "single"), ("q-3", "multiple"),
                     ("q-4", "true_false"), ("q-5", "numeric")]
    single = module.quiz.questions[1]
    assert [(o.id, o.text, o.correct, o.feedback) for o in single.options] == [  # type: ignore[union-attr]
        ("a", "Central authority", True, "Yes"), ("b", "Diplomatic", False, "Slower")]
    assert module.quiz.questions[2].explanation == "Two are right"
    assert module.quiz.questions[4].tolerance == 1  # type: ignore[union-attr]


def test_unsupported_questions_are_reported_with_their_line() -> None:
    text = "::a::Fine {=x ~y}\n\n::b::Write an essay {}\n\n::c::The {=cat ~dog} sat.\n"
    with pytest.raises(ContentError) as caught:
        parse_gift(text, "bank.gift")
    assert [str(issue) for issue in caught.value.issues] == [
        "bank.gift:3:1: essay questions ({}) have no trainer kind",
        "bank.gift:5:1: text after the answer block (embedded answers) is not supported",
    ]


@pytest.mark.skipif(shutil.which("node") is None or not GIFT_PEGJS.exists(),
                    reason="node or the npm package gift-pegjs is missing (make node-deps)")
def test_an_independent_parser_reads_the_same_questions(module: Module) -> None:
    script = ("const g = require(process.argv[1]); let s = '';"
              "process.stdin.on('data', d => s += d);"
              "process.stdin.on('end', () => console.log(JSON.stringify(g.parse(s))));")
    run = subprocess.run(["node", "-e", script, str(GIFT_PEGJS)], input=module_gift(module).text,
                         capture_output=True, text=True, check=True, timeout=60)
    parsed: list[dict[str, Any]] = json.loads(run.stdout)
    assert parsed[0] == {"type": "Category", "title": "trainer/all-kinds"}
    by_title = {q["title"]: q for q in parsed[1:]}
    questions = {q.id: q for q in module.quiz.questions}
    assert sorted(by_title) == sorted(set(questions) - {"q-order"})
    for title, found in by_title.items():
        assert found["stem"]["text"] == questions[title].prompt.strip()

    single = by_title["q-single"]
    assert single["type"] == "MC"
    assert [(c["text"]["text"], c["isCorrect"], (c["feedback"] or {}).get("text"))
            for c in single["choices"]] == [
        (o.text, o.correct, o.feedback) for o in questions["q-single"].options]  # type: ignore[union-attr]
    multiple = by_title["q-multiple"]
    assert [c["weight"] for c in multiple["choices"]] == [50, 50, -50, -50]
    tf = by_title["q-tf"]
    assert (tf["type"], tf["isTrue"], tf["globalFeedback"]["text"]) == (
        "TF", True, "Treaties increasingly look at the **conduct** behind the offence.")
    assert tf["trueFeedback"]["text"] == "Modern practice compares conduct."  # shown when wrong
    short = by_title["q-short"]
    assert short["type"] == "Short"
    assert [c["text"]["text"] for c in short["choices"]] == [
        "speciality", "specialty", "rule of speciality", "*"]
    assert short["choices"][3]["weight"] == 0
    numeric = by_title["q-numeric"]
    assert numeric["type"] == "Numerical"
    assert numeric["choices"] == {"type": "range", "number": 2016, "range": 0}  # value:tolerance
    matching = by_title["q-matching"]
    assert [(p["subquestion"]["text"], p["subanswer"]) for p in matching["matchPairs"]] == [
        ("Dual criminality", "The conduct is an offence in both States"),
        ("Speciality", "Prosecution only for the offences extradition was granted for"),
        ("Aut dedere aut judicare", "Extradite or prosecute"),
        ("", "Never prosecute twice in one State"),
    ]




def test_a_french_bank_gives_both_apostrophes_and_comes_back_once(sample_root: Path) -> None:
    french = load_catalogue(sample_root).module_in("effective-central-authority", "fr")
    text = module_gift(french).text
    # Moodle compares apostrophes as typed: both spellings are right answers.
    assert "=l’autorité centrale" in text
    assert "=l'autorité centrale" in text
    imported = gift_to_module(text, "back")
    accepted = {q.id: q.accepted for q in imported.quiz.questions if q.kind == "short_answer"}
    assert accepted == {q.id: q.accepted for q in french.quiz.questions if q.kind == "short_answer"}
    assert any("’" in answer for answers in accepted.values() for answer in answers)

"""`trainer import moodle-xml` and `trainer import aiken`: question banks become a module's quiz."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.interchange.import_support import assert_checks, module_data, run
from trainer.content.catalogue import load_catalogue
from trainer.content.markdown import render_inline, render_markdown
from trainer.content.models import (
    ChoiceQuestion,
    Matching,
    Module,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

SAMPLE_MODULES = sorted(p.stem for p in (Path(__file__).parents[2] / "modules").glob("*.yaml"))


def _html(text: str | None, *, inline: bool = False) -> str:
    """What a participant sees of a Markdown text, spacing aside."""
    if text is None:
        return ""
    return " ".join((render_inline(text) if inline else render_markdown(text)).split())


def _same(original: Question, imported: Question) -> None:
    assert imported.id == original.id
    assert imported.points == original.points
    assert _html(imported.prompt) == _html(original.prompt)
    assert _html(imported.explanation) == _html(original.explanation)
    if isinstance(original, SingleChoice | MultipleChoice | TrueFalse):
        assert isinstance(imported, type(original) if isinstance(original, MultipleChoice) else
                          SingleChoice | TrueFalse)
        choice: ChoiceQuestion = imported  # type: ignore[assignment]
        assert [(_html(o.text, inline=True), o.correct, _html(o.feedback)) for o in choice.options] \
            == [(_html(o.text, inline=True), o.correct, _html(o.feedback)) for o in original.options]
    elif isinstance(original, ShortAnswer):
        assert isinstance(imported, ShortAnswer)
        assert imported.accepted == original.accepted
        assert _html(imported.feedback) == _html(original.feedback)
    elif isinstance(original, Numeric):
        assert isinstance(imported, Numeric)
        if original.answer is not None:
            assert (imported.answer, imported.tolerance) == (original.answer, abs(original.tolerance))
        else:
            assert original.range is not None
            assert imported.answer is not None
            assert imported.answer - imported.tolerance == pytest.approx(original.range.min)
            assert imported.answer + imported.tolerance == pytest.approx(original.range.max)
        assert imported.unit == original.unit
        assert _html(imported.feedback) == _html(original.feedback)
    elif isinstance(original, Matching):
        assert isinstance(imported, Matching)
        assert [(_html(p.prompt, inline=True), p.match) for p in imported.pairs] == \
            [(_html(p.prompt, inline=True), p.match) for p in original.pairs]
        assert [d.text for d in imported.distractors] == [d.text for d in original.distractors]
    else:
        assert isinstance(original, Ordering)
        assert isinstance(imported, Ordering)
        assert [_html(i.text, inline=True) for i in imported.items] == \
            [_html(i.text, inline=True) for i in original.items]
        assert imported.scoring == original.scoring


@pytest.mark.parametrize("module_id", SAMPLE_MODULES)
def test_moodle_xml_export_then_import_keeps_every_question(sample_root: Path, tmp_path: Path,
                                                            module_id: str) -> None:
    bank = tmp_path / f"{module_id}.xml"
    exported = run("export", "moodle-xml", module_id, "--root", str(sample_root), "-o", str(bank))
    assert exported.exit_code == 0, exported.output
    root = tmp_path / "content"
    result = run("import", "moodle-xml", str(bank), "--root", str(root))
    assert result.exit_code == 0, result.output
    original = load_catalogue(sample_root).module(module_id)
    count = len(original.quiz.questions)
    cases = [q for q in original.quiz.questions if q.case]
    assert result.stdout.splitlines()[0] == (
        f"wrote {root / 'modules' / (module_id + '.yaml')}: 1 section, 0 images, {count} questions"
        + (f"; {len(cases)} note{'s' * (len(cases) > 1)} listed below" if cases else ""))
    for question in cases:
        assert f"question {question.id} showed the case study '{question.case}'" in result.stdout
    assert_checks(root)
    imported = load_catalogue(root).module(module_id)
    assert imported.title == original.title
    assert imported.quiz.shuffle == original.quiz.shuffle
    assert len(imported.quiz.questions) == count
    for before, after in zip(original.quiz.questions, imported.quiz.questions, strict=True):
        _same(before, after)


def _translated_round_trip(sample_root: Path, tmp_path: Path, module_id: str, language: str
                           ) -> tuple[str, Module, Module]:
    """Export a module's Moodle XML bank in `language` and import it back: return the bank's
    text, the module as translated and the module imported (both checked)."""
    bank = tmp_path / f"{module_id}.xml"
    exported = run("export", "moodle-xml", module_id, "--root", str(sample_root),
                   "--language", language, "-o", str(bank))
    assert exported.exit_code == 0, exported.output
    root = tmp_path / "content"
    result = run("import", "moodle-xml", str(bank), "--root", str(root))
    assert result.exit_code == 0, result.output
    assert_checks(root)
    return (bank.read_text(encoding="utf-8"),
            load_catalogue(sample_root).module_in(module_id, language),
            load_catalogue(root).module(module_id))


def test_a_french_bank_gives_moodle_both_apostrophes_and_comes_back_whole(
        sample_root: Path, tmp_path: Path) -> None:
    xml, french, imported = _translated_round_trip(sample_root, tmp_path,
                                                   "effective-central-authority", "fr")
    # Moodle compares the characters as typed: both apostrophes are accepted answers.
    assert "<text>l’autorité centrale</text>" in xml
    assert "<text>l'autorité centrale</text>" in xml
    # The second spelling is the same answer to trainer: it comes back once. (A true/false
    # question comes back as Moodle's own True and False, so only short answers are compared.)
    pairs = list(zip(french.quiz.questions, imported.quiz.questions, strict=True))
    short = [(before, after) for before, after in pairs if isinstance(before, ShortAnswer)]
    assert any("’" in answer for before, _after in short for answer in before.accepted)
    for before, after in short:
        _same(before, after)


def test_an_arabic_bank_keeps_its_direction_in_moodle_and_comes_back_whole(
        sample_root: Path, tmp_path: Path) -> None:
    xml, arabic, imported = _translated_round_trip(sample_root, tmp_path, "mandate-2322", "ar")
    # Every text of the bank is marked right to left, for a Moodle course whose pages are not.
    texts = re.findall(r"<questiontext format=\"html\">\s*<text>([^<]*)</text>", xml)
    assert texts
    assert all(text.startswith('&lt;div lang="ar" dir="rtl"&gt;') for text in texts)
    assert '<text>&lt;span lang="ar" dir="rtl"&gt;' in xml  # the options
    # The marks are the export's: the text comes back as it was (true/false aside: it comes back
    # as Moodle's own True and False).
    for before, after in zip(arabic.quiz.questions, imported.quiz.questions, strict=True):
        if before.kind != "true_false":
            _same(before, after)


_EVERY_OPTION = """\
id: every-option
title: Every option the export writes
language: en
summary: A module whose questions use every option that differs from its default.
duration_minutes: 10
objectives:
  - id: know
    text: Know the options.
sections:
  - id: reading
    title: Reading
    body: The reading.
  - id: case-one
    title: A case
    kind: case-study
    body: The case.
quiz:
  shuffle: true
  questions:
    - id: single-fed-back
      kind: single
      prompt: Which *one*?
      points: 2.5
      explanation: Because **this** one.
      case: case-one
      options:
        - {id: a, text: This one, correct: true}
        - {id: b, text: That one, feedback: Not that one.}
    - id: several
      kind: multiple
      prompt: Which ones?
      points: 3
      options:
        - {id: a, text: First, correct: true}
        - {id: b, text: Second, correct: true}
        - {id: c, text: Third, feedback: Not the third.}
    - id: truth
      kind: true_false
      prompt: Is it true?
      options:
        - {id: "true", text: "True"}
        - {id: "false", text: "False", correct: true, feedback: It is false.}
    - id: typed
      kind: short_answer
      prompt: Name it.
      accepted: [dual criminality, double criminality]
      feedback: It is *dual criminality*.
    - id: tolerant
      kind: numeric
      prompt: How many days?
      answer: 30
      tolerance: 2.5
      unit: days
      feedback: About a month.
    - id: ranged
      kind: numeric
      prompt: Which year?
      range: {min: 2010, max: 2016}
    - id: paired
      kind: matching
      prompt: Match them.
      pairs:
        - {id: one, prompt: One, match: Un}
        - {id: two, prompt: Two, match: Deux}
      distractors:
        - {id: three, text: Trois}
    - id: by-position
      kind: ordering
      prompt: Put them in order.
      scoring: position
      items:
        - {id: first, text: First step}
        - {id: second, text: Second step}
        - {id: third, text: Third step}
    - id: by-subset
      kind: ordering
      prompt: Put these in order.
      scoring: longest_ordered_subset
      case: case-one
      items:
        - {id: first, text: Receive}
        - {id: second, text: Review}
        - {id: third, text: Send}
    - id: by-next
      kind: ordering
      prompt: And these.
      items:
        - {id: first, text: Open}
        - {id: second, text: Close}
"""


def test_a_round_trip_keeps_every_option_the_export_writes(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "modules").mkdir(parents=True)
    (source / "modules" / "every-option.yaml").write_text(_EVERY_OPTION, encoding="utf-8")
    assert_checks(source)
    bank = tmp_path / "bank.xml"
    assert run("export", "moodle-xml", "every-option", "--root", str(source), "-o",
               str(bank)).exit_code == 0
    root = tmp_path / "content"
    result = run("import", "moodle-xml", str(bank), "--id", "every-option", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert_checks(root)
    original = load_catalogue(source).module("every-option")
    imported = load_catalogue(root).module("every-option")
    assert imported.quiz.shuffle is True
    for before, after in zip(original.quiz.questions, imported.quiz.questions, strict=True):
        _same(before, after)
    assert [q.scoring for q in imported.quiz.questions if isinstance(q, Ordering)] == \
        ["position", "longest_ordered_subset", "relative_to_next"]
    where = f"{bank}:"
    notes = [line for line in result.stdout.splitlines() if line.startswith("  note: ")]
    assert [re.sub(r"^  note: .*?:\d+:1: ", "", line) for line in notes] == [
        "question single-fed-back showed the case study 'case-one', which a question bank does not "
        "hold: `case:` left out (add the section with `kind: case-study` and `case: case-one` to "
        "keep it)",
        "question by-subset showed the case study 'case-one', which a question bank does not hold: "
        "`case:` left out (add the section with `kind: case-study` and `case: case-one` to keep "
        "it)",
    ]
    assert all(where in line for line in notes)


def test_an_ordering_grading_type_trainer_lacks_is_a_note(tmp_path: Path) -> None:
    bank = tmp_path / "orders.xml"
    bank.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="ordering">
    <name><text>steps</text></name>
    <questiontext format="html"><text>Order them.</text></questiontext>
    <gradingtype>ALL_OR_NOTHING</gradingtype>
    <answer fraction="1"><text>One</text></answer>
    <answer fraction="2"><text>Two</text></answer>
  </question>
</quiz>
""", encoding="utf-8")
    root = tmp_path / "content"
    result = run("import", "moodle-xml", str(bank), "--root", str(root))
    assert result.exit_code == 0, result.output
    assert f"  note: {bank}:3:1: Moodle grading type 'ALL_OR_NOTHING' has no trainer scoring: " \
        "`relative_to_next` instead (or set `scoring:` to one of longest_ordered_subset, " \
        "position, relative_to_next)" in result.stdout.splitlines()
    assert "scoring" not in module_data(root, "orders")["quiz"]["questions"][0]


_PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5Er"
          "kJggg==")
_FOREIGN_BANK = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Imported</text></category></question>
  <question type="essay">
    <name><text>Describe your office</text></name>
    <questiontext format="html"><text>Describe it.</text></questiontext>
  </question>
  <question type="multichoice">
    <name><text>Which body?</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which body <b>receives</b> requests?</p>
      <img src="@@PLUGINFILE@@/map.png" alt="Map">]]></text>
      <file name="map.png" path="/" encoding="base64">PIXEL</file>
    </questiontext>
    <single>true</single>
    <answer fraction="100"><text>The central authority</text></answer>
    <answer fraction="0"><text>The embassy</text><feedback><text>It only transmits.</text></feedback></answer>
    <answer fraction="0"><text>A court</text></answer>
  </question>
  <question type="multichoice">
    <name><text>No right answer</text></name>
    <questiontext format="html"><text>Pick one</text></questiontext>
    <single>true</single>
    <answer fraction="0"><text>x</text></answer>
    <answer fraction="0"><text>y</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Principle</text></name>
    <questiontext format="plain_text"><text>Name the principle *exactly*.</text></questiontext>
    <answer fraction="100"><text>dual criminality</text></answer>
    <answer fraction="50"><text>criminality</text></answer>
  </question>
  <question type="cloze">
    <name><text>Gaps</text></name>
    <questiontext><text>{1:SHORTANSWER:=x}</text></questiontext>
  </question>
</quiz>
"""


def test_a_foreign_bank_lists_what_it_cannot_import(tmp_path: Path) -> None:
    bank = tmp_path / "Foreign Bank.xml"
    bank.write_text(_FOREIGN_BANK.replace("PIXEL", _PIXEL), encoding="utf-8")
    root = tmp_path / "content"
    result = run("import", "moodle-xml", str(bank), "--root", str(root))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"wrote .*foreign-bank\.yaml: 1 section, 1 image, 2 questions; "
                        r"3 unsupported items and 1 note listed below", lines[0]), lines[0]
    assert f"  unsupported: {bank}:4:1: 'Describe your office': Moodle type 'essay' has no " \
        "trainer kind: not imported (write it as one of the seven kinds)" in lines
    assert f"  unsupported: {bank}:19:1: 'No right answer': not imported: options: a " \
        "single-choice question needs exactly one option with correct: true (found 0)" in lines
    assert f"  unsupported: {bank}:32:1: 'Gaps': Moodle type 'cloze' has no trainer kind: " \
        "not imported (write it as one of the seven kinds)" in lines
    assert f"  note: {bank}:30:1: answer 'criminality' earned 50 %: trainer has no partial " \
        "credit for short answers; it was left out" in lines
    data = module_data(root, "foreign-bank")
    first, second = data["quiz"]["questions"]
    assert first["id"] == "which-body"
    assert first["prompt"] == ("Which body **receives** requests?\n\n"
                               "![Map](assets/foreign-bank/image-1.png)")
    assert [o.get("correct", False) for o in first["options"]] == [True, False, False]
    assert first["options"][1]["feedback"] == "It only transmits."
    assert second == {"id": "principle", "kind": "short_answer",
                      "prompt": "Name the principle \\*exactly\\*.", "accepted": ["dual criminality"]}
    assert (root / "modules" / "assets" / "foreign-bank" / "image-1.png").read_bytes()[:4] == \
        b"\x89PNG"
    assert_checks(root)


def test_an_aiken_bank_becomes_single_choice_questions(tmp_path: Path) -> None:
    bank = tmp_path / "aiken.txt"
    bank.write_text(
        "Which body receives requests?\nA. The central authority\nB) The embassy\nC. A court\n"
        "ANSWER: A\n\n"
        "What is missing here?\nA. Nothing\nB. Something\n\n"
        "Which year?\nA. 2016\nB. 2001\nANSWER: D\n", encoding="utf-8")
    root = tmp_path / "content"
    result = run("import", "aiken", str(bank), "--root", str(root), "--id", "banked")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"wrote {root / 'modules' / 'banked.yaml'}: 1 section, 0 images, 1 question; "
        "2 unsupported items listed below",
        f"  unsupported: {bank}:7:1: not imported: no `ANSWER: X` line",
        f"  unsupported: {bank}:11:1: not imported: ANSWER: D names no option (options: A, B)",
    ]
    assert module_data(root, "banked")["quiz"]["questions"] == [{
        "id": "q-1", "kind": "single", "prompt": "Which body receives requests?",
        "options": [{"id": "a", "text": "The central authority", "correct": True},
                    {"id": "b", "text": "The embassy"}, {"id": "c", "text": "A court"}]}]
    assert_checks(root)


def test_a_bank_with_no_usable_question_is_refused(tmp_path: Path) -> None:
    bank = tmp_path / "empty.txt"
    bank.write_text("Just a sentence.\n", encoding="utf-8")
    result = run("import", "aiken", str(bank), "--root", str(tmp_path / "content"))
    assert result.exit_code == 1
    assert result.stderr == (f"{bank}:1:1: no question could be imported (1 left out: {bank}:1:1: "
                             "not imported: fewer than two options (write them as `A. text`))\n")
    assert not (tmp_path / "content" / "modules" / "empty.yaml").exists()

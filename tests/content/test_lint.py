"""Teaching-quality warnings (`trainer check --strict`): each rule, located, with its exact text."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli.content import check
from trainer.content.catalogue import load_catalogue
from trainer.content.lint import lint_catalogue

# A module that breaks no rule; each test below changes one thing. Line numbers matter.
CLEAN = """\
id: lint-demo
title: Lint demo
summary: A module that exercises the teaching-quality rules.
duration_minutes: 30
objectives:
  - id: know-basics
    text: Explain the basics.
sections:
  - id: intro
    title: Introduction
    body: Some reading.
  - id: case-one
    title: A case
    kind: case-study
    body: A request arrives late.
    facilitator_notes: Ask the room what went wrong.
quiz:
  questions:
    - id: q-single
      kind: single
      objective: know-basics
      case: case-one
      prompt: Which one?
      explanation: Because Alpha is right.
      options:
        - id: a
          text: Alpha
          correct: true
        - id: b
          text: Beta
          feedback: Not Beta.
        - id: c
          text: Gamma
          feedback: Not Gamma.
sources:
  - title: A source
"""


def _warnings(tmp_path: Path, text: str) -> list[str]:
    """Write `text` as the only module of a content root and return its warnings as printed."""
    (tmp_path / "modules").mkdir(exist_ok=True)
    (tmp_path / "modules" / "lint-demo.yaml").write_text(text, encoding="utf-8")
    issues = lint_catalogue(load_catalogue(tmp_path))
    assert all(issue.severity == "warning" for issue in issues)
    assert all(issue.path.endswith("modules/lint-demo.yaml") for issue in issues)
    # Drop the (machine-dependent) folder part: keep `lint-demo.yaml:LINE:COL: ...`.
    return [str(issue).rsplit("modules/", 1)[1] for issue in issues]


def _change(old: str, new: str) -> str:
    assert CLEAN.count(old) == 1, old
    return CLEAN.replace(old, new)


def test_clean_module_has_no_warnings(tmp_path: Path) -> None:
    assert _warnings(tmp_path, CLEAN) == []


def test_wrong_option_without_feedback(tmp_path: Path) -> None:
    text = _change("          feedback: Not Beta.\n", "")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:29:11: warning: quiz.questions[0].options[1]: "
        "wrong option 'b' has no feedback: say why it is wrong"
    ]


def test_question_without_explanation(tmp_path: Path) -> None:
    text = _change("      explanation: Because Alpha is right.\n", "")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:19:7: warning: quiz.questions[0]: "
        "question 'q-single' has no explanation: say why the right answer is right"
    ]


def test_objective_that_no_question_assesses(tmp_path: Path) -> None:
    text = _change(
        "    text: Explain the basics.\n",
        "    text: Explain the basics.\n  - id: draft-request\n    text: Draft a request.\n",
    )
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:8:5: warning: objectives[1]: "
        "no question assesses objective 'draft-request'"
    ]


def test_question_not_tied_to_an_objective(tmp_path: Path) -> None:
    text = _change("      objective: know-basics\n", "")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:6:5: warning: objectives[0]: "
        "no question assesses objective 'know-basics'",
        "lint-demo.yaml:19:7: warning: quiz.questions[0]: "
        "question 'q-single' is not tied to an objective (add 'objective:' with one of: "
        "know-basics)",
    ]


@pytest.mark.parametrize(
    ("option", "phrase"),
    [
        ("All of the above", "all of the above"),
        ("None of the  above.", "none of the above"),
        ("Toutes ces réponses", "toutes ces reponses"),
        ("Aucune de ces réponses", "aucune de ces reponses"),
    ],
)
def test_all_or_none_of_the_above(tmp_path: Path, option: str, phrase: str) -> None:
    text = _change("          text: Gamma\n", f"          text: {option}\n")
    assert _warnings(tmp_path, text) == [
        f"lint-demo.yaml:33:11: warning: quiz.questions[0].options[2].text: "
        f"option 'c' says \"{phrase}\": write an option that stands on its own "
        "(options may be shuffled, and it rewards guessing)"
    ]


def test_above_inside_a_real_option_is_not_flagged(tmp_path: Path) -> None:
    text = _change("          text: Gamma\n", "          text: Everything said above the line\n")
    assert _warnings(tmp_path, text) == []


def test_single_choice_with_two_options(tmp_path: Path) -> None:
    text = _change(
        "        - id: c\n          text: Gamma\n          feedback: Not Gamma.\n", ""
    )
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:25:7: warning: quiz.questions[0].options: "
        "a single-choice question with 2 options is a coin toss: give at least 3 "
        "(or make it true_false)"
    ]


def test_duplicate_option_texts(tmp_path: Path) -> None:
    text = _change("          text: Gamma\n", "          text: ' alpha '\n")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:33:11: warning: quiz.questions[0].options[2].text: "
        "option 'c' has the same text as option 'a'"
    ]


def test_case_study_without_facilitator_notes(tmp_path: Path) -> None:
    text = _change("    facilitator_notes: Ask the room what went wrong.\n", "")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:12:5: warning: sections[1]: "
        "case study 'case-one' is used by question 'q-single' but has no facilitator_notes: "
        "tell the facilitator how to run it"
    ]


def test_case_study_no_question_uses_needs_no_notes(tmp_path: Path) -> None:
    text = _change("    facilitator_notes: Ask the room what went wrong.\n", "")
    text = text.replace("      case: case-one\n", "")
    assert _warnings(tmp_path, text) == []


def test_module_without_sources(tmp_path: Path) -> None:
    text = _change("sources:\n  - title: A source\n", "")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:1:1: warning: sources: "
        "no sources listed: add what the module relies on (title, and url or note)"
    ]


def test_module_with_an_empty_sources_list(tmp_path: Path) -> None:
    text = _change("sources:\n  - title: A source\n", "sources: []\n")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:35:1: warning: sources: "
        "no sources listed: add what the module relies on (title, and url or note)"
    ]


def test_warnings_come_in_line_order(tmp_path: Path) -> None:
    # The case-study rule runs last but points at a section above the question.
    text = _change("          feedback: Not Beta.\n", "")
    text = text.replace("    facilitator_notes: Ask the room what went wrong.\n", "")
    lines = [int(w.split(":")[1]) for w in _warnings(tmp_path, text)]
    assert lines == [12, 28]


def test_check_lists_warnings_but_passes_without_strict(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "lint-demo.yaml").write_text(
        _change("      explanation: Because Alpha is right.\n", ""), encoding="utf-8"
    )
    result = CliRunner().invoke(check, ["--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert ": warning: quiz.questions[0]: question 'q-single' has no explanation" in lines[0]
    assert lines[1].startswith("OK: 1 modules, 1 questions (1 single)")
    assert lines[1].endswith("; 1 warning")


def test_check_strict_fails_on_warnings(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "lint-demo.yaml").write_text(
        _change("          feedback: Not Beta.\n", "").replace("sources:\n  - title: A source\n",
                                                              ""),
        encoding="utf-8",
    )
    result = CliRunner().invoke(check, ["--strict", "--root", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert [line.split(": warning: ")[1].split(":")[0] for line in lines[:-1]] == [
        "sources", "quiz.questions[0].options[1]"
    ]
    assert lines[-1] == "2 warnings found (--strict)."


def test_check_strict_passes_clean_content(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "lint-demo.yaml").write_text(CLEAN, encoding="utf-8")
    result = CliRunner().invoke(check, ["--strict", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("; 0 warnings")


def test_bold_markers_markdown_would_print_as_typed(tmp_path: Path) -> None:
    # After a letter, '**' before a quotation mark opens nothing: the reader sees the asterisks
    # (an Arabic translation wrote و**«يحث»** for "and «urges»" in bold).
    text = _change("    body: Some reading.\n",
                   '    body: Some reading and**"urgent"** news; **"this"** and "**that**" are fine, '
                   "as is `a**b`.\n")
    assert _warnings(tmp_path, text) == [
        "lint-demo.yaml:11:5: warning: sections[0].body: '**' is printed as typed, not as bold or "
        "italic: Markdown ignores a marker with a letter on one side and a quotation mark or "
        "bracket on the other; put it inside them («**word**», not x**«word»**)"
    ]
    fixed = _change("    body: Some reading.\n",
                    '    body: Some reading and "**urgent**" news; **"this"** and "**that**" are '
                    "fine, as is `a**b`.\n")
    assert _warnings(tmp_path, fixed) == []

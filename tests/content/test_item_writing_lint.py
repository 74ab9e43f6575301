"""Item-writing rules and honest tests, through `trainer check` on copies of the sample content.

The sample passes `trainer check --strict`. Copies that reuse a practice question in a test, put
every right answer first, or give an accepted answer away in another prompt fail it, each with a
message located at the file, line and column to fix and saying what to do. Test questions that
assess a module outside the programme, or one only a single edition adds, are errors.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from trainer.cli.content import check

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """Return a copy of the sample content (modules with translations, and the curriculum)."""
    root = tmp_path / "sample"
    shutil.copytree(REPO / "modules", root / "modules")
    shutil.copytree(REPO / "curriculum", root / "curriculum")
    return root


def _check(root: Path, strict: bool = True) -> Result:
    return CliRunner().invoke(check, (["--strict"] if strict else []) + [str(root)])


def _warnings(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if ": warning: " in line]


def _line_of(file: Path, text: str) -> int:
    return next(n for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def _edit(file: Path, old: str, new: str, count: int = 1) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def test_the_sample_passes_the_strictest_check() -> None:
    result = _check(REPO)
    assert result.exit_code == 0, result.output
    assert "; 0 warnings" in result.output


def test_a_practice_question_in_the_post_test_is_a_located_warning(sample: Path) -> None:
    curriculum = sample / "curriculum" / "gcai.yaml"
    _edit(curriculum, "      - module: gcai-assessment\n        question: qb-designate",
          "      - module: mandate-2322\n        question: q-adoption")
    line = _line_of(curriculum, "module: mandate-2322")
    assert _check(sample, strict=False).exit_code == 0  # a warning: the content still loads
    result = _check(sample)
    assert result.exit_code == 1
    assert _warnings(result) == [
        f"{curriculum}:{line}:9: warning: forms.b.questions[0]: 'q-adoption' is a practice "
        "question of module 'mandate-2322': trainees meet it, with its answer and explanation, "
        "in that quiz, so the test measures recall; write a test-only question in an assessment "
        "bank (a module file with role: assessment) and use that",
        # Form B no longer assesses that objective with a question of its own kind: still covered
        # (q-adoption assesses summarise-2322), so nothing else is reported.
    ]


def _right_first(file: Path) -> None:
    """Move every right option of every choice question to the top, keeping the rest."""
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    for question in data["quiz"]["questions"]:
        if "options" in question:
            question["options"].sort(key=lambda option: not option.get("correct", False))
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_every_right_answer_first_is_a_located_warning_in_the_bank_and_each_form(
        sample: Path) -> None:
    bank = sample / "modules" / "gcai-assessment.yaml"
    _right_first(bank)
    result = _check(sample)
    assert result.exit_code == 1
    warnings = _warnings(result)
    questions_line = _line_of(bank, "  questions:")
    assert any(w.startswith(f"{bank}:{questions_line}:") and ": warning: quiz.questions: position "
               "bias: the right answer is option A in 44 of the 44 " in w
               and "move right answers so no position holds more than half, or set quiz.shuffle: "
               "true" in w for w in warnings), warnings
    curriculum = sample / "curriculum" / "gcai.yaml"
    # Form A has 22 choice questions (and 2 numeric), form B 22 (and 2 numeric).
    for form, line, count in (("a", _line_of(curriculum, "  a:"), 22),
                              ("b", _line_of(curriculum, "  b:"), 22)):
        assert any(w.startswith(f"{curriculum}:{line}:3:") and f"warning: forms.{form}: position "
                   f"bias: the right answer is option A in {count} of the {count} " in w
                   and f"questions of form {form.upper()}" in w for w in warnings), warnings


def test_a_multiple_choice_whose_right_options_come_first_is_named(sample: Path) -> None:
    mandate = sample / "modules" / "mandate-2322.yaml"
    _right_first(mandate)
    warnings = _warnings(_check(sample))
    assert any("quiz.questions[3].options: question 'q-broadest-cooperation': the right options "
               "are exactly the first 3 (A, B, C): mix right and wrong options, or set "
               "quiz.shuffle: true" in w for w in warnings), warnings


def test_an_accepted_answer_in_another_prompt_is_a_located_warning(sample: Path) -> None:
    mandate = sample / "modules" / "mandate-2322.yaml"
    _edit(mandate, "prompt: Match each body with its description.",
          "prompt: Match each body, CTED aside, with its description.")
    line = _line_of(mandate, "- id: q-cted-report")
    result = _check(sample)
    assert result.exit_code == 1
    warnings = _warnings(result)
    assert (f"{mandate}:{line}:7: warning: quiz.questions[5]: question 'q-cted-report': its answer "
            "\"CTED\" appears verbatim in the prompt of question 'q-bodies-match' on the same page: "
            "reword that prompt (or this question)") in warnings
    # The translations of that prompt are stale now, so French and Arabic pages show the English
    # prompt too: the same giveaway, located in each translation (with the stale entries).
    arabic = sample / "modules" / "ar" / "mandate-2322.yaml"
    ar_line = _line_of(arabic, "- id: q-cted-report")
    assert any(w.startswith(f"{arabic}:{ar_line}:7: warning: quiz.questions[5]: question "
                            "'q-cted-report': its answer \"CTED\"") for w in warnings), warnings
    assert all("q-cted-report" in w or "stale" in w for w in warnings), warnings


def test_a_right_option_given_away_on_a_test_form_is_located_in_the_curriculum(
        sample: Path) -> None:
    bank = sample / "modules" / "gcai-assessment.yaml"
    # Form A's qa-need-surrender has "Extradition" as its right option; name it in another
    # form A prompt (and in that prompt's translations, so only the source gives it away).
    _edit(bank, "prompt: What does a liaison magistrate posted in another State do?",
          "prompt: What does a liaison magistrate posted in another State do besides extradition?")
    result = _check(sample)
    curriculum = sample / "curriculum" / "gcai.yaml"
    line = _line_of(curriculum, "question: qa-need-surrender") - 1
    assert f"{curriculum}:{line}:9: warning: forms.a.questions[4]: question 'qa-need-surrender': " \
           "its answer \"Extradition\" appears verbatim in the prompt of question " \
           "'qa-liaison-role' on the same page" in result.output


def test_a_test_answer_printed_by_a_practice_prompt_is_a_located_warning(sample: Path) -> None:
    # Form B's qb-iij-year asks the year the IIJ was inaugurated (2014); a practice prompt of
    # the programme that prints it, beside a name the item asks about, gives it away.
    module = sample / "modules" / "effective-central-authority.yaml"
    _edit(module, "prompt: How many good practices does the IIJ's *Good Practices for Central "
                  "Authorities* (2018) set out?",
          "prompt: How many good practices does the IIJ (inaugurated in Valletta in 2014) set out "
          "in its *Good Practices for Central Authorities* (2018)?")
    result = _check(sample)
    assert result.exit_code == 1
    curriculum = sample / "curriculum" / "gcai.yaml"
    line = _line_of(curriculum, "question: qb-iij-year") - 1
    # (The edited source also leaves its translations stale: warned apart.)
    assert [w for w in _warnings(result) if "test item" in w] == [
        f"{curriculum}:{line}:9: warning: forms.b.questions[2]: test item 'qb-iij-year': its "
        "answer \"2014\" is printed verbatim by practice question "
        "'effective-central-authority/q-gp-count' (prompt, option or explanation): trainees "
        "read it there before the post-test; reword this item or that practice question"]


def test_a_right_option_printed_by_a_practice_option_is_a_warning(sample: Path) -> None:
    module = sample / "modules" / "effective-central-authority.yaml"
    _edit(module, "text: They were published in September 2018",
          "text: They were launched at a side event co-organised by CTED, UNODC and the "
          "International Association of Prosecutors")
    warnings = [w for w in _warnings(_check(sample)) if "test item" in w]
    assert len(warnings) == 1
    assert "test item 'qa-gp-launch': its answer \"At a side event co-organised by CTED, UNODC " \
           "and the International Association of Prosecutors\" is printed verbatim by practice " \
           "question 'effective-central-authority/q-gp-facts'" in warnings[0]


def test_a_number_beside_other_names_or_vocabulary_is_no_giveaway(sample: Path) -> None:
    # "15" beside ECOWAS does not answer how many good practices the Rabat Memorandum sets out
    # (qa-rabat-count); "extradition", printed by many practice questions, is vocabulary.
    module = sample / "modules" / "networks-regional-frameworks.yaml"
    _edit(module, "prompt: Where and when was the ASEAN Treaty on Mutual Legal Assistance in "
                  "Criminal Matters concluded?",
          "prompt: Where and when was the ASEAN Treaty on Mutual Legal Assistance in Criminal "
          "Matters concluded (the 15 ECOWAS States have their own)?")
    assert [w for w in _warnings(_check(sample)) if "test item" in w] == []


def test_all_of_the_above_is_a_warning(sample: Path) -> None:
    bank = sample / "modules" / "gcai-assessment.yaml"
    _edit(bank, "text: Only bilateral treaties concluded after 2016",
          "text: All of the above")
    warnings = _warnings(_check(sample))
    assert any("says \"all of the above\": write an option that stands on its own" in w
               for w in warnings), warnings


def test_a_test_question_on_a_module_outside_the_programme_is_an_error(sample: Path) -> None:
    curriculum = sample / "curriculum" / "gcai.yaml"
    _edit(curriculum, "  - networks-regional-frameworks\n", "")
    result = _check(sample, strict=False)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines()
              if "which is not in the programme" in line]
    # Each form has three questions on that module's objectives (q?-spontaneous..., q?-asean...).
    assert len(errors) == 8, result.output
    assert all(re.search(r"gcai\.yaml:\d+:\d+: forms\.[ab]\.questions\[\d+\]\.module: this "
                         r"question assesses module 'networks-regional-frameworks'", e)
               for e in errors)


def test_a_test_question_on_one_edition_s_extra_module_is_an_error(sample: Path) -> None:
    curriculum = sample / "curriculum" / "gcai.yaml"
    _edit(curriculum, "  - electronic-evidence\n", "")
    _edit(curriculum, "    join_code: JAKARTA17\n",
          "    join_code: JAKARTA17\n    extra_modules: [electronic-evidence]\n")
    result = _check(sample, strict=False)
    assert result.exit_code == 1
    assert ("which only workshop 'southeast-asia-2017' adds (extra_modules): trainees of the "
            "other editions never study it; assess a module of the programme instead"
            in result.output)


def test_an_assessment_bank_is_not_a_module_to_study(sample: Path) -> None:
    curriculum = sample / "curriculum" / "gcai.yaml"
    _edit(curriculum, "  - electronic-evidence\n", "  - electronic-evidence\n  - gcai-assessment\n")
    result = _check(sample, strict=False)
    assert result.exit_code == 1
    assert "'gcai-assessment' is an assessment bank, not a module to study" in result.output


def _longest(result: Result) -> list[str]:
    return [w for w in _warnings(result) if "the right option is the longest by far" in w]


def test_a_right_option_longest_by_far_is_a_located_warning(sample: Path) -> None:
    # qb-designate is balanced (right option 62 characters, longest wrong option 56): made bad by
    # a hedged, qualified right option, more than 1.5 times as long and 20 characters longer.
    bank = sample / "modules" / "gcai-assessment.yaml"
    assert _longest(_check(sample)) == []
    _edit(bank, "text: Designate national central authorities for MLA and extradition",
          "text: Designate national central authorities for MLA and extradition, where appropriate "
          "under their domestic law, and make their contact details known")
    line = _line_of(bank, "- id: qb-designate")
    result = _check(sample)
    assert result.exit_code == 1
    # The edit leaves that option's translations stale, so French and Arabic pages show the long
    # English option beside their own wrong options: the same cue, located in each translation.
    in_bank = [w for w in _longest(result) if w.startswith(f"{bank}:")]
    assert len(in_bank) == 1, _longest(result)
    assert in_bank[0].startswith(f"{bank}:{line}:5: warning: quiz.questions["), in_bank
    assert ("question 'qb-designate': the right option is the longest by far (right option 'a' "
            "has 144 characters, the longest wrong option 'd' 56): a test-wise participant picks "
            "it unread; make the options parallel") in in_bank[0]
    assert sorted(w.split(":")[0] for w in _longest(result) if w not in in_bank) == [
        str(sample / "modules" / lang / "gcai-assessment.yaml") for lang in ("ar", "fr")]


def test_markdown_is_not_counted_in_the_length(sample: Path) -> None:
    # Counted as shown: Markdown emphasis and a link's target add no length (the right option
    # reads 62 characters, not 117, beside a 68-character wrong option).
    bank = sample / "modules" / "gcai-assessment.yaml"
    _edit(bank, "text: Designate national central authorities for MLA and extradition",
          "text: '**Designate** national central authorities for [MLA](https://www.unodc.org/"
          "unodc/en/legal-tools/mla.html) and extradition'")
    _edit(bank, "text: Replace them with a single UN central authority", "text: Replace them")
    _edit(bank, "text: Merge them with their intelligence services", "text: Merge them")
    _edit(bank, "text: Abolish them, so that prosecutors send requests directly",
          "text: Designate ministers as central authorities for MLA and extradition")
    assert _longest(_check(sample)) == []
    _edit(bank, "text: Designate ministers as central authorities for MLA and extradition",
          "text: Abolish them")
    assert len(_longest(_check(sample))) == 1  # 62 against 12: more than 1.5 times, 50 longer


def test_a_multiple_choice_whose_right_options_are_all_long_is_warned(sample: Path) -> None:
    module = sample / "modules" / "mandate-2322.yaml"
    text = module.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    question = next(q for q in data["quiz"]["questions"] if q["id"] == "q-broadest-cooperation")
    for option in question["options"]:
        if option.get("correct"):
            option["text"] += ", as the resolution and the conventions it recalls call for it"
    module.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    warnings = _longest(_check(sample))
    assert any("question 'q-broadest-cooperation': the right option is the longest by far "
               "(shortest right option" in w for w in warnings), warnings


def test_a_translated_right_option_longest_by_far_is_located_in_the_translation(
        sample: Path) -> None:
    # French trainees read the French options: a right option the translation alone makes long
    # (the English source stays balanced) is warned at the question in the translation file.
    french = sample / "modules" / "fr" / "mla-extradition-guardrails.yaml"
    assert _longest(_check(sample)) == []
    _edit(french, "pour l’exercice de l’action pénale\n",
          "pour l’exercice de l’action pénale, dans les mêmes conditions que pour toute infraction "
          "grave de droit commun\n")
    line = _line_of(french, "- id: q-aut-dedere")
    result = _check(sample)
    assert result.exit_code == 1
    assert len(_longest(result)) == 1, _longest(result)
    assert _longest(result)[0].startswith(f"{french}:{line}:7: warning: quiz.questions["), \
        _longest(result)
    assert ("question 'q-aut-dedere': the right option is the longest by far (right option 'a' has "
            "178 characters, the longest wrong option 'b' 75)") in _longest(result)[0]


def test_bold_printed_as_typed_is_located_in_the_translation(sample: Path) -> None:
    # The Arabic module once wrote و**«يحث»** ("and «urges»", in bold): after the attached و,
    # Markdown leaves the asterisks, and Arabic trainees read them in the quiz and the handbook.
    arabic = sample / "modules" / "ar" / "mandate-2322.yaml"
    _edit(arabic, "و«**يحث**»", "و**«يحث»**")
    result = _check(sample)
    assert result.exit_code == 1
    found = [w for w in _warnings(result) if "is printed as typed" in w]
    assert len(found) == 1, _warnings(result)
    assert found[0].startswith(f"{arabic}:"), found
    assert ": warning: sections[" in found[0]
    assert "].body: '**' is printed as typed" in found[0]


def test_a_straight_apostrophe_in_french_text_is_located(sample: Path) -> None:
    # French text writes ’ (the interface and every French file of the sample do): a straight one
    # in a translation or a curriculum translation is warned where it is; English text is not.
    french = sample / "modules" / "fr" / "mla-extradition-guardrails.yaml"
    curriculum = sample / "curriculum" / "fr" / "gcai.yaml"
    english = sample / "modules" / "mla-extradition-guardrails.yaml"
    assert [w for w in _warnings(_check(sample)) if "apostrophe" in w] == []
    _edit(french, "pour l’exercice de l’action pénale", "pour l'exercice de l’action pénale")
    curriculum_text = curriculum.read_text(encoding="utf-8")
    first = re.search(r"\w’\w", curriculum_text)
    assert first is not None
    curriculum.write_text(curriculum_text[:first.start() + 1] + "'" +
                          curriculum_text[first.start() + 2:], encoding="utf-8")
    english_text = english.read_text(encoding="utf-8")
    assert re.search(r"\w'\w", english_text)  # English keeps its straight apostrophes, unwarned
    result = _check(sample)
    assert result.exit_code == 1
    found = [w for w in _warnings(result) if "apostrophe" in w]
    assert len(found) == 2, found
    assert found[0].startswith(f"{curriculum}:"), found
    assert found[1].startswith(f"{french}:"), found
    assert "straight apostrophe in French text (\"...pétentes pour l'exercice de l’a...\")" in found[1]
    assert "write the typographic apostrophe ’" in found[1]

"""Content translations: loading, applying, completeness and staleness, located issues."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.content.models import Matching, Numeric, Ordering, ShortAnswer, SingleChoice
from trainer.content.translation.files import translation_skeleton
from trainer.content.translation.overlay import Translations, load_translations, translation_issues
from trainer.quiz.grading import grade

SAMPLE = [
    (module_id, language)
    for module_id in ("mandate-2322", "mla-extradition-guardrails")
    for language in ("fr", "ar")
] + [("electronic-evidence", "fr"), ("networks-regional-frameworks", "fr")]


@pytest.fixture(scope="module")
def sample(sample_root: Path) -> tuple[Catalogue, Translations]:
    """The sample content and its translations."""
    catalogue = load_catalogue(sample_root)
    return catalogue, load_translations(sample_root, catalogue)


@pytest.fixture
def content(sample_root: Path, tmp_path: Path) -> Path:
    """A copy of the sample content (modules, their translations, curriculum) to break."""
    shutil.copytree(sample_root / "modules", tmp_path / "modules")
    shutil.copytree(sample_root / "curriculum", tmp_path / "curriculum")
    return tmp_path


def _load(root: Path) -> tuple[Catalogue, Translations]:
    catalogue = load_catalogue(root, translation_errors_fail=False)
    return catalogue, load_translations(root, catalogue)


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(file: Path, needle: str, start: int = 0) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if n > start and needle in line)


@pytest.mark.parametrize(("module_id", "language"), SAMPLE)
def test_sample_translations_are_complete(
    sample: tuple[Catalogue, Translations], module_id: str, language: str
) -> None:
    _, translations = sample
    found = translations.get(module_id, language)
    assert found is not None
    assert found.complete
    assert found.counts()["complete"] == len(found.items) > 70
    assert found.fallback == frozenset()
    assert translation_issues(translations) == []


@pytest.mark.parametrize(("module_id", "language"), SAMPLE)
def test_translated_module_keeps_ids_and_answer_keys(
    sample: tuple[Catalogue, Translations], module_id: str, language: str
) -> None:
    catalogue, translations = sample
    source = catalogue.module(module_id)
    module = translations.module(module_id, language)
    assert module.language == language
    assert module.title != source.title
    strip = {
        "prompt",
        "explanation",
        "feedback",
        "accepted",
        "unit",
        "text",
        "match",
        "title",
        "body",
        "facilitator_notes",
        "summary",
        "note",
        "language",
    }

    def skeleton(value: object) -> object:
        if isinstance(value, dict):
            return {k: skeleton(v) for k, v in value.items() if k not in strip}
        if isinstance(value, list):
            return [skeleton(v) for v in value]
        return value

    assert skeleton(module.model_dump()) == skeleton(source.model_dump())
    for ours, theirs in zip(module.quiz.questions, source.quiz.questions, strict=True):
        if not isinstance(ours, ShortAnswer):
            assert ours.prompt != theirs.prompt


def test_short_answers_are_graded_in_the_learners_language(
    sample: tuple[Catalogue, Translations],
) -> None:
    _, translations = sample
    french = translations.module("mla-extradition-guardrails", "fr")
    arabic = translations.module("mla-extradition-guardrails", "ar")
    fr_question = next(q for q in french.quiz.questions if q.id == "q-speciality-name")
    ar_question = next(q for q in arabic.quiz.questions if q.id == "q-speciality-name")
    assert grade(fr_question, "Principe de specialite").status == "correct"
    assert grade(fr_question, "la règle de la SPÉCIALITÉ").status == "correct"
    assert grade(ar_question, "مَبْدَأُ التَّخْصِيصِ").status == "correct"
    assert grade(ar_question, "مبدا التخصيص").status == "correct"
    assert grade(ar_question, "ازدواجية التجريم").status == "wrong"
    cted = next(
        q for q in translations.module("mandate-2322", "ar").quiz.questions if q.id == "q-cted-report"
    )
    assert grade(cted, "المديريه التنفيذيه").status == "correct"


def test_choice_numeric_matching_and_ordering_grade_the_same_in_every_language(
    sample: tuple[Catalogue, Translations],
) -> None:
    catalogue, translations = sample
    for module_id, language in SAMPLE:
        source = catalogue.module(module_id)
        translated = translations.module(module_id, language)
        for ours, theirs in zip(translated.quiz.questions, source.quiz.questions, strict=True):
            if isinstance(theirs, SingleChoice):
                response: object = theirs.options[0].id
            elif isinstance(theirs, Numeric):
                response = "51"
            elif isinstance(theirs, Matching):
                response = {pair.id: pair.id for pair in theirs.pairs}
            elif isinstance(theirs, Ordering):
                response = [item.id for item in reversed(theirs.items)]
            else:
                continue
            assert grade(ours, response) == grade(theirs, response)


def test_a_module_without_that_translation_is_the_source(
    sample: tuple[Catalogue, Translations],
) -> None:
    catalogue, translations = sample
    # No module is translated into German: the source comes back, the very same object.
    assert translations.module("electronic-evidence", "de") is catalogue.module("electronic-evidence")
    assert translations.languages("mandate-2322") == ("ar", "fr")
    with pytest.raises(KeyError):
        translations.module("no-such-module", "fr")


def test_stale_entry_is_reported_and_falls_back_to_the_source(content: Path) -> None:
    _edit(
        content / "modules" / "mandate-2322.yaml",
        "prompt: How many States co-sponsored resolution 2322 (2016)?",
        "prompt: How many Member States co-sponsored resolution 2322 (2016)?",
    )
    catalogue, translations = _load(content)
    found = translations.get("mandate-2322", "fr")
    assert found is not None
    states = {item.key: item.state for item in found.items}
    assert states["questions.q-cosponsors"] == "stale"
    assert found.counts() == {"complete": 76, "stale": 1, "missing": 0}
    question = next(q for q in found.module.quiz.questions if q.id == "q-cosponsors")
    assert question.prompt == "How many Member States co-sponsored resolution 2322 (2016)?"
    assert question.explanation is not None
    assert question.explanation.startswith("Spain")
    other = next(q for q in found.module.quiz.questions if q.id == "q-adoption")
    assert other.prompt.startswith("Comment et quand")
    file = content / "modules" / "fr" / "mandate-2322.yaml"
    question_line = _line_of(file, "- id: q-cosponsors")
    line = _line_of(file, "source_hash:", question_line)
    source_line = _line_of(content / "modules" / "mandate-2322.yaml", "- id: q-cosponsors")
    stale_ar, issue = translation_issues(translations)
    assert stale_ar.path.endswith("ar/mandate-2322.yaml")
    assert "'q-cosponsors' is stale" in stale_ar.message
    assert str(issue) == (
        f"{file}:{line}:7: warning: quiz.questions[1].source_hash: question 'q-cosponsors' is stale: "
        "its source text changed after it was translated; update the translation, then run "
        f"`trainer translations stamp` (source: {content / 'modules' / 'mandate-2322.yaml'}:{source_line})"
    )
    assert catalogue.module("mandate-2322").language == "en"


def test_missing_and_extra_ids_are_located(content: Path) -> None:
    file = content / "modules" / "fr" / "mandate-2322.yaml"
    _edit(file, "        - id: b\n          source_hash:", "        - id: z\n          source_hash:")
    _, translations = _load(content)
    issues = translation_issues(translations)
    messages = [(i.severity, i.where, i.message.split(" (source")[0]) for i in issues]
    assert (
        "error",
        "quiz.questions[0].options[1].id",
        "extra option 'z': the source has no such id (it has: a, b, c, d)",
    ) in messages
    assert ("warning", "quiz.questions[0].options", "option 'b' is not translated") in messages
    line = _line_of(file, "- id: z")
    extra = next(i for i in issues if i.severity == "error")
    assert (extra.line, extra.column) == (line, 11)
    found = translations.get("mandate-2322", "fr")
    assert found is not None
    assert "questions.q-adoption.options.b" in found.fallback
    option_b = found.module.quiz.questions[0].options[1]  # type: ignore[union-attr]
    assert option_b.text == "On 12 December 2016, with several abstentions"


def test_fields_the_source_does_not_have_are_errors(content: Path) -> None:
    file = content / "modules" / "fr" / "mandate-2322.yaml"
    _edit(
        file,
        "      prompt: Comment et quand",
        "      accepted:\n        - oui\n      prompt: Comment et quand",
    )
    _edit(file, "    - id: q-broadest-cooperation\n", "    - id: q-broadest-cooperation\n      unit: États\n")
    _, translations = _load(content)
    errors = [
        (i.where, i.message.split(" (source")[0])
        for i in translation_issues(translations)
        if i.severity == "error"
    ]
    assert (
        "quiz.questions[0].accepted",
        "the source question has no 'accepted' to translate: remove it",
    ) in errors
    assert ("quiz.questions[3].unit", "the source question has no 'unit' to translate: remove it") in errors


def test_misplaced_files_are_errors(content: Path) -> None:
    shutil.copy(
        content / "modules" / "fr" / "mandate-2322.yaml", content / "modules" / "ar" / "mandate-2322.yaml"
    )
    shutil.copy(content / "modules" / "fr" / "mandate-2322.yaml", content / "modules" / "fr" / "no-such.yaml")
    (content / "modules" / "en").mkdir()
    shutil.copy(
        content / "modules" / "fr" / "mandate-2322.yaml", content / "modules" / "en" / "mandate-2322.yaml"
    )
    _edit(content / "modules" / "en" / "mandate-2322.yaml", "language: fr", "language: en")
    (content / "modules" / "assets").mkdir()
    (content / "modules" / "assets" / "ignored.yaml").write_text("not: a translation\n", encoding="utf-8")
    _, translations = _load(content)
    found = {
        (Path(i.path).parent.name, Path(i.path).name, i.where, i.message)
        for i in translation_issues(translations)
    }
    assert (
        "ar",
        "mandate-2322.yaml",
        "language",
        "the file is in modules/ar/: the language must be 'ar'; got 'fr'",
    ) in found
    assert ("fr", "no-such.yaml", "", "no module 'no-such' to translate (modules/no-such.yaml)") in found
    assert (
        "en",
        "mandate-2322.yaml",
        "language",
        "module 'mandate-2322' is written in 'en' already",
    ) in found
    assert not any("assets" in i.path for i in translation_issues(translations))
    assert ("mandate-2322", "ar") not in translations.translated


def test_unreadable_translation_is_reported_by_the_strict_loader(content: Path) -> None:
    file = content / "modules" / "fr" / "mandate-2322.yaml"
    _edit(file, "language: fr\n", "language: fr\nlanguage: ar\ntitel: x\n")
    _, translations = _load(content)
    messages = {(i.line, i.message) for i in translation_issues(translations)}
    assert (_line_of(file, "language: ar"), "duplicate key 'language' (first defined at line 4)") in messages
    assert translations.get("mandate-2322", "fr") is None


def test_skeleton_round_trips_every_text_exactly(
    sample: tuple[Catalogue, Translations], tmp_path: Path, sample_root: Path
) -> None:
    catalogue, _ = sample
    shutil.copytree(sample_root / "curriculum", tmp_path / "curriculum")
    shutil.copytree(sample_root / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns("fr", "ar"))
    (tmp_path / "modules" / "de").mkdir()
    for module_id, module in catalogue.modules.items():
        (tmp_path / "modules" / "de" / f"{module_id}.yaml").write_text(
            translation_skeleton(module, "de", stamped=True), encoding="utf-8"
        )
    _, translations = _load(tmp_path)
    assert translation_issues(translations) == []
    for module_id, module in catalogue.modules.items():
        found = translations.get(module_id, "de")
        assert found is not None
        assert found.complete
        assert found.module == module.model_copy(update={"language": "de"})

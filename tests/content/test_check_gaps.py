"""What `trainer check` used to miss: each with its exact located message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from trainer.cli import cli
from trainer.content.loader import PATTERN_MESSAGES
from trainer.content.models import Curriculum, Module
from trainer.content.translation.models import CurriculumTranslation, ModuleTranslation

MODULE = """\
id: release-disposal
title: Release and disposal
summary: What happens after the hearing.
duration_minutes: 30
objectives:
  - id: explain
    text: Explain the steps.
sections:
  - id: steps
    title: Steps
    body: |
      Read the plan.
quiz:
  questions:
    - id: q-one
      kind: true_false
      prompt: Release follows the decision.
      objective: explain
      explanation: It does.
      options:
        - {id: "true", text: "True", correct: true}
        - {id: "false", text: "False", feedback: It does follow.}
sources:
  - title: A source
"""


def _check(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", "--root", str(root)])
    return result.exit_code, result.stdout.splitlines()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "release-disposal.yaml").write_text(MODULE, encoding="utf-8")
    return tmp_path


def test_the_module_passes_as_written(root: Path) -> None:
    assert _check(root)[0] == 0


def test_a_module_file_named_other_than_its_id(root: Path) -> None:
    shutil.copy(root / "modules" / "release-disposal.yaml", root / "modules" / "extra-copy.yaml")
    code, lines = _check(root)
    assert code == 1
    assert "modules/extra-copy.yaml:1:1: id: the id 'release-disposal' is not the file name " \
           "'extra-copy': rename the file to release-disposal.yaml, or change the id to " \
           "'extra-copy'" in [line.removeprefix(str(root) + "/") for line in lines]


def _edit(root: Path, old: str, new: str) -> None:
    file = root / "modules" / "release-disposal.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _located(root: Path, lines: list[str]) -> list[str]:
    return [line.removeprefix(str(root) + "/") for line in lines]


def test_an_image_that_does_not_exist(root: Path) -> None:
    _edit(root, "Read the plan.", "![The store plan](assets/store-plan.png)")
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "modules/release-disposal.yaml:12:25: sections[0].body: image 'assets/store-plan.png' does "
        "not exist: add the file modules/assets/store-plan.png, or fix the path"]
    (root / "modules" / "assets").mkdir()
    (root / "modules" / "assets" / "store-plan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert _check(root)[0] == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:void(0)", "file:///etc/passwd",
                                 "data:text/html;base64,PHNjcmlwdD4="])
def test_javascript_file_and_data_links_are_refused(root: Path, url: str) -> None:
    _edit(root, "Read the plan.", f"Read [the plan]({url}).")
    code, lines = _check(root)
    scheme = url.split(":", 1)[0].lower()
    assert code == 1
    assert _located(root, lines) == [
        f"modules/release-disposal.yaml:12:23: sections[0].body: a link to a '{scheme}:' URL is "
        "not allowed: link to an http, https or mailto address, and put images in modules/assets/"]


def test_an_unquoted_colon_says_to_quote_at_its_column(root: Path) -> None:
    _edit(root, "title: Release and disposal", "title: Case study: release")
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "modules/release-disposal.yaml:2:18: YAML syntax error: mapping values are not allowed "
        "here: a text that contains ': ' must be quoted; put the whole value in double quotes, "
        "e.g. title: \"Case study: the request\""]


CURRICULUM = """\
id: programme
title: Programme
audience: Prosecutors
author: Faculty
modules: [release-disposal]
pre_test:
  title: Pre
  questions:
    - {module: release-disposal, question: q-one}
post_test:
  title: Post
  questions:
    - {module: release-disposal, question: q-one}
workshops:
  - id: pilot
    title: Pilot
    region: Region
    start: "2016-03"
    end: "2016-03"
"""


def _curriculum(root: Path, old: str = "", new: str = "") -> None:
    (root / "curriculum").mkdir(exist_ok=True)
    (root / "curriculum" / "programme.yaml").write_text(CURRICULUM.replace(old, new, 1),
                                                        encoding="utf-8")


def test_dates_and_join_codes_say_what_to_write(root: Path) -> None:
    _curriculum(root, 'end: "2016-03"', 'end: "March 2016"\n    join_code: pilot')
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "curriculum/programme.yaml:19:5: workshops[0].end: not a date: write a date as "
        "YYYY-MM-DD or YYYY-MM (when only the month is known); got 'March 2016'",
        "curriculum/programme.yaml:20:5: workshops[0].join_code: not a join code: use 4-12 "
        "capital letters or digits (for example MALTA16); got 'pilot'",
    ]


def test_a_workshop_language_says_what_to_write(root: Path) -> None:
    _curriculum(root, 'end: "2016-03"', 'end: "2016-03"\n    language: French')
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "curriculum/programme.yaml:20:5: workshops[0].language: not a language code: write a "
        "two-letter ISO 639-1 code such as en, fr or ar; got 'French'"]


def test_a_source_hash_says_to_let_stamp_write_it(root: Path) -> None:
    (root / "modules" / "fr").mkdir()
    (root / "modules" / "fr" / "release-disposal.yaml").write_text(
        "id: release-disposal\nlanguage: fr\ntitle: Remise\nsource_hash: not-a-hash\n",
        encoding="utf-8")
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "modules/fr/release-disposal.yaml:4:1: source_hash: not a source hash: leave `source_hash` "
        "out and let `trainer translations stamp` write it; got 'not-a-hash'"]


def _patterns(schema: object) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return found.union(*(_patterns(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_patterns(value) for value in schema))
    return set()


def test_every_pattern_of_the_models_has_an_instruction() -> None:
    schemas = [Module.model_json_schema(), Curriculum.model_json_schema(),
               ModuleTranslation.model_json_schema(), CurriculumTranslation.model_json_schema()]
    patterns = set().union(*(_patterns(schema) for schema in schemas))
    assert len(patterns) == 6
    assert patterns <= set(PATTERN_MESSAGES)
    assert all("pattern" not in message for message in PATTERN_MESSAGES.values())


def test_an_unknown_field_lists_the_fields(root: Path) -> None:
    _curriculum(root, 'end: "2016-03"', 'end: "2016-03"\n    venue: Town hall')
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "curriculum/programme.yaml:20:5: workshops[0].venue: unknown field 'venue'; the fields "
        "here are city, country, dates_note, end, enrolment, extra_modules, id, join_code, language, "
        "listed, max_participants, region, start, title"]


def test_a_broken_module_is_named_once_by_the_curriculum(root: Path) -> None:
    _curriculum(root)
    _edit(root, "duration_minutes: 30", "duration_minutes: thirty")
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "curriculum/programme.yaml:5:11: modules[0]: module 'release-disposal' has errors "
        "(listed with its file): fix them first",
        "modules/release-disposal.yaml:4:1: duration_minutes: input should be a valid integer, "
        "unable to parse string as an integer; got 'thirty'",
    ]


def test_correct_in_a_translation_says_answers_stay_in_the_source(root: Path) -> None:
    (root / "modules" / "fr").mkdir()
    (root / "modules" / "fr" / "release-disposal.yaml").write_text(
        "id: release-disposal\nlanguage: fr\nquiz:\n  questions:\n    - id: q-one\n      options:\n"
        '        - id: "true"\n          correct: true\n', encoding="utf-8")
    code, lines = _check(root)
    assert code == 1
    assert _located(root, lines) == [
        "modules/fr/release-disposal.yaml:8:11: quiz.questions[0].options[0].correct: unknown "
        "field 'correct': answers stay in the source module (a translation holds only texts, so "
        "it can never change grading): remove it"]


def test_translations_new_quotes_true_and_false_ids(root: Path) -> None:
    result = CliRunner().invoke(cli, ["translations", "new", "release-disposal", "fr", "--root",
                                      str(root)])
    assert result.exit_code == 0, result.output
    text = (root / "modules" / "fr" / "release-disposal.yaml").read_text(encoding="utf-8")
    assert '- id: "true"\n' in text
    assert '- id: "false"\n' in text
    assert "id: true\n" not in text


def test_skeleton_placeholders_left_in_place_are_strict_warnings(root: Path) -> None:
    _curriculum(root, "author: Faculty", "author: Who wrote it")
    text = (root / "curriculum" / "programme.yaml").read_text(encoding="utf-8")
    text = text.replace("audience: Prosecutors",
                        "audience: Who the programme is for, e.g. central authority staff and "
                        "prosecutors").replace("    region: Region", "    region: Region\n"
                                                                      "    city: Name the city")
    (root / "curriculum" / "programme.yaml").write_text(text, encoding="utf-8")
    assert _check(root)[0] == 0
    result = CliRunner().invoke(cli, ["check", "--strict", "--root", str(root)])
    assert result.exit_code == 1
    placeholders = [line for line in _located(root, result.stdout.splitlines())
                    if "still a placeholder" in line]
    # (The fixture's tests also reuse practice questions: warned about apart, issue 15's rule.)
    assert placeholders == [
        "curriculum/programme.yaml:3:1: warning: audience: still a placeholder (\"Who the "
        "programme is for, e.g. central authority staff and prosecutors\"): write your own text",
        "curriculum/programme.yaml:4:1: warning: author: still a placeholder (\"Who wrote it\"): "
        "write your own text",
        "curriculum/programme.yaml:18:5: warning: workshops[0].city: still a placeholder (\"Name "
        "the city\"): write your own text",
    ]
    assert result.stderr.endswith("warnings found (--strict).\n")

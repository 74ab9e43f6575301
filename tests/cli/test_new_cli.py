"""`trainer new module` and `trainer new curriculum`: skeletons that pass `trainer check`, whose
placeholders `trainer check --strict` lists until an author has replaced them all."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from trainer.cli.author import new
from trainer.cli.content import check
from trainer.content.catalogue import load_catalogue
from trainer.content.models import QUESTION_KINDS
from trainer.content.placeholders import placeholder_in
from trainer.content.scaffold import curriculum_skeleton, module_skeleton
from trainer.content.schema import json_schemas
from trainer.errors import TrainerError


def _new(*args: str) -> Result:
    return CliRunner().invoke(new, list(args))


def _strict(root: Path) -> Result:
    return CliRunner().invoke(check, ["--strict", "--root", str(root)])


def _fill(root: Path) -> None:
    """Replace every placeholder line of every file under `root` with a distinct text, as an
    author would (keeping the key or list marker in front of it)."""
    count = 0
    for file in sorted(root.glob("*/*.yaml")):
        lines = []
        for line in file.read_text(encoding="utf-8").splitlines():
            if placeholder_in(line) and not line.lstrip().startswith("#"):
                count += 1
                found = re.match(r"^(\s*)(- )?([a-z_]+: )?", line)
                assert found is not None
                head = "".join(part or "" for part in found.groups())
                line = f"{head}Filled text {count}"
            lines.append(line)
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_new_module_passes_check_and_strict_lists_its_placeholders(tmp_path: Path) -> None:
    result = _new("module", "mla-basics", "--title", "MLA: the basics", "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    target = tmp_path / "modules" / "mla-basics.yaml"
    assert f"wrote {target}" in result.output
    plain = CliRunner().invoke(check, ["--root", str(tmp_path)])
    assert plain.exit_code == 0, plain.output
    strict = _strict(tmp_path)
    assert strict.exit_code == 1
    warnings = strict.stdout.splitlines()
    assert len(warnings) == 43
    assert all(": warning: " in w and "still a placeholder (" in w for w in warnings)
    assert f"{target}:13:1: warning: summary: still a placeholder (\"Write one or two sentences on " \
        "what this module covers and who it is for.\"): write your own text" in warnings
    _fill(tmp_path)
    filled = _strict(tmp_path)
    assert filled.exit_code == 0, filled.output
    assert filled.output.strip().splitlines() == [
        "OK: 1 modules, 7 questions (1 matching, 1 multiple, 1 numeric, 1 ordering, "
        "1 short_answer, 1 single, 1 true_false), 0 curricula, 0 workshops; 0 warnings"
    ]


def test_new_module_has_one_question_of_each_kind_and_the_schema_line(tmp_path: Path) -> None:
    _new("module", "mla-basics", "--title", "MLA", "--root", str(tmp_path))
    text = (tmp_path / "modules" / "mla-basics.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/module.schema.json"
    module = load_catalogue(tmp_path).module("mla-basics")
    assert Counter(q.kind for q in module.quiz.questions) == Counter(QUESTION_KINDS)
    assert module.title == "MLA"
    assert any(s.kind == "case-study" and s.facilitator_notes for s in module.sections)
    # Commented: a reader learns the format from the file itself.
    assert sum(1 for line in text.splitlines() if line.lstrip().startswith("#")) >= 20


def test_title_with_yaml_specials_arrives_exactly(tmp_path: Path) -> None:
    title = 'Extradition: "aut dedere" #1 & *more* – yes: NO'
    result = _new("module", "tricky", "--title", title, "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert load_catalogue(tmp_path).module("tricky").title == title


def test_new_module_writes_the_schema_when_missing_only(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "module.schema.json").write_text("{}\n", encoding="utf-8")
    _new("module", "one", "--title", "One", "--root", str(tmp_path))
    assert (tmp_path / "schema" / "module.schema.json").read_text(encoding="utf-8") == "{}\n"
    written = (tmp_path / "schema" / "curriculum.schema.json").read_text(encoding="utf-8")
    assert json.loads(written) == json_schemas()["curriculum"]


def test_new_module_refuses_to_overwrite(tmp_path: Path) -> None:
    _new("module", "mla-basics", "--title", "First", "--root", str(tmp_path))
    target = tmp_path / "modules" / "mla-basics.yaml"
    before = target.read_text(encoding="utf-8")
    result = _new("module", "mla-basics", "--title", "Second", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: {target} already exists: choose another id, or edit that file"
    )
    assert target.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("bad_id", ["MLA", "mla_basics", "mla--basics", "mla-", "a" * 65, "ü"])
def test_new_module_refuses_a_bad_id(tmp_path: Path, bad_id: str) -> None:
    result = _new("module", bad_id, "--title", "T", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: '{bad_id}' is not a valid module id: use lower-case letters, digits and single "
        "hyphens, at most 64 characters (for example: mla-basics)"
    )
    assert not (tmp_path / "modules").exists()


def test_new_module_refuses_an_empty_title() -> None:
    with pytest.raises(TrainerError, match="the title must not be empty"):
        module_skeleton("ok", "   ")


def test_new_curriculum_over_every_module_passes_check_and_strict_asks_for_test_items(
        tmp_path: Path) -> None:
    for module_id in ("beta", "alpha"):
        _new("module", module_id, "--title", module_id.title(), "--root", str(tmp_path))
    result = _new("curriculum", "programme", "--title", "A programme", "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "curriculum" / "programme.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "# yaml-language-server: $schema=../schema/curriculum.schema.json"
    )
    assert "still a placeholder (\"Write who wrote it\")" in _strict(tmp_path).stdout
    _fill(tmp_path)
    checked = _strict(tmp_path)
    # The skeleton's tests draw on practice questions: strict says so, once per test question.
    assert checked.exit_code == 1, checked.output
    warnings = [line for line in checked.output.splitlines() if ": warning: " in line]
    assert len(warnings) == 4, checked.output
    assert all("is a practice question of module" in line and "role: assessment" in line
               for line in warnings)
    curriculum = load_catalogue(tmp_path).curriculum("programme")
    assert list(curriculum.modules) == ["alpha", "beta"]
    assert curriculum.title == "A programme"
    assert [r.module for r in curriculum.pre_test.questions] == ["alpha", "beta"]


def test_new_curriculum_with_chosen_modules_keeps_their_order(tmp_path: Path) -> None:
    for module_id in ("one", "two", "three"):
        _new("module", module_id, "--title", module_id, "--root", str(tmp_path))
    result = _new("curriculum", "short", "--module", "three", "--module", "one",
                  "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    _fill(tmp_path)
    checked = _strict(tmp_path)
    # Filled in, the skeleton's only strict warnings are that its tests reuse practice questions.
    assert "0 warnings" not in checked.output
    assert all("is a practice question" in line
               for line in checked.output.splitlines() if ": warning: " in line)
    assert list(load_catalogue(tmp_path).curriculum("short").modules) == ["three", "one"]


def test_new_curriculum_refuses_an_unknown_module(tmp_path: Path) -> None:
    _new("module", "one", "--title", "One", "--root", str(tmp_path))
    result = _new("curriculum", "prog", "--module", "nope", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip() == "error: no module 'nope' (modules: one)"
    assert not (tmp_path / "curriculum").exists()


def test_new_curriculum_needs_a_module(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    result = _new("curriculum", "prog", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: a curriculum needs at least one module: create one first with "
        "`trainer new module ID --title TITLE`"
    )


def test_new_curriculum_on_broken_content_lists_the_problems(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "broken.yaml").write_text("id: [oops\n", encoding="utf-8")
    result = _new("curriculum", "prog", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert "broken.yaml:2:1: YAML syntax error" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "curriculum").exists()


def test_new_curriculum_refuses_to_overwrite_and_bad_ids(tmp_path: Path) -> None:
    _new("module", "one", "--title", "One", "--root", str(tmp_path))
    assert _new("curriculum", "prog", "--root", str(tmp_path)).exit_code == 0
    again = _new("curriculum", "prog", "--root", str(tmp_path))
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad = _new("curriculum", "Prog", "--root", str(tmp_path))
    assert bad.exit_code == 1
    assert "'Prog' is not a valid curriculum id" in bad.output


def test_curriculum_skeleton_dates_the_pilot_this_month(tmp_path: Path) -> None:
    _new("module", "one", "--title", "One", "--root", str(tmp_path))
    module = load_catalogue(tmp_path).module("one")
    text = curriculum_skeleton("x" * 64, "", [module], today=date(2031, 2, 3))
    assert 'start: "2031-02"' in text
    assert f"  - id: {'x' * 58}-pilot\n" in text

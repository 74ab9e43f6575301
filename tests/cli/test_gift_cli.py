"""`trainer export gift` and `trainer import gift`: the same options as the other importers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from trainer.cli import cli
from trainer.content.catalogue import load_catalogue


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def bank(tmp_path: Path, repo_root: Path) -> Path:
    """Return a GIFT bank exported from the all-kinds module of the package content."""
    target = tmp_path / "bank.gift"
    result = _run("export", "gift", "all-kinds", "--root",
                  str(repo_root / "tests" / "data" / "package_content"), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "skipped all-kinds/q-order: GIFT cannot express ordering questions" in result.output
    return target


def test_import_gift_takes_id_root_and_force(bank: Path, tmp_path: Path) -> None:
    root = tmp_path / "content"
    result = _run("import", "gift", str(bank), "--id", "from-gift", "--root", str(root))
    assert result.exit_code == 0, result.output
    written = root / "modules" / "from-gift.yaml"
    questions = load_catalogue(root).module("from-gift").quiz.questions
    assert result.stdout.splitlines()[0] == \
        f"wrote {written}: 2 sections, 0 images, {len(questions)} questions"
    assert f"  - run `trainer check --strict --root {root}` until it passes" in result.stdout
    assert [q.id for q in questions][:2] == ["q-single", "q-multiple"]
    assert result.stderr == ""
    again = _run("import", "gift", str(bank), "--id", "from-gift", "--root", str(root))
    assert again.exit_code == 1
    assert again.stderr == f"error: {written} exists already: choose another id with --id, or " \
        "overwrite with --force\n"
    assert _run("import", "gift", str(bank), "--id", "from-gift", "--root", str(root),
                "--force").exit_code == 0


def test_import_gift_names_the_module_after_the_file(bank: Path, tmp_path: Path) -> None:
    result = _run("import", "gift", str(bank), "--root", str(tmp_path / "content"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "content" / "modules" / "bank.yaml").is_file()


def test_import_gift_output_still_works_with_a_notice(bank: Path, tmp_path: Path) -> None:
    target = tmp_path / "modules" / "from-gift.yaml"
    result = _run("import", "gift", str(bank), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: `trainer import gift FILE -o modules/ID.yaml` is deprecated and goes in the next "
        "release: use `trainer import gift FILE --id ID --root ROOT` (or set TRAINER_CONTENT_ROOT)\n")
    assert result.stdout.startswith(f"wrote {target}: ")
    assert load_catalogue(tmp_path).module("from-gift").quiz.questions


def test_import_gift_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    bank = tmp_path / "latin.gift"
    bank.write_bytes("Qui a sign\xe9 ? {=moi ~toi}".encode("latin-1"))
    result = _run("import", "gift", str(bank), "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == f"{bank}:1:1: not UTF-8 text (byte 10): save it as UTF-8\n"


def test_export_gift_of_an_unknown_module_is_a_message(repo_root: Path, tmp_path: Path) -> None:
    root = repo_root / "tests" / "data" / "package_content"
    result = _run("export", "gift", "nope", "--root", str(root), "-o", str(tmp_path / "x.gift"))
    assert result.exit_code == 2
    assert "no module or curriculum 'nope' (modules: all-kinds, short-module; curricula: " \
        "practice)" in result.output

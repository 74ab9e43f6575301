"""The `trainer handbook` command, as a trainer runs it."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from trainer.cli.handbook import handbook


def _page_size(pdf: Path) -> tuple[float, float]:
    box = pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_defaults_first_workshop_participant_a4_named_file(
        fixture_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(handbook, [str(fixture_root / "curriculum" / "fixture.yaml")])
    assert result.exit_code == 0, result.output
    target = tmp_path / "fixture-north-participant.pdf"
    assert f"wrote {target.name} (" in result.output
    assert "participant edition" in result.output
    assert _page_size(target) == (595, 842)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(target).pages)
    assert "Northern regional workshop" in text
    assert "March 2016" in text
    assert "CANARY-EXPLANATION" not in text
    assert not list(tmp_path.glob(".*.partial"))


def test_facilitator_letter_edition_to_a_chosen_file(fixture_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "key.pdf"
    target.parent.mkdir()
    result = CliRunner().invoke(handbook, [
        str(fixture_root / "curriculum" / "fixture.yaml"), "--workshop", "north",
        "--edition", "facilitator", "--paper", "letter", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert _page_size(target) == (612, 792)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(target).pages)
    assert "CANARY-EXPLANATION" in text
    assert "Answer key" in text


def test_unknown_workshop_lists_the_known_ones(fixture_root: Path) -> None:
    result = CliRunner().invoke(handbook, [str(fixture_root / "curriculum" / "fixture.yaml"),
                                           "--workshop", "east"])
    assert result.exit_code == 2
    assert "no workshop 'east' in fixture (workshops: north, south)" in result.output


def test_broken_content_is_reported_without_a_traceback(fixture_root: Path,
                                                        tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(fixture_root, root)
    module = root / "modules" / "alpha.yaml"
    module.write_text(module.read_text().replace("duration_minutes: 90", "duration_minutes: lots"))
    result = CliRunner().invoke(handbook, [str(root / "curriculum" / "fixture.yaml")])
    assert result.exit_code == 1
    assert "alpha.yaml:" in result.output
    assert "duration_minutes" in result.output
    assert "Traceback" not in result.output


def _text(pdf: Path) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)


def test_every_workshop_in_one_run_each_in_its_language(fixture_root: Path,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "books"
    result = CliRunner().invoke(handbook, [
        "fixture", "--root", str(fixture_root), "--all-workshops", "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    north, south = out / "fixture-north-participant.pdf", out / "fixture-south-participant.pdf"
    assert sorted(p.name for p in out.iterdir()) == [north.name, south.name]
    assert result.output.count("wrote ") == 2
    assert "Northern regional workshop" in _text(north)
    south_text = _text(south)
    assert "Southern regional workshop" in south_text
    assert "Contents" not in south_text  # the south workshop's handbook is in French
    assert "Sommaire" in south_text


def test_chosen_workshops_in_one_language_name_the_language_when_it_is_not_theirs(
        fixture_root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(handbook, [
        "fixture", "--root", str(fixture_root), "--workshop", "south", "--workshop", "north",
        "--language", "en", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "fixture-north-participant.pdf", "fixture-south-participant-en.pdf"]
    assert "Contents" in _text(tmp_path / "fixture-south-participant-en.pdf")


@pytest.mark.parametrize(("arguments", "message"), [
    (["--all-workshops", "-o", "one.pdf"], "leave out -o/--output and --html"),
    (["--workshop", "north", "--workshop", "south", "--html", "a.html"], "leave out"),
    (["--workshop", "north", "--output-dir", "books"], "--output-dir is for several workshops"),
    (["--all-workshops", "--workshop", "north"], "not both"),
])
def test_several_workshops_go_to_a_folder_and_mistakes_are_named(
        fixture_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        arguments: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(handbook, ["fixture", "--root", str(fixture_root), *arguments])
    assert result.exit_code == 2
    assert message in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written

"""`trainer export scorm|site|moodle-xml`: each writes its file, and mistakes are named."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from trainer.cli.export import export


@pytest.fixture(scope="module")
def content_root(repo_root: Path) -> Path:
    return repo_root / "tests" / "data" / "package_content"


def test_cli_writes_all_four_exports(tmp_path: Path, content_root: Path) -> None:
    runner = CliRunner()
    curriculum = str(content_root / "curriculum" / "practice.yaml")
    result = runner.invoke(export, ["scorm", curriculum, "-o", str(tmp_path / "p.zip")])
    assert result.exit_code == 0, result.output
    assert "(2 SCOs)" in result.output
    names = zipfile.ZipFile(io.BytesIO((tmp_path / "p.zip").read_bytes())).namelist()
    assert {"imsmanifest.xml", "m01/index.html", "m02/index.html"} <= set(names)

    result = runner.invoke(export, ["scorm", "short-module", "--root", str(content_root),
                                    "-o", str(tmp_path / "m.zip")])
    assert result.exit_code == 0, result.output
    assert "(1 SCO)" in result.output

    result = runner.invoke(export, ["site", curriculum, "--workshop", "test-edition",
                                    "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    again = runner.invoke(export, ["site", curriculum, "-o", str(tmp_path / "site")])
    assert again.exit_code == 1
    assert "exists and is not an empty folder" in again.output

    result = runner.invoke(export, ["site", curriculum, "--zip", "-o", str(tmp_path / "s.zip")])
    assert result.exit_code == 0, result.output
    assert "index.html" in zipfile.ZipFile(tmp_path / "s.zip").namelist()

    result = runner.invoke(export, ["site", curriculum, "--workshop", "nope", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "no workshop 'nope' (workshops: test-edition)" in result.output

    result = runner.invoke(export, ["moodle-xml", curriculum, "-o", str(tmp_path / "b.xml")])
    assert result.exit_code == 0, result.output
    assert etree.parse(str(tmp_path / "b.xml")).getroot().tag == "quiz"

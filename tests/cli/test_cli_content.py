"""`trainer check` and `trainer schema` as an author runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from trainer.cli import cli


def test_check_passes_on_the_sample_curriculum(sample_root: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--root", str(sample_root)])
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith("OK: ")
    assert "6 modules" in line
    assert "1 curricula, 4 workshops" in line
    for kind in (
        "single",
        "multiple",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "ordering",
    ):
        assert kind in line


def test_check_lists_every_problem_of_a_broken_copy(sample_root: Path, tmp_path: Path) -> None:
    shutil.copytree(sample_root / "modules", tmp_path / "modules")
    shutil.copytree(sample_root / "curriculum", tmp_path / "curriculum")
    first = sorted((tmp_path / "modules").glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(
        text.replace("duration_minutes:", "duration_minutes: NO\nx_minutes:", 1), encoding="utf-8"
    )
    (tmp_path / "curriculum" / "extra.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert any(
        f"{first.name}:" in line and "duration_minutes: input should be a valid integer" in line
        for line in lines
    )
    assert any(f"{first.name}:" in line and "unknown field 'x_minutes'" in line for line in lines)
    assert any("extra.yaml:2:1: YAML syntax error" in line for line in lines)
    assert lines[-1] == f"{len(lines) - 1} problems found."


def test_check_outside_a_content_root_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "no 'modules/' folder here: is this a content root?" in result.output


def test_schema_prints_both_schemas() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    schemas = json.loads(result.output)
    assert set(schemas) == {"module", "curriculum"}
    assert "quiz" in schemas["module"]["properties"]
    assert "workshops" in schemas["curriculum"]["properties"]

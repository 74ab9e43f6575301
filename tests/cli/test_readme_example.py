"""The README's one-screen example module is valid and passes the strictest check."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from trainer.cli import cli


def test_readme_example_passes_check_strict(repo_root: Path, tmp_path: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# trainer\n\n```sh\nmake serve")
    found = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert found is not None
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "dual-criminality.yaml").write_text(found.group(1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--strict", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "7 questions (1 matching, 1 multiple, 1 numeric, 1 ordering, 1 short_answer, 1 single, " \
        "1 true_false)" in result.output

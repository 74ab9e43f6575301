"""Helpers for the import tests: run `trainer` in-process and read back what it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from trainer.cli import cli


def run(*args: str) -> Result:
    """Invoke `trainer ARGS` (stderr apart from stdout)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def module_data(root: Path, module_id: str) -> dict[str, Any]:
    """Return the YAML of modules/<module_id>.yaml under `root`."""
    loaded = yaml.safe_load((root / "modules" / f"{module_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def assert_checks(root: Path) -> str:
    """Assert that `trainer check` passes on `root` (warnings allowed); return its output."""
    result = run("check", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "OK: " in result.output
    return result.output

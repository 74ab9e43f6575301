"""The import rules of docs/architecture.md hold, and breaking one makes `lint-imports` fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    only = [arg for contract in contracts for arg in ("--contract", contract)]
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *only, str(tree / "pyproject.toml")],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.fixture(scope="module")
def copy_of_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(REPO / "trainer", tree / "trainer",
                    ignore=shutil.ignore_patterns("__pycache__", "*.po", "*.ttf"))
    shutil.copy(REPO / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_package_keeps_every_contract(copy_of_package: Path) -> None:
    result = _lint(copy_of_package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("trainer/quiz/grading.py", "import flask", "flask-only-in-web"),
        ("trainer/services/progress.py", "import trainer.web.state", "layers"),
        ("trainer/content/markdown.py", "import weasyprint", "weasyprint-only-in-pdf"),
        ("trainer/export/report.py", "import sqlalchemy", "sqlalchemy-only-in-store"),
        ("trainer/interchange/aiken.py", "import trainer.store", "formats-know-no-storage"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(copy_of_package: Path, module: str, line: str,
                                                contract: str) -> None:
    path = copy_of_package / module
    original = path.read_text(encoding="utf-8")
    assert _lint(copy_of_package, contract).returncode == 0  # kept before the change
    path.write_text(f"{original}\n{line}  # noqa: E402\n", encoding="utf-8")
    try:
        result = _lint(copy_of_package, contract)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode == 1, result.stdout
    assert "1 broken" in result.stdout

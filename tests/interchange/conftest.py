"""Helpers for the import tests: run `trainer` in-process and read back what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """Return an empty content root."""
    root = tmp_path / "content"
    (root / "modules").mkdir(parents=True)
    return root



"""Fixtures shared by every test area: where the repository and its sample content are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Return the repository's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def sample_root() -> Path:
    """Return the content root of the sample curriculum (it holds modules/ and curriculum/)."""
    return REPO_ROOT

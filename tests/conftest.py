"""Fixtures shared by every test area: where the repository and its sample content are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["pg_server"]  # a throwaway PostgreSQL server for the run (tests/pg_server.py)

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Return the repository's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def sample_root() -> Path:
    """Return the content root of the sample curriculum (it holds modules/ and curriculum/)."""
    return REPO_ROOT


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Turn every skip into a failure: a missing tool must never pass for a green run."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and not hasattr(report, "wasxfail"):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} would have been skipped ({reason}); nothing may be skipped here: "
            "`make test` installs every tool the tests need."
        )

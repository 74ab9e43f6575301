"""Fixtures shared by every test area: where the repository and its sample content are."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest_plugins = ["pg_server"]  # a throwaway PostgreSQL server for the run (tests/pg_server.py)

REPO_ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_finish(session: pytest.Session) -> None:
    """Leave what collection built (modules, test items) out of every later garbage collection.

    The PostgreSQL fixtures collect garbage after each test (tests/pg_server.py) so that a leaked
    connection warns in the test that leaked it; a full collection then had to walk the whole
    collected suite every time (~0.1-0.3 s a test). Nothing frozen here is ever garbage: no test
    has run yet, so no connection, file or socket a test opens can be among these objects.
    """
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Return the repository's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def sample_root() -> Path:
    """Return the content root of the sample curriculum (it holds modules/ and curriculum/)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def fixture_root() -> Path:
    """Return the content root of the export tests' fixture curriculum (tests/export/data/content)."""
    return REPO_ROOT / "tests" / "export" / "data" / "content"


@pytest.fixture(scope="session", autouse=True)
def _handbook_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the handbook part cache of the test run in a temporary folder, not the user's."""
    folder = tmp_path_factory.mktemp("trainer-cache")
    before = os.environ.get("TRAINER_CACHE_DIR")
    os.environ["TRAINER_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        del os.environ["TRAINER_CACHE_DIR"]
    else:
        os.environ["TRAINER_CACHE_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def _no_layout_server() -> Iterator[None]:
    """Keep `trainer handbook` from starting warm layout servers that outlive the test run.

    The tests of the server itself turn it on, and stop what they started
    (tests/export/test_layout_server.py).
    """
    before = os.environ.get("TRAINER_LAYOUT_SERVER")
    os.environ["TRAINER_LAYOUT_SERVER"] = "0"
    yield
    if before is None:
        del os.environ["TRAINER_LAYOUT_SERVER"]
    else:
        os.environ["TRAINER_LAYOUT_SERVER"] = before


@pytest.fixture
def sample_without(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that copies the sample content without some translation files.

    `sample_without("fr/effective-central-authority")` is a content root whose module
    effective-central-authority has no French translation (the sample translates every module).
    """

    def copy(*translations: str) -> Path:
        root = tmp_path / "sample-copy"
        for folder in ("modules", "curriculum"):
            shutil.copytree(REPO_ROOT / folder, root / folder)
        for name in translations:
            (root / "modules" / f"{name}.yaml").unlink()
        return root

    return copy


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

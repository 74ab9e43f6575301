"""Make sure the PostgreSQL fixtures (tests/pg_server.py) are loaded for these tests.

tests/conftest.py registers the plugin for the whole suite; this covers a run of tests/postgres
alone before that line exists, and does nothing once it does.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register the pg_server plugin unless the top-level conftest already did."""
    if not config.pluginmanager.has_plugin("pg_server"):
        config.pluginmanager.import_plugin("pg_server")

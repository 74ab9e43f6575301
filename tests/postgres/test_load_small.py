"""The load and fault test of bench/load.py, small: 30 trainees, 4 gunicorn workers, one killed.

On SQLite and on PostgreSQL (whose server is also restarted mid-run). Every acknowledged submission
must be stored exactly once with all its answers, nothing twice, and no request may get a 500 or
no answer except those in flight on the killed worker.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent.parent / "bench" / "load.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_thirty_trainees_with_a_worker_killed_lose_nothing(
        database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    load = _bench()
    on_postgres = database_url.startswith("postgresql")
    restart = request.getfixturevalue("postgres_server").restart if on_postgres else None
    scenario = load.Scenario(trainees=30, concurrency=10, time_limit_s=90.0)
    report: dict[str, Any] = load.run_scenario(database_url, scenario, tmp_path, restart)
    shown = json.dumps(report, indent=1)
    assert report["killed_worker"], shown
    assert report["database_restarted"] is on_postgres, shown
    assert report["finished"] == 30, shown
    assert report["gave_up"] == [], shown
    assert report["acknowledged"] == report["submissions_sent"] == 60, shown
    assert report["acknowledged_not_stored"] == [], shown
    assert report["stored_incomplete"] == [], shown
    assert report["stored"] == 60, shown
    assert report["duplicate_submissions"] == 0, shown
    assert report["double_starts_split"] == 0, shown
    assert report["failures_not_explained_by_the_kill"] == 0, shown
    assert report["http_500"] == 0, shown
    assert report["ok"], shown

"""`trainer import-results FILE...`: imports, reports, exit status, idempotency, a refused file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from trainer.cli.results import import_results_command
from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.store import Database
from trainer.store.results import workshop_participants


@pytest.fixture(scope="module")
def content_dir(repo_root: Path) -> Path:
    return repo_root / "tests" / "data" / "package_content"


@pytest.fixture(scope="module")
def content(content_dir: Path) -> Catalogue:
    return load_catalogue(content_dir)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"TRAINER_INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'trainer.sqlite3'}"}


def _file(content: Catalogue, folder: Path, *, workshop: str | None = "test-edition",
          stale: bool = False) -> Path:
    answers = [{"module": "short-module", "question": q, "response": r,
                "question_hash": "0" * 64 if stale and q == "q-count"
                else content.question_hash("short-module", q),
                "earned": 1, "max": 1, "status": "correct"}
               for q, r in (("q-who", "justice"), ("q-count", "2"))]
    pre = [{"module": "all-kinds", "question": "q-single", "response": "a", "earned": 2,
            "max": 2, "status": "correct",
            "question_hash": content.question_hash("all-kinds", "q-single")}]
    times = {"started_at": "2016-03-14T09:00:00Z", "submitted_at": "2016-03-14T09:10:00Z"}
    data: dict[str, Any] = {
        "format": "trainer-results", "version": 2, "curriculum": "practice",
        "workshop": workshop, "learner": "c" * 32, "participant": "Ion P.",
        "exported_at": "2016-03-14T18:00:00Z",
        "attempts": [
            {"id": "p" * 20, "kind": "pre", "module": None, "module_hash": None, **times,
             "earned": 2, "max": 2, "percent": 100, "passed": True, "answers": pre},
            {"id": "m" * 20, "kind": "module", "module": "short-module",
             "module_hash": content.module_hashes["short-module"], **times, "earned": 2,
             "max": 2, "percent": 100, "passed": True, "answers": answers},
        ]}
    path = folder / ("stale.json" if stale else "ion.json")
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _run(env: dict[str, str], content_dir: Path, *args: str) -> Any:
    return CliRunner().invoke(import_results_command,
                              ["--root", str(content_dir), *args], env=env)


def _stored(env: dict[str, str]) -> list[tuple[str, list[float | None]]]:
    database = Database(env["DATABASE_URL"])
    try:
        return [(p.display_name, [a.percent for a in p.attempts])
                for p in workshop_participants(database, "test-edition")]
    finally:
        database.dispose()


def test_import_then_import_again(env: dict[str, str], content_dir: Path, content: Catalogue,
                                  tmp_path: Path) -> None:
    path = _file(content, tmp_path)
    first = _run(env, content_dir, str(path))
    assert first.exit_code == 0, first.output
    assert first.output == (
        f"{path}: participant 'Ion P.' (created) in workshop test-edition: 2 attempt(s) imported,"
        " 0 already imported (skipped), 0 refused\n")
    again = _run(env, content_dir, str(path), "--workshop", "test-edition")
    assert again.exit_code == 0
    assert "(matched) in workshop test-edition: 0 attempt(s) imported, 2 already imported" in (
        again.output)
    assert _stored(env) == [("Ion P.", [100.0, 100.0])]


def test_refusals_are_printed_and_exit_1(env: dict[str, str], content_dir: Path,
                                         content: Catalogue, tmp_path: Path) -> None:
    stale = _file(content, tmp_path, stale=True)
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\x01 not a results file")
    result = _run(env, content_dir, str(stale), str(garbage))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith("1 attempt(s) imported, 0 already imported (skipped), 1 refused")
    assert lines[1].startswith("  refused: Ion P., attempt 2 (module quiz short-module), "
                               "question short-module/q-count: question short-module/q-count "
                               "has changed since the site was made")
    assert lines[2] == f"{garbage}: not imported:"
    assert lines[3].startswith("  not a results file (invalid JSON")
    assert _stored(env) == [("Ion P.", [100.0])]


def test_a_site_without_workshop_needs_one(env: dict[str, str], content_dir: Path,
                                           content: Catalogue, tmp_path: Path) -> None:
    path = _file(content, tmp_path, workshop=None)
    refused = _run(env, content_dir, str(path))
    assert refused.exit_code == 1
    assert "the file names no workshop" in refused.output
    unknown = _run(env, content_dir, str(path), "--workshop", "nowhere")
    assert "there is no workshop 'nowhere'" in unknown.output
    assert _run(env, content_dir, str(path), "--workshop", "test-edition").exit_code == 0
    assert _stored(env) == [("Ion P.", [100.0, 100.0])]


def test_a_missing_file_is_a_usage_error(env: dict[str, str], content_dir: Path,
                                         tmp_path: Path) -> None:
    result = _run(env, content_dir, str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "does not exist" in result.output

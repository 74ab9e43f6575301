"""`trainer serve`, `trainer db` and `trainer preview`: the commands that start an app."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from trainer.cli.author import preview
from trainer.cli.web import db, serve


@pytest.fixture
def content_root(tmp_path: Path, repo_root: Path) -> Path:
    """Return a copy of the web tests' canary content (tests/web/data), to break."""
    return Path(shutil.copytree(repo_root / "tests" / "web" / "data", tmp_path / "content"))


def test_trainer_serve_prints_content_errors_without_a_traceback(
        tmp_path: Path, content_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (content_root / "modules" / "canary-second.yaml").write_text("id: [unclosed\n",
                                                                 encoding="utf-8")
    monkeypatch.setenv("TRAINER_INSTANCE_PATH", str(tmp_path / "i"))
    result = CliRunner().invoke(serve, ["--root", str(content_root)])
    assert result.exit_code == 1
    assert "canary-second.yaml:2:" in result.output
    assert "fix them (see `trainer check`)" in result.output
    assert "Traceback" not in result.output


def test_trainer_db_upgrade_and_downgrade(tmp_path: Path, content_root: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("TRAINER_INSTANCE_PATH", str(tmp_path / "i"))
    runner = CliRunner()
    root = ["--root", str(content_root)]
    assert runner.invoke(db, ["upgrade", *root]).exit_code == 0
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    assert {"participant", "attempt", "response"} <= set(inspect(engine).get_table_names())
    assert runner.invoke(db, ["downgrade", "base", *root]).exit_code == 0
    assert "attempt" not in inspect(engine).get_table_names()
    engine.dispose()


def test_preview_command_listens_on_localhost_only(content_root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(self: Flask, **options: Any) -> None:
        seen.update(options)

    monkeypatch.setattr(Flask, "run", fake_run)
    result = CliRunner().invoke(preview, ["--root", str(content_root), "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1"
    assert seen["port"] == 5123
    assert "at http://127.0.0.1:5123/author/" in result.output
    assert CliRunner().invoke(preview, ["--root", str(content_root), "--host", "0.0.0.0"]).exit_code == 2  # noqa: S104


def test_preview_command_outside_a_content_root(tmp_path: Path) -> None:
    result = CliRunner().invoke(preview, ["--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "no 'modules/' folder" in result.output

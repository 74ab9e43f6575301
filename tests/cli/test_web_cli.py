"""`trainer serve`, `trainer db` and `trainer preview`: the commands that start an app."""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path
from typing import Any

import psutil
import pytest
from click.testing import CliRunner
from flask import Flask

from trainer.cli.author import preview
from trainer.cli.web import db, own_addresses, serve, trust_own_addresses


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


def test_serving_the_room_trusts_this_computers_own_addresses_only(
        tmp_path: Path, content_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`trainer serve --host 0.0.0.0`: phones open the laptop by its address on the room's
    network, which the default TRUSTED_HOSTS would refuse with 400; a setting made on purpose is
    kept; loopback and names are never added."""
    addresses = own_addresses("0.0.0.0")  # noqa: S104 - what serving the room asks for
    assert all(not ipaddress.IPv4Address(a).is_loopback for a in addresses)
    ours = {entry.address for entries in psutil.net_if_addrs().values() for entry in entries}
    assert set(addresses) <= ours
    assert own_addresses("127.0.0.1") == []
    assert own_addresses("example.org") == []
    assert own_addresses("192.168.43.10") == ["192.168.43.10"]

    default = {"TRUSTED_HOSTS": ["127.0.0.1", "localhost"]}
    assert trust_own_addresses(default, "192.168.43.10") == ["192.168.43.10"]
    assert default["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost", "192.168.43.10"]
    chosen = {"TRUSTED_HOSTS": ["training.example.org"]}
    assert trust_own_addresses(chosen, "192.168.43.10") == []
    assert chosen["TRUSTED_HOSTS"] == ["training.example.org"]
    local = {"TRUSTED_HOSTS": ["127.0.0.1", "localhost"]}
    assert trust_own_addresses(local, "127.0.0.1") == []
    assert local["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]

    # Through the command, with the server's start replaced by a look at what it would serve.
    seen: dict[str, object] = {}

    def run(app: Flask, **options: object) -> None:
        client = app.test_client()
        seen.update(options, hosts=list(app.config["TRUSTED_HOSTS"]),
                    answer=client.get("/", base_url="http://192.168.43.10:5000").status_code,
                    stranger=client.get("/", base_url="http://evil.example").status_code)

    monkeypatch.setattr(Flask, "run", run)
    monkeypatch.setenv("TRAINER_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("TRAINER_TRUSTED_HOSTS", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    result = CliRunner().invoke(serve, ["--host", "192.168.43.10", "--root", str(content_root)])
    assert result.exit_code == 0, result.output
    assert "can open http://192.168.43.10:5000/" in result.output
    assert seen["hosts"] == ["127.0.0.1", "localhost", "192.168.43.10"]
    assert (seen["answer"], seen["stranger"]) == (200, 400)

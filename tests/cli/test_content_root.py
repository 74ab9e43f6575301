"""One rule for naming a content root: --root, else TRAINER_CONTENT_ROOT, else here."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from trainer.cli import cli

OK = "OK: 6 modules"
NOTICE = "is deprecated and goes in the next release"


@pytest.fixture
def copy_root(sample_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for folder in ("modules", "curriculum"):
        shutil.copytree(sample_root / folder, root / folder)
    return root


def _invoke(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_check_finds_the_root_by_option_then_environment_then_here(
        copy_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAINER_CONTENT_ROOT", raising=False)
    code, out, err = _invoke(["check", "--root", str(copy_root)])
    assert (code, err) == (0, "")
    assert out.startswith(OK)
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = _invoke(["check"], env={"TRAINER_CONTENT_ROOT": str(copy_root)})
    assert (code, err) == (0, "")
    assert out.startswith(OK)
    code, out, _ = _invoke(["check", "--root", str(empty)],
                           env={"TRAINER_CONTENT_ROOT": str(copy_root)})
    assert code == 1
    assert "no 'modules/' folder" in out
    monkeypatch.chdir(copy_root)
    code, out, _ = _invoke(["check"])
    assert code == 0
    assert out.startswith(OK)


def test_old_spellings_still_work_with_a_notice_on_stderr(copy_root: Path, tmp_path: Path) -> None:
    code, out, err = _invoke(["check", str(copy_root)])
    assert code == 0
    assert out.startswith(OK)
    assert err == (f"warning: `trainer check ROOT` {NOTICE}: use `trainer check --root ROOT` "
                   "(or set TRAINER_CONTENT_ROOT)\n")
    code, out, err = _invoke(["translations", "status", str(copy_root)])
    assert code == 0
    assert out.startswith("module")
    assert "`trainer translations status --root ROOT`" in err
    by_file = tmp_path / "by-file.xml"
    by_id = tmp_path / "by-id.xml"
    code, _, err = _invoke(["export", "moodle-xml", str(copy_root / "curriculum" / "gcai.yaml"),
                            "-o", str(by_file)])
    assert code == 0
    assert err == (f"warning: naming a curriculum by its file {NOTICE}: use its id with --root "
                   "(or set TRAINER_CONTENT_ROOT)\n")
    code, _, err = _invoke(["export", "moodle-xml", "gcai", "--root", str(copy_root), "-o",
                            str(by_id)])
    assert (code, err) == (0, "")
    assert by_id.read_bytes() == by_file.read_bytes()


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append((prefix + name, command))
    return found


READS_CONTENT = {"check", "preview", "new module", "new curriculum", "translations status",
                 "translations new", "translations stamp", "export scorm", "export site",
                 "export gift", "export moodle-xml", "handbook", "serve", "db upgrade",
                 "db downgrade", "import-results", "import docx", "import pptx",
                 "import moodle-xml", "import aiken"}


def test_every_command_that_reads_content_has_the_same_root_option() -> None:
    commands = dict(_commands(cli))
    assert READS_CONTENT <= set(commands)
    for name in sorted(READS_CONTENT):
        options = {p.name: p for p in commands[name].params if isinstance(p, click.Option)}
        root = options.get("root")
        assert root is not None, name
        assert root.envvar == "TRAINER_CONTENT_ROOT", name
        assert root.default == ".", name
        visible = [p.opts for p in commands[name].params
                   if isinstance(p, click.Option) and not p.hidden and "content" in " ".join(p.opts)]
        assert visible == [], name

"""The warm layout server behind `trainer handbook`: same handbooks, and never a failure for the user.

Real servers, started by the command as a trainer runs it (through `CliRunner`, in a short temporary
cache folder: a Unix socket path is short). The `servers` fixture turns the server on for one test
and stops every server that test started. The handbooks are compared with the helpers of
test_handbook_parts.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.export.test_handbook_parts import _assert_same_book, _texts
from trainer.cli.handbook import handbook as handbook_command
from trainer.export import layout_client
from trainer.export.layout_client import (
    LayoutClient,
    ServerUnavailable,
    code_key,
    receive,
    send,
    server_address,
)


@pytest.fixture
def content(fixture_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(fixture_root, root)
    return root


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Turn the layout server on; yield the cache folder; stop every server started in it."""
    base = Path(tempfile.mkdtemp(prefix="tl-", dir="/tmp"))
    monkeypatch.setenv("TRAINER_CACHE_DIR", str(base))
    monkeypatch.setenv("TRAINER_LAYOUT_SERVER", "1")
    monkeypatch.setenv("TRAINER_LAYOUT_SERVER_IDLE", "120")  # a safety net only
    folder = base / "handbook"
    try:
        yield folder
    finally:
        for address in (folder / "layout").glob("*.sock"):
            _stop(address)
        shutil.rmtree(base, ignore_errors=True)


def _stop(address: Path) -> None:
    """Stop the server listening at `address` (whatever its code key), and wait for it to go."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(address))
    except OSError:
        connection.close()
        return  # nobody listens: nothing to stop
    with connection:
        send(connection, {"op": "status", "key": _key_of(address)})
        status, _ = receive(connection)
    pid = int(status["pid"])
    os.kill(pid, signal.SIGTERM)
    for _ in range(250):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)


def _key_of(address: Path) -> str:
    return _keys.get(address, code_key())


_keys: dict[Path, str] = {}


def _export(content: Path, target: Path, *extra: str) -> bytes:
    result = CliRunner().invoke(handbook_command, [
        "fixture", "--root", str(content), "--workshop", "south", "--edition", "facilitator",
        "--language", "en", "-o", str(target), *extra])
    assert result.exit_code == 0, result.output
    assert f"wrote {target} (" in result.output
    return target.read_bytes()


def _status(content: Path, folder: Path) -> dict[str, object]:
    with LayoutClient.connect(content, folder, start=False) as client:
        return client.ask({"op": "status"})


def test_a_warm_server_lays_out_the_handbook_of_a_run_without_it(
        content: Path, tmp_path: Path, servers: Path) -> None:
    _export(content, tmp_path / "first.pdf")  # starts the server, which lays it out
    assert _status(content, servers)["served"] == 1
    module = content / "modules" / "beta.yaml"
    text = module.read_text()
    edited = "L'extradition et l'entraide judiciaire sont deux procédures distinctes."
    assert edited in text
    module.write_text(text.replace(edited, "L'extradition (EDITED-SENTENCE) est distincte."))
    warm = _export(content, tmp_path / "warm.pdf")
    assert _status(content, servers)["served"] == 2  # the same server, with the edited module
    assert "EDITED-SENTENCE" in "".join(_texts(warm))
    alone = _export(content, tmp_path / "alone.pdf", "--no-server")
    assert _status(content, servers)["served"] == 2
    _assert_same_book(warm, alone)


def test_a_server_of_other_code_is_not_used(content: Path, tmp_path: Path, servers: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _export(content, tmp_path / "first.pdf")
    old = server_address(servers, content, code_key())
    _keys[old] = code_key()
    monkeypatch.setattr(layout_client, "code_key", lambda: "the code after an upgrade")
    new = server_address(servers, content, "the code after an upgrade")
    _keys[new] = "the code after an upgrade"
    _export(content, tmp_path / "second.pdf")
    # A new server, at another address, laid it out; the old one was not asked.
    with LayoutClient(_connect(new), "the code after an upgrade") as client:
        assert client.ask({"op": "status"})["served"] == 1
    with LayoutClient(_connect(old), _keys[old]) as client:
        assert client.ask({"op": "status"})["served"] == 1
    # And a server asked with another code key than its own refuses.
    with LayoutClient(_connect(old), "the code after an upgrade") as client, pytest.raises(
            ServerUnavailable, match="other code"):
        list(client.export({"root": str(content), "curriculum": "fixture"}))


def _connect(address: Path) -> socket.socket:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(str(address))
    return connection


def test_a_dead_servers_socket_is_replaced(content: Path, tmp_path: Path,
                                           servers: Path) -> None:
    address = server_address(servers, content, code_key())
    address.parent.mkdir(mode=0o700, parents=True)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(address))
    dead.close()  # the socket file stays, nobody listens: a server that was killed
    with pytest.raises(ServerUnavailable):
        LayoutClient.connect(content, servers, start=False)
    served = _export(content, tmp_path / "book.pdf")
    assert _status(content, servers)["served"] == 1
    _assert_same_book(served, _export(content, tmp_path / "alone.pdf", "--no-server"))


@pytest.mark.parametrize("answer", ["hang up", "refuse"])
def test_a_server_that_fails_midway_leaves_the_command_to_lay_out_itself(
        content: Path, tmp_path: Path, servers: Path, answer: str) -> None:
    address = server_address(servers, content, code_key())
    address.parent.mkdir(mode=0o700, parents=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen(1)
    asked: list[dict[str, object]] = []

    def serve_once() -> None:
        connection, _ = listener.accept()
        with connection:
            request, _ = receive(connection)
            asked.append(request)
            send(connection, {"stage": "html", "workshop": "south"})
            if answer == "refuse":
                send(connection, {"unserved": "content does not load"})

    thread = threading.Thread(target=serve_once)
    thread.start()
    try:
        book = _export(content, tmp_path / "book.pdf")
    finally:
        thread.join(10)
        listener.close()
        address.unlink()
    assert len(asked) == 1
    assert asked[0]["curriculum"] == "fixture"
    _assert_same_book(book, _export(content, tmp_path / "alone.pdf", "--no-server"))


def test_a_folder_open_to_others_is_not_used(content: Path, tmp_path: Path,
                                             servers: Path) -> None:
    (servers / "layout").mkdir(parents=True)
    os.chmod(servers / "layout", 0o750)  # noqa: S103 - the point of the test
    with pytest.raises(ServerUnavailable, match="not this user's alone"):
        LayoutClient.connect(content, servers)
    _export(content, tmp_path / "book.pdf")
    assert not list((servers / "layout").iterdir())  # laid out here, no server started


def test_several_workshops_by_the_server_are_the_files_written_without_it(
        content: Path, tmp_path: Path, servers: Path) -> None:
    def run(folder: Path, *extra: str) -> dict[str, bytes]:
        result = CliRunner().invoke(handbook_command, [
            "fixture", "--root", str(content), "--all-workshops", "--language", "en",
            "--output-dir", str(folder), *extra])
        assert result.exit_code == 0, result.output
        assert result.output.count("wrote ") == 2
        return {path.name: path.read_bytes() for path in folder.iterdir()}

    served = run(tmp_path / "served")
    assert _status(content, servers)["served"] == 2
    alone = run(tmp_path / "alone", "--no-server")
    assert sorted(served) == sorted(alone)
    assert any(name.endswith("-en.pdf") for name in served)  # a French workshop, in English
    for name, pdf in served.items():
        _assert_same_book(pdf, alone[name])


def test_files_of_old_servers_not_running_are_deleted(content: Path, tmp_path: Path,
                                                      servers: Path) -> None:
    folder = servers / "layout"
    folder.mkdir(mode=0o700, parents=True)
    old, recent = folder / "0ld.lock", folder / "recent.lock"
    for lock in (old, recent):
        for suffix in (".lock", ".log"):
            lock.with_suffix(suffix).write_text("")
    a_week_ago = time.time() - 7 * 86400
    os.utime(old, (a_week_ago, a_week_ago))
    _export(content, tmp_path / "book.pdf")  # starts a server, which tidies up first
    assert not old.exists()
    assert not old.with_suffix(".log").exists()
    assert recent.exists()
    assert recent.with_suffix(".log").exists()

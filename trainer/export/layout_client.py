"""Ask a warm layout server for handbooks (the client half of `layout_server.py`); stdlib only.

A new `trainer handbook` process pays about a second before it lays anything out: importing
WeasyPrint, reading the content, warming the layout processes. A layout server keeps all that
warm between runs, like `dmypy`: one per user, content root and code version, listening on a Unix
socket in the part cache's folder (`<cache>/layout/`, mode 0700; the socket 0600; both ends check
the other's uid). Its name is a digest of the content root and the code key (`code_key`: the
trainer package's files, the Python and the layout libraries' versions), so a server of other code
is never asked: code that changed gets a new server, and the old one exits when idle.

`LayoutClient.connect` finds or starts the server; `export` yields its progress and its PDFs. Any
failure (no server, a dead or stale socket, a refusal, a broken stream, content the server cannot
load) raises `ServerUnavailable`, and the caller lays out itself as without a server: the server
only ever saves time. It is on unless `TRAINER_LAYOUT_SERVER=0`; it exits after
`TRAINER_LAYOUT_SERVER_IDLE` seconds (default 600) without a request.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import site
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["LayoutClient", "ServerUnavailable", "code_key", "server_address",
           "server_enabled", "idle_timeout"]

logger = logging.getLogger(__name__)

PROTOCOL = "trainer-layout-1"
_PACKAGE = Path(__file__).resolve().parent.parent  # the trainer package
_HEADER = struct.Struct("!I")
_MAX_HEADER = 1 << 20
_UNIX_PATH_MAX = 100  # sun_path holds 108 bytes on Linux; keep a margin
DEFAULT_IDLE = 600.0
LOCKED = 3  # the launcher's exit status when another server of the same address is running


class ServerUnavailable(Exception):
    """No layout server answered as it should: lay out in this process instead."""


def server_enabled() -> bool:
    """Return whether `TRAINER_LAYOUT_SERVER` leaves the layout server on (the default)."""
    return os.environ.get("TRAINER_LAYOUT_SERVER", "1").strip().lower() not in (
        "0", "no", "off", "false")


def idle_timeout() -> float:
    """Return the seconds a server waits for a request before it exits."""
    try:
        return max(1.0, float(os.environ.get("TRAINER_LAYOUT_SERVER_IDLE", DEFAULT_IDLE)))
    except ValueError:
        return DEFAULT_IDLE


def code_key() -> str:
    """Return a digest of the code a server runs: trainer's files, Python, the libraries."""
    # The environment (sys.prefix), not the name the interpreter was started by.
    digest = hashlib.sha256(f"{PROTOCOL}\0{sys.prefix}\0{sys.version}\0".encode())
    # Every installed distribution's name and version (its dist-info folder): one directory read,
    # where importlib.metadata would cost ~30 ms to import.
    for folder in site.getsitepackages():
        try:
            names = sorted(entry.name for entry in os.scandir(folder)
                           if entry.name.endswith(".dist-info"))
        except OSError:
            continue
        digest.update(("\0".join([folder, *names]) + "\0").encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            digest.update(f"{path.relative_to(_PACKAGE)}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                          .encode())
    return digest.hexdigest()


def server_address(cache_folder: Path, root: Path, key: str) -> Path:
    """Return the socket of the server for content `root` and code `key`, under `cache_folder`."""
    name = hashlib.sha256(f"{key}\0{Path(root).resolve()}".encode()).hexdigest()[:20]
    return Path(cache_folder) / "layout" / f"{name}.sock"


def private_folder(folder: Path) -> bool:
    """Create `folder` (mode 0700) if needed; return whether it is this user's alone."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stat = folder.stat()
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o077


def peer_uid(connection: socket.socket) -> int:
    """Return the uid of the process at the other end of a Unix socket."""
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                        struct.calcsize("3i"))
    return int(struct.unpack("3i", credentials)[1])


def send(connection: socket.socket, header: dict[str, Any], payload: bytes = b"") -> None:
    """Send one message: a JSON header (with the payload's size) and the payload."""
    data = json.dumps({**header, "size": len(payload)}).encode()
    connection.sendall(_HEADER.pack(len(data)) + data + payload)


def receive(connection: socket.socket) -> tuple[dict[str, Any], bytes]:
    """Return the next message (header, payload); raise EOFError when the peer is gone."""
    (length,) = _HEADER.unpack(_exactly(connection, _HEADER.size))
    if length > _MAX_HEADER:
        raise EOFError("message header too large")
    header = json.loads(_exactly(connection, length))
    if not isinstance(header, dict):
        raise EOFError("message header is not an object")
    return header, _exactly(connection, int(header.get("size", 0)))


def _exactly(connection: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = connection.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


class LayoutClient:
    """A connection to the layout server of one content root; see the module docstring."""

    def __init__(self, connection: socket.socket, key: str) -> None:
        self.connection = connection
        self.key = key

    @classmethod
    def connect(cls, root: Path, cache_folder: Path, *, start: bool = True,
                wait: float = 20.0) -> LayoutClient:
        """Connect to the server of `root` (starting it if `start`); raise ServerUnavailable."""
        key = code_key()
        address = server_address(cache_folder, root, key)
        if len(os.fsencode(address)) > _UNIX_PATH_MAX:
            raise ServerUnavailable(f"socket path too long: {address}")
        if not private_folder(address.parent):
            raise ServerUnavailable(f"{address.parent} is not this user's alone")
        try:
            return cls(_open(address), key)
        except OSError:
            if not start:
                raise ServerUnavailable(f"no layout server at {address}") from None
        started = _start(root, address, key, wait)
        # Listening already (0), or another server holds the lock and listens soon (LOCKED).
        deadline = time.monotonic() + (wait if started == LOCKED else 1.0)
        while True:
            try:
                return cls(_open(address), key)
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise ServerUnavailable(f"the layout server did not start: {exc}") from None
                time.sleep(0.02)

    def close(self) -> None:
        """Close the connection (the server goes on)."""
        self.connection.close()

    def __enter__(self) -> LayoutClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ask(self, header: dict[str, Any]) -> dict[str, Any]:
        """Send a one-answer request (`status`, `stop`); return the answer's header."""
        try:
            send(self.connection, {**header, "key": self.key})
            answer, _ = receive(self.connection)
        except (OSError, EOFError, ValueError) as exc:
            raise ServerUnavailable(f"the layout server stopped answering: {exc}") from None
        return answer

    def export(self, request: dict[str, Any]) -> Iterator[tuple[dict[str, Any], bytes]]:
        """Ask for handbooks; yield each message: {"stage", "workshop"}, or {"done", …} and a PDF.

        Raise ServerUnavailable when the server refuses or stops before `{"end": true}`.
        """
        try:
            send(self.connection, {"op": "handbooks", "key": self.key, **request})
            while True:
                header, payload = receive(self.connection)
                if header.get("end"):
                    return
                if "unserved" in header:
                    raise ServerUnavailable(str(header["unserved"]))
                yield header, payload
        except (OSError, EOFError, ValueError) as exc:
            raise ServerUnavailable(f"the layout server stopped answering: {exc}") from None


def _open(address: Path) -> socket.socket:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(address))
        if peer_uid(connection) != os.getuid():
            raise ConnectionRefusedError("the layout server belongs to another user")
    except OSError:
        connection.close()
        raise
    return connection


def _start(root: Path, address: Path, key: str, wait: float) -> int:
    """Start a server for `root` at `address`; return the launcher's exit status (see LOCKED)."""
    command = [sys.executable, "-m", "trainer.export.layout_server", "--root",
               str(root.resolve()), "--socket", str(address), "--key", key,
               "--idle", str(idle_timeout())]
    log = address.with_suffix(".log")
    try:
        descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as output:
            # The launcher forks the server off and exits once it listens, or at once when
            # another server holds the lock (that one listens soon, if it does not already).
            status = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=output,  # noqa: S603 - our own interpreter and module
                                    stderr=output, timeout=wait, check=False,
                                    close_fds=True).returncode
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ServerUnavailable(f"could not start the layout server: {exc}") from None
    if status not in (0, LOCKED):
        raise ServerUnavailable(f"the layout server did not start (see {log})")
    return status

"""The layout server: `trainer handbook`'s work, kept warm between runs (see `layout_client`).

Started by the client as `python -m trainer.export.layout_server --root R --socket S --key K
--idle SECONDS`. That launcher takes the address's lock (`S` with `.lock`: one server per address;
if another holds it, it exits with `LOCKED`), forks the server off in its own session, and exits
once the server listens. The server keeps, between requests: WeasyPrint imported, the layout
processes (`PartRenderer`) warm, and the content root's catalogue (reloaded for each request with
`load_catalogue(previous=…)`, which re-reads only the files whose size or mtime changed). Parts go
through the same disk cache as without a server, so its handbooks are those of `render_handbook`.

A request is one connection (`layout_client` frames the messages): {"op": "handbooks", "key",
"root", "curriculum", "workshops", "all", "edition", "paper", "language"} is answered with
{"stage"} messages, one {"done"} message and PDF per handbook, then {"end"}; anything it cannot do
(another code key or root, content that does not load, an unknown curriculum or workshop, a failed
layout) is answered {"unserved": why}, and the client lays out itself (and reports the problem as
it would have). {"op": "status"} and {"op": "stop"} are for tests and tools. Connections from
another uid are closed unanswered. It exits after `--idle` seconds without a request.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.export.layout_client import LOCKED, peer_uid, receive, send

if TYPE_CHECKING:
    from trainer.content.catalogue import Catalogue
    from trainer.export.layout_pool import PartRenderer

__all__ = ["main"]

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Start a server (see the module docstring); return the launcher's exit status."""
    parser = argparse.ArgumentParser(prog="python -m trainer.export.layout_server")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--idle", type=float, default=600.0)
    args = parser.parse_args(argv)
    address: Path = args.socket
    lock = os.open(address.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return LOCKED
    _forget_old_servers(address)
    ready, told = os.pipe()
    if os.fork():  # the launcher: wait until the server listens
        os.close(told)
        os.close(lock)  # the server's copy keeps the lock
        return 0 if os.read(ready, 2) == b"ok" else 1
    os.close(ready)
    os.setsid()
    signal.signal(signal.SIGTERM, _terminated)  # clean up (socket, layout processes) on kill
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    try:
        listener = _listen(address)
    except OSError as exc:
        logger.error("cannot listen on %s: %s", address, exc)
        return 1
    inode = os.stat(address).st_ino
    os.write(told, b"ok")
    os.close(told)
    try:
        _Server(args.root.resolve(), args.key, listener, args.idle).run()
    except Exception:
        logger.exception("the layout server failed")
        return 1
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            if os.stat(address).st_ino == inode:  # still ours: no newer server took the name
                address.unlink()
    return 0


def _forget_old_servers(address: Path, age: float = 86400.0) -> None:
    """Delete the files of servers (other code keys) not running and untouched for `age` s.

    Each code key leaves a lock and a log beside its socket; a developer changing the code makes
    a new key with every edit. A lock nobody holds is a server that is not running.
    """
    for lock in address.parent.glob("*.lock"):
        if lock == address.with_suffix(".lock"):
            continue
        try:
            if time.time() - lock.stat().st_mtime < age:
                continue
            handle = os.open(lock, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            for suffix in (".sock", ".log", ".lock"):
                lock.with_suffix(suffix).unlink(missing_ok=True)
        except OSError:
            pass  # running: its lock is held
        finally:
            os.close(handle)


def _terminated(_number: int, _frame: object) -> None:
    raise SystemExit(0)


def _listen(address: Path) -> socket.socket:
    """Listen on `address` (mode 0600), replacing a dead server's socket (we hold the lock)."""
    address.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mask = os.umask(0o177)
    try:
        listener.bind(str(address))
    finally:
        os.umask(mask)
    os.chmod(address, 0o600)
    listener.listen(8)
    return listener


class _Server:
    """One content root's warm catalogue and layout processes, serving one request at a time."""

    def __init__(self, root: Path, key: str, listener: socket.socket, idle: float) -> None:
        self.root = root
        self.key = key
        self.listener = listener
        self.idle = idle
        self.catalogue: Catalogue | None = None
        self.renderer: PartRenderer | None = None
        self.served = 0
        self.warm = False  # whether the layout processes have laid out a real part

    def run(self) -> None:
        """Serve requests until one asks it to stop or none comes for `idle` seconds."""
        from trainer.export.layout_pool import PartRenderer

        self.renderer = PartRenderer(max_tasks=200)
        self.renderer.start_soon()  # WeasyPrint loads in the fork server meanwhile
        try:
            self._reload()
        except Exception as exc:  # noqa: BLE001 - reported to each request until it loads
            logger.info("content does not load yet: %s", exc)
        self.renderer.start()
        logger.info("serving %s (pid %d)", self.root, os.getpid())
        try:
            while True:
                self.listener.settimeout(self.idle)
                try:
                    connection, _ = self.listener.accept()
                except TimeoutError:
                    logger.info("idle for %g s: exiting", self.idle)
                    return
                with connection:
                    connection.settimeout(None)
                    try:
                        if not self._answer(connection):
                            return
                    except (OSError, EOFError, ValueError) as exc:
                        logger.info("client gone: %s", exc)
        finally:
            self.renderer.close(kill=True)

    def _reload(self) -> Catalogue:
        from trainer.content.catalogue import load_catalogue

        self.catalogue = load_catalogue(self.root, previous=self.catalogue)
        return self.catalogue

    def _answer(self, connection: socket.socket) -> bool:
        """Answer one request; return False when asked to stop."""
        if peer_uid(connection) != os.getuid():
            return True
        header, _ = receive(connection)
        if header.get("key") != self.key:
            send(connection, {"unserved": "this layout server runs other code"})
            return True
        op = header.get("op")
        if op == "status":
            send(connection, {"pid": os.getpid(), "served": self.served, "key": self.key,
                              "root": str(self.root)})
        elif op == "stop":
            send(connection, {"stopping": True})
            return False
        elif op == "handbooks":
            self._handbooks(connection, header)
        else:
            send(connection, {"unserved": f"unknown request {op!r}"})
        return True

    def _handbooks(self, connection: socket.socket, request: dict[str, Any]) -> None:
        """Lay out the handbooks asked for; see the module docstring for the messages."""
        from trainer.errors import ContentError, ExportError
        from trainer.export.handbook import (
            Edition,
            Paper,
            handbook_filename,
            render_handbook,
            warm_up,
        )
        from trainer.export.part_cache import PartCache

        began, cpu = time.perf_counter(), time.process_time()
        try:
            if Path(str(request.get("root"))).resolve() != self.root:
                raise LookupError("another content root")
            catalogue = self._reload()
            curriculum = catalogue.curricula[_curriculum_id(catalogue, request)]
            edition, paper = Edition(request["edition"]), Paper(request["paper"])
            by_id = {workshop.id: workshop for workshop in curriculum.workshops}
            if request.get("all"):
                workshops = list(curriculum.workshops)
            else:
                workshops = [by_id[str(w)] for w in request.get("workshops") or []]
                workshops = workshops or [curriculum.workshops[0]]
        except (ContentError, LookupError, ValueError, TypeError, IndexError) as exc:
            send(connection, {"unserved": f"{type(exc).__name__}: {exc}"})
            return
        language = request.get("language")
        logger.info("content ready in %.3f s", time.perf_counter() - began)
        assert self.renderer is not None  # noqa: S101 - started by run
        laid_out = False
        for workshop in workshops:
            def stage(name: str, workshop_id: str = workshop.id) -> None:
                send(connection, {"stage": name, "workshop": workshop_id})

            cache = PartCache()
            try:
                rendered = render_handbook(catalogue, curriculum, workshop, edition, paper,
                                           language=language or workshop.language,
                                           on_stage=stage, cache=cache, renderer=self.renderer)
            except Exception as exc:
                # Parts of a failed handbook may still be in flight: their results must never
                # reach the next request, so the layout processes start afresh.
                if self.renderer.in_flight:
                    self.renderer.close(kill=True)
                    self.warm = False
                if isinstance(exc, OSError | EOFError):
                    raise  # the client is gone
                if not isinstance(exc, ExportError):  # the client lays out itself, and says why
                    logger.exception("layout failed")
                send(connection, {"unserved": f"{type(exc).__name__}: {exc}"})
                return
            self.served += 1
            laid_out = laid_out or not all(hit for _, hit in cache.lookups)
            logger.info("%s: %d pages in %.3f s (%.3f s of this process's time), laid out: %s",
                        workshop.id, rendered.pages, time.perf_counter() - began,
                        time.process_time() - cpu,
                        ", ".join(name for name, hit in cache.lookups if not hit) or "nothing")
            began, cpu = time.perf_counter(), time.process_time()
            send(connection, {"done": workshop.id, "pages": rendered.pages,
                              "name": handbook_filename(curriculum, workshop, edition),
                              "language": workshop.language}, rendered.pdf)
        send(connection, {"end": True})
        if laid_out:
            self.warm = True
        elif not self.warm:
            # Everything came from the cache: warm the layout processes up now, while the
            # client writes its file, so that the next request's layout is not a first one.
            self.warm = True
            try:
                warm_up(catalogue, curriculum, workshops[-1], edition, paper,
                        language or workshops[-1].language, self.renderer)
            except Exception as exc:  # noqa: BLE001 - a warm-up that fails changes nothing
                logger.info("warm-up failed: %s", exc)


def _curriculum_id(catalogue: Catalogue, request: dict[str, Any]) -> str:
    """Return the id of the curriculum asked for, by id or (deprecated) by its file."""
    if request.get("curriculum_file"):
        wanted = Path(str(request["curriculum_file"])).resolve()
        for key, path in catalogue.files.items():
            if key.startswith("curriculum:") and path.resolve() == wanted:
                return key.removeprefix("curriculum:")
        raise LookupError(f"{wanted} is not a curriculum file of the content root")
    return str(request["curriculum"])


if __name__ == "__main__":
    sys.exit(main())

"""Long exports (handbooks, all certificates of a workshop) made once, in the background, on disk.

A job is named by what it makes and the version of what it is made from, e.g.
`handbook.ws-1.participant.en.<content digest>.pdf`: the same name is the same file, so a finished
file is served from the folder (the instance folder's `exports/`) until the content changes and
the name with it. At most one render per name runs at a time, across the threads of a worker and
across workers sharing the instance folder:

- the renderer holds an exclusive `flock` on `.<name>.lock` for the whole render; a second request
  (another trainer's click, another worker) fails to take it and reports "running" instead of
  starting a second render. The kernel drops the lock when a worker dies, so a render cut short
  is started again by the next request;
- the file is written to a temporary name and renamed into place (atomic on one file system), so
  nobody ever reads half a PDF;
- progress (stage, done, total) is a small JSON file next to it, replaced atomically on each step;
  a failure leaves `.<name>.error` with its message, shown until someone asks again.

The render runs in a thread of the worker (no external queue); the PDF work itself is already in a
separate, time-limited process (trainer.export.pdf). No Flask here: the caller passes the folder
and a render function `render(report) -> bytes`, where `report(stage, done, total)` records
progress.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Report = Callable[[str, int | None, int | None], None]
Render = Callable[[Report], bytes]


@dataclass(frozen=True)
class JobStatus:
    """Where a job stands: "done", "running", "failed" or "missing" (never started, or cut short)."""

    state: str
    stage: str = ""
    done: int | None = None
    total: int | None = None
    started: float | None = None
    error: str = ""

    def elapsed(self, now: float | None = None) -> int:
        """Return the whole seconds since the render started (0 when unknown)."""
        if self.started is None:
            return 0
        return max(0, int((now or time.time()) - self.started))


class Exports:
    """A folder of finished exports and the renders under way (shared by every worker)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        """Return where the finished file of job `name` is (it may not exist yet)."""
        if "/" in name or name.startswith("."):
            raise ValueError(f"not a job name: {name!r}")
        return self.root / name

    def _side(self, name: str, suffix: str) -> Path:
        return self.root / f".{name}.{suffix}"

    def start(self, name: str, render: Render) -> JobStatus:
        """Start making `name` unless it is made or being made; return its status.

        Never waits: the render runs in a background thread that holds the job's lock.
        """
        final = self.path(name)
        if final.exists():
            return JobStatus("done")
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._side(name, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return self.status(name)  # someone else is making it
        if final.exists():  # finished between our look and our lock
            self._release(fd)
            return JobStatus("done")
        self._side(name, "error").unlink(missing_ok=True)
        started = time.time()
        self._progress(name, {"stage": "queued", "started": started})
        thread = threading.Thread(target=self._run, args=(name, fd, render, started),
                                  name=f"export {name}", daemon=True)
        thread.start()
        return JobStatus("running", "queued", started=started)

    def status(self, name: str) -> JobStatus:
        """Return how job `name` stands, without starting anything."""
        if self.path(name).exists():
            return JobStatus("done")
        lock = self._side(name, "lock")
        if lock.exists() and self._locked(lock):
            progress = self._read_progress(name)
            return JobStatus("running", str(progress.get("stage", "")), progress.get("done"),
                             progress.get("total"), progress.get("started"))
        error = self._side(name, "error")
        if error.exists():
            return JobStatus("failed", error=error.read_text(encoding="utf-8"))
        return JobStatus("missing")

    def forget(self, prefix: str) -> int:
        """Delete the finished files (and failures) whose name starts with `prefix`; return how
        many files went. Renders under way finish and write theirs (a name holds its version)."""
        removed = 0
        if not self.root.exists():
            return 0
        for path in self.root.iterdir():
            name = path.name.lstrip(".")
            in_use = path.name.endswith((".lock", ".progress", ".part")) or ".progress." in name
            if name.startswith(prefix) and not in_use:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _run(self, name: str, fd: int, render: Render, started: float) -> None:
        def report(stage: str, done: int | None = None, total: int | None = None) -> None:
            self._progress(name, {"stage": stage, "done": done, "total": total,
                                  "started": started})

        try:
            data = render(report)
            temporary = self.root / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.part"
            temporary.write_bytes(data)
            os.replace(temporary, self.path(name))
            logger.info("export %s made in %.1f s", name, time.time() - started)
        except Exception as exc:  # noqa: BLE001 - every failure must reach the page as a message
            logger.exception("export %s failed", name)
            self._side(name, "error").write_text(str(exc) or type(exc).__name__,
                                                 encoding="utf-8")
        finally:
            self._side(name, "progress").unlink(missing_ok=True)
            self._release(fd)

    def _progress(self, name: str, values: dict[str, Any]) -> None:
        target = self._side(name, "progress")
        temporary = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_text(json.dumps(values), encoding="utf-8")
        os.replace(temporary, target)

    def _read_progress(self, name: str) -> dict[str, Any]:
        try:
            found = json.loads(self._side(name, "progress").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    @staticmethod
    def _locked(lock: Path) -> bool:
        """Return whether someone holds the lock file (a render under way)."""
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    @staticmethod
    def _release(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

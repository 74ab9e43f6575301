"""The handbook's layout processes: a pool forked from a server that has imported WeasyPrint.

`PartRenderer` lays out parts (`pdf.render_part`) in a pool of processes forked from a server that
has already imported WeasyPrint, so the parts of a cold handbook use every core and the calling
process never imports WeasyPrint itself. With a time limit the pool is killed when time is up.
This module imports neither WeasyPrint nor pikepdf: a command can start the fork server
(`PartRenderer.start_soon`) before it imports anything heavy, and the layout processes import
nothing but what the fork server already has. `assembly.join` and `assembly.finish` join the parts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from trainer.errors import ExportError

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

    from trainer.export.part_cache import CachedPart

__all__ = ["PartRenderer", "PartRequest", "stop_fork_server"]

# The fork server imports these; its children (the layout processes) then import nothing more to
# run `_render`: not pikepdf (assembly), which only the calling process needs. This module imports
# the rest of what it needs when it needs it, so that a command starts the fork server first.
_PRELOAD = ["trainer.export.pdf", "trainer.export.part_cache", __name__]


@dataclass(frozen=True)
class PartRequest:
    """What to lay out: the part's HTML, asset folders, base URL and whether to tag it."""

    html: str
    roots: tuple[Path, ...]
    base_url: Path
    tagged: bool = True
    max_pages: int = 400
    stylesheets: tuple[Path, ...] = ()  # parsed once per process (`pdf.render_part`)


def _render(request: PartRequest) -> CachedPart:
    """Lay out one part (runs in a pool process)."""
    from trainer.export.part_cache import CachedPart
    from trainer.export.pdf import render_part  # only the pool processes import WeasyPrint

    part = render_part(request.html, request.roots, request.base_url, request.max_pages,
                       request.tagged, request.stylesheets)
    return CachedPart(part.pdf, tuple((p.name, p.blank) for p in part.pages), part.anchors,
                      part.read, part.refused)


def _forkserver_context() -> Any:
    """Return the fork server's multiprocessing context, its server importing WeasyPrint."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


class PartRenderer:
    """A pool of layout processes, started on first use; use as a context manager.

    `render` lays out a batch and waits for all of it; `submit` and `next_done` let a caller
    hand out parts one at a time as processes come free (the handbook decides what to lay out
    next from what the finished parts told it). `start_soon` starts the fork server (which
    imports WeasyPrint) without waiting, so it loads while the caller reads its content.
    """

    def __init__(self, processes: int | None = None, time_limit: float | None = None,
                 max_tasks: int | None = None) -> None:
        self.processes = processes or multiprocessing.cpu_count() or 1
        self.max_tasks = max_tasks  # parts a process lays out before a fresh one replaces it
        self.deadline = None if time_limit is None else time.monotonic() + time_limit
        self.time_limit = time_limit
        self._pool: Pool | None = None
        self._done: queue.SimpleQueue[tuple[object, CachedPart | None, BaseException | None]] = (
            queue.SimpleQueue())
        self.in_flight = 0
        self._early_server: int | None = None

    def __enter__(self) -> PartRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start_soon(self) -> None:
        """Start the fork server now, without waiting for it to import WeasyPrint."""
        from multiprocessing import forkserver

        _forkserver_context()
        server = forkserver._forkserver  # noqa: SLF001 - the stdlib's one fork server
        before = getattr(server, "_forkserver_pid", None)
        server.ensure_running()
        after = getattr(server, "_forkserver_pid", None)
        if after is not None and after != before:
            self._early_server = after

    def start(self) -> None:
        """Start the pool now (its processes import WeasyPrint while the caller works on)."""
        if self._pool is None:
            self._pool = _forkserver_context().Pool(self.processes,
                                                    maxtasksperchild=self.max_tasks)
            self._early_server = None  # in use: it stops when this process ends

    def render(self, requests: Sequence[PartRequest]) -> list[CachedPart]:
        """Lay out `requests` in parallel; return their parts in the same order."""
        if not requests:
            return []
        self.start()
        assert self._pool is not None  # noqa: S101 - started just above
        pending: list[AsyncResult[CachedPart]] = [
            self._pool.apply_async(_render, (request,)) for request in requests]
        done = []
        for result in pending:
            timeout = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
            try:
                done.append(result.get(timeout))
            except multiprocessing.TimeoutError:
                self._timed_out()
        return done

    def submit(self, tag: object, request: PartRequest) -> None:
        """Start laying out `request`; `next_done` returns it with `tag` when it is finished."""
        self.start()
        assert self._pool is not None  # noqa: S101 - started just above

        def finished(part: CachedPart) -> None:
            self._done.put((tag, part, None))

        def failed(error: BaseException) -> None:
            self._done.put((tag, None, error))

        self._pool.apply_async(_render, (request,), callback=finished, error_callback=failed)
        self.in_flight += 1

    def next_done(self) -> tuple[object, CachedPart]:
        """Wait for the next submitted part to finish; return (its tag, the part)."""
        if not self.in_flight:
            raise ExportError("no part is being laid out")
        timeout = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
        try:
            tag, part, error = self._done.get(timeout=timeout)
        except queue.Empty:
            self._timed_out()
        self.in_flight -= 1
        if error is not None:
            raise error
        assert part is not None  # noqa: S101 - a part or an error, never neither
        return tag, part

    def _timed_out(self) -> NoReturn:
        self.close(kill=True)
        raise ExportError(
            f"rendering took longer than {self.time_limit:g} s and was stopped") from None

    def close(self, kill: bool = False) -> None:
        """Stop the pool's processes (at once with `kill`)."""
        if self._pool is not None:
            if kill:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
            self.in_flight = 0
            self._done = queue.SimpleQueue()  # nothing of a stopped pool is waited for
        if self._early_server is not None:
            # Started early and never needed (every part was cached): do not keep this process
            # waiting for it to finish importing WeasyPrint. The stdlib starts a new one if needed.
            stop_fork_server()
            self._early_server = None


def stop_fork_server() -> None:
    """Kill this process's fork server, if it runs, and forget it (the next pool starts another).

    It is the stdlib's one, shared by every pool and isolated render of the process: for a
    process about to exit (`trainer` does this at exit), which then need not wait for the fork
    server to notice and wind its interpreter down (a tenth of a second with WeasyPrint loaded;
    a caller reading the process's output waits for the fork server's copy of the pipe too).
    """
    from multiprocessing import forkserver

    server = forkserver._forkserver  # noqa: SLF001 - the stdlib's one fork server
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    stop = getattr(server, "_stop", None)  # closes its socket and reaps it (killed: at once)
    if stop is not None:
        with contextlib.suppress(OSError):
            stop()

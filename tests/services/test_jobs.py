"""trainer.services.jobs: long exports made once across workers (no Flask needed)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from trainer.services.jobs import Exports


def test_jobs_share_one_lock_across_exports_objects(tmp_path: Path) -> None:
    """Two workers are two Exports on one folder: the second sees the first's render running."""
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def render(report: Callable[..., None]) -> bytes:
        calls.append(1)
        report("layout", None, None)
        started.set()
        release.wait()
        return b"%PDF-1.7 made once"

    worker_one, worker_two = Exports(tmp_path), Exports(tmp_path)
    assert worker_one.start("a.pdf", render).state == "running"
    started.wait()
    seen = worker_two.start("a.pdf", render)
    assert seen.state == "running"
    assert seen.stage == "layout"
    release.set()
    for thread in threading.enumerate():
        if thread.name == "export a.pdf":
            thread.join()
    assert worker_two.start("a.pdf", render).state == "done"
    assert calls == [1]
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1.7 made once"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []

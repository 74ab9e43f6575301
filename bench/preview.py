"""Benchmark the author preview's reload: one changed file among N modules vs a full load.

Generates N modules (default 500) from the `trainer new module` skeleton in a temp dir, then times:
- a full load (`load_catalogue(root)`, what `trainer check` and a cold preview do);
- a preview reload after one file was saved (`PreviewState.current()`: stat every file, re-read the
  changed one with `load_catalogue(root, previous=...)`, validate across files, lint);
and prints both, with the ratio. Run: .venv/bin/python bench/preview.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from trainer.content.catalogue import load_catalogue
from trainer.content.scaffold import module_skeleton
from trainer.web.author.views import PreviewState

REPEATS = 7


def _generate(root: Path, count: int) -> list[Path]:
    (root / "modules").mkdir()
    files = []
    for index in range(count):
        file = root / "modules" / f"m{index:04d}.yaml"
        file.write_text(module_skeleton(f"m{index:04d}", f"Module {index}"), encoding="utf-8")
        files.append(file)
    return files


def _save(file: Path, text: str) -> None:
    before = file.stat().st_mtime_ns
    file.write_text(text, encoding="utf-8")
    later = max(file.stat().st_mtime_ns, before + 1_000_000)
    os.utime(file, ns=(later, later))


def main(count: int) -> None:
    """Print the full-load and one-file-reload times for `count` modules."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = _generate(root, count)
        full: list[float] = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            load_catalogue(root)
            full.append(time.perf_counter() - start)

        state = PreviewState(root)
        first = state.current()
        assert first.catalogue is not None
        assert first.reread == count
        reload: list[float] = []
        for repeat in range(REPEATS):
            file = files[(repeat * 37) % count]
            text = file.read_text(encoding="utf-8")
            _save(file, text.replace("duration_minutes: 60", f"duration_minutes: {61 + repeat}"))
            start = time.perf_counter()
            snapshot = state.current()
            reload.append(time.perf_counter() - start)
            assert snapshot.reread == 1
            assert snapshot.catalogue is not None
        start = time.perf_counter()
        unchanged = state.current()
        poll = time.perf_counter() - start
        assert unchanged.version == snapshot.version

    full_s, reload_s = statistics.median(full), statistics.median(reload)
    print(f"{count} modules ({count * 7} questions), median of {REPEATS}:")
    print(f"  full load (load_catalogue):             {full_s * 1000:8.1f} ms")
    print(f"  preview reload, 1 file changed:         {reload_s * 1000:8.1f} ms")
    print(f"  preview poll, nothing changed:          {poll * 1000:8.1f} ms")
    print(f"  reload / full load:                     {reload_s / full_s:8.3f}  "
          f"({full_s / reload_s:.1f}x faster)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)

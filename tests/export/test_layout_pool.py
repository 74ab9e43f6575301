"""The handbook's layout processes: what they import, and stopping their fork server.

Real processes only: a `PartRenderer` lays out a small real part in a pool forked from the
stdlib's fork server, which `stop_fork_server` kills (a process about to exit does this).
"""

from __future__ import annotations

import os
import subprocess
import sys
from multiprocessing import forkserver
from pathlib import Path

import pytest

from trainer.export.layout_pool import PartRenderer, PartRequest, stop_fork_server
from trainer.export.rendered import STATIC_DIR

REPO = Path(__file__).resolve().parents[2]
HTML = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><h1>A part</h1><p>Laid out by a layout process.</p></body></html>')


def _part() -> PartRequest:
    return PartRequest(HTML, (STATIC_DIR,), STATIC_DIR, stylesheets=(STATIC_DIR / "handbook.css",))


def test_importing_the_pool_imports_neither_weasyprint_nor_pikepdf() -> None:
    """A command starts the fork server from this module before anything heavy is loaded, and the
    layout processes (which have it preloaded) never load pikepdf, which only assembly needs."""
    code = ("import sys, trainer.export.layout_pool\n"
            "print(sorted(m for m in ('weasyprint', 'pikepdf', 'trainer.export.part_cache')"
            " if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.stdout.strip() == "[]"


def test_stopping_the_fork_server_kills_it_and_the_next_pool_starts_another() -> None:
    with PartRenderer(processes=1) as renderer:
        assert renderer.render([_part()])[0].pages
    server = forkserver._forkserver  # noqa: SLF001 - the stdlib's one fork server
    pid = server._forkserver_pid  # noqa: SLF001
    assert pid is not None
    stop_fork_server()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone, and reaped: no zombie left either
    assert server._forkserver_pid is None  # noqa: SLF001
    stop_fork_server()  # none running: nothing to do
    with PartRenderer(processes=1) as renderer:
        assert renderer.render([_part()])[0].pages
    assert server._forkserver_pid not in (None, pid)  # noqa: SLF001


def test_parts_laid_out_with_the_process_font_configuration_are_the_same_bytes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A layout process keeps one font configuration for all its parts: a part laid out after
    another (fonts already loaded) is the part laid out with a configuration of its own."""
    from trainer.export import pdf

    sheets = (STATIC_DIR / "handbook.css",)
    arabic = HTML.replace('lang="en"', 'lang="ar" dir="rtl"').replace(
        "Laid out by a layout process.", "<b>يحث</b> المجلس <i>الدول</i> على التعاون.")
    pdf.render_part(HTML, (STATIC_DIR,), STATIC_DIR, stylesheets=sheets)
    shared = pdf.render_part(arabic, (STATIC_DIR,), STATIC_DIR, stylesheets=sheets)
    assert pdf._part_fonts(arabic) is pdf._part_fonts(HTML) is not None
    monkeypatch.setattr(pdf, "_FONTS", [])
    alone = pdf.render_part(arabic, (STATIC_DIR,), STATIC_DIR, stylesheets=sheets)
    assert shared.pdf == alone.pdf
    assert pdf._part_fonts(HTML.replace("</head>", "<style>@font-face {}</style></head>")) is None

"""Render bounds and reuse: page and time limits (SECURITY.md 10), identical renders kept."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pypdf
import pytest

from trainer.errors import ExportError
from trainer.export.pdf import render_document, render_pdf


def _pages_html(count: int, marker: str) -> str:
    pages = "".join(f'<p style="break-after: page">{marker} page {n}</p>' for n in range(count))
    return f'<html lang="en"><title>{marker}</title><body>{pages}</body></html>'


def test_render_pdf_returns_a_pdf(tmp_path: Path) -> None:
    pdf = render_pdf(_pages_html(2, "plain"), [tmp_path])
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert "plain page 1" in reader.pages[1].extract_text()


def test_page_bound_refuses_a_longer_document(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="5 pages, more than the limit of 3"):
        render_document(_pages_html(5, "bounded"), [tmp_path], max_pages=3, tagged=False)


def test_oversized_html_is_refused_before_rendering(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="too large"):
        render_document("<p>" + "x" * (9 * 1024 * 1024), [tmp_path])


def test_isolated_render_returns_the_same_document(tmp_path: Path) -> None:
    rendered = render_document(_pages_html(3, "isolated"), [tmp_path], time_limit=60,
                               tagged=False)
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    assert rendered.pages == len(reader.pages) == 3
    assert "isolated page 2" in reader.pages[2].extract_text()


def test_isolated_render_reports_the_page_bound(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="more than the limit of 2"):
        render_document(_pages_html(4, "isolated-bound"), [tmp_path], time_limit=60,
                        max_pages=2, tagged=False)


def test_time_bound_stops_a_slow_render(tmp_path: Path) -> None:
    # About 2 MB of table cells: seconds of layout, far more than the limit.
    rows = "".join(f"<tr><td>slow {n}</td><td>cell</td></tr>" for n in range(40_000))
    html = f'<html lang="en"><title>slow</title><body><table>{rows}</table></body></html>'
    started = time.monotonic()
    with pytest.raises(ExportError, match="longer than 0.5 s"):
        render_document(html, [tmp_path], time_limit=0.5, tagged=False)
    assert time.monotonic() - started < 10


def test_identical_render_is_reused_until_an_asset_changes(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "style.css").write_text("p { color: #123456 }")
    html = (f'<html lang="en"><title>reuse</title><link rel="stylesheet" '
            f'href="{(assets / "style.css").as_uri()}"><p>reuse {os.getpid()}</p></html>')
    first = render_document(html, [assets], tagged=False)
    second = render_document(html, [assets], tagged=False)
    assert not first.reused
    assert second.reused
    assert second.pdf == first.pdf
    (assets / "style.css").write_text("p { color: #654321 }  ")
    third = render_document(html, [assets], tagged=False)
    assert not third.reused


def test_a_part_takes_its_stylesheet_parsed_once_and_again_when_the_file_changes(
        tmp_path: Path) -> None:
    """`render_part(stylesheets=…)`: the sheet applies (the page size it sets), is parsed once per
    process for the same file, and again once the file changes; a sheet outside the document's
    assets is refused."""
    from trainer.export import pdf

    sheet = tmp_path / "print.css"
    sheet.write_text("@page { size: 100mm 100mm; }\n", encoding="utf-8")
    html = "<p>one page</p>"

    def size(part: pdf.RenderedPart) -> tuple[float, float]:
        box = pypdf.PdfReader(io.BytesIO(part.pdf)).pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    first = pdf.render_part(html, [tmp_path], tmp_path, stylesheets=(sheet,))
    assert size(first) == (283, 283)  # 100 mm in points
    parsed = {key: found for key, found in pdf._SHEETS.items() if key[0] == str(sheet)}
    assert len(parsed) == 1
    pdf.render_part(html, [tmp_path], tmp_path, stylesheets=(sheet,))
    assert {key: found for key, found in pdf._SHEETS.items() if key[0] == str(sheet)} == parsed
    sheet.write_text("@page { size: 120mm 100mm; }\n", encoding="utf-8")
    os.utime(sheet, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert size(pdf.render_part(html, [tmp_path], tmp_path, stylesheets=(sheet,))) == (340, 283)
    assert [key for key in pdf._SHEETS if key[0] == str(sheet)] != list(parsed)
    assert len([key for key in pdf._SHEETS if key[0] == str(sheet)]) == 1
    outside = tmp_path.parent / f"{tmp_path.name}-other.css"
    outside.write_text("p { color: red; }\n", encoding="utf-8")
    with pytest.raises(ExportError, match="outside the document's assets"):
        pdf.render_part(html, [tmp_path / "assets"], tmp_path, stylesheets=(outside,))

"""A handbook's structure as a reader checks it: contents, page numbers, outline, metadata, fonts."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest

TOC_LINE = re.compile(r"^(.*?)\s*(?:\.{3,}\s*|\s)(\d+)\s*$")  # the page number ends the line
TOC_NUMBERED = re.compile(r"^(\d+) (.+)$")


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _toc_entries(book) -> list[tuple[str | None, str, int]]:
    """Return (module number, title, printed page) of every contents line."""
    texts = book.view.texts
    start = next(i for i, text in enumerate(texts) if text.lstrip().startswith("Contents"))
    entries: list[tuple[str | None, str, int]] = []
    for text in texts[start:]:
        if text.lstrip().startswith("MODULE 1"):
            break
        pending: list[str] = []  # a long title wraps: its first lines have no leader
        for line in text.splitlines():
            line = line.strip()
            if line == "Contents" or re.fullmatch(r"Page \d+ of \d+", line):
                continue
            match = TOC_LINE.match(line)
            if not match:
                pending.append(line)
                continue
            title = _flat(" ".join([*pending, match.group(1)]))
            pending = []
            numbered = TOC_NUMBERED.match(title)
            number, title = numbered.groups() if numbered else (None, title)
            entries.append((number, title, int(match.group(2))))
    return entries


def _module_opening_page(book, number: int, title: str) -> int:
    """Return the 1-based page where module `number` opens (its kicker and its title)."""
    for index, text in enumerate(book.view.texts, start=1):
        flat = _flat(text)
        if flat.startswith(f"MODULE {number} ") and _flat(title) in flat:
            return index
    raise AssertionError(f"module {number} ({title}) opens on no page")


def test_contents_page_numbers_are_where_the_modules_are(book) -> None:
    entries = _toc_entries(book)
    module_entries = [(int(n), title, page) for n, title, page in entries if n]
    assert [title for _, title, _ in module_entries] == [_flat(t) for t in book.module_titles]
    for number, title, page in module_entries:
        assert page == _module_opening_page(book, number, title), title


def test_contents_page_numbers_of_worksheets_and_answer_key(book) -> None:
    entries = _toc_entries(book)
    worksheets = [page for _, title, page in entries if title == "Worksheet"]
    assert len(worksheets) == len(book.module_titles)
    for page in worksheets:
        assert "Worksheet" in book.view.texts[page - 1]
    key = [page for _, title, page in entries if title == "Answer key"]
    if book.facilitator:
        assert len(key) == 1
        assert book.view.texts[key[0] - 1].lstrip().startswith("Answer key")
    else:
        assert key == []


def test_modules_open_on_right_hand_pages(book) -> None:
    for number, title in enumerate(book.module_titles, start=1):
        assert _module_opening_page(book, number, title) % 2 == 1


def test_outline_lists_every_module_and_its_sections(book) -> None:
    outline = book.view.reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    for title in book.module_titles:
        assert title in top
    assert "Contents" in top
    assert ("Answer key" in top) is book.facilitator
    children = [item for item in outline if isinstance(item, list)]
    assert any("Worksheet" in [c.title for c in group if not isinstance(c, list)]
               for group in children)


def test_footer_counts_pages_right_on_the_last_page(book) -> None:
    pages = book.view.pages
    assert f"Page {pages} of {pages}" in book.view.texts[-1]
    assert 8 <= pages <= 40 * len(book.module_titles)


def test_cover_has_no_footer(book) -> None:
    assert "Page 1 of" not in book.view.texts[0]


def test_metadata_title_author_language_and_tags(book) -> None:
    reader = book.view.reader
    meta = reader.metadata
    assert book.curriculum_title in meta.title
    assert ("Facilitator edition" in meta.title) is book.facilitator
    assert meta.author == book.author
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root


def test_no_embedded_files_and_no_javascript(book) -> None:
    root = book.view.reader.trailer["/Root"]
    names = root.get("/Names", {})
    assert "/EmbeddedFiles" not in names
    assert "/JavaScript" not in names
    assert b"/EmbeddedFile" not in book.view.pdf
    assert b"/JavaScript" not in book.view.pdf


def test_every_font_is_embedded(book) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.pdf"
        path.write_bytes(book.view.pdf)
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                 check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        # columns: name type encoding emb sub uni object ID; "emb" is the 4th from the end.
        assert row.split()[-5] == "yes", row
    assert "Noto-Serif" in listing or "DejaVu" in listing


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_the_file_sound(book) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.pdf"
        path.write_bytes(book.view.pdf)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_contents_entries_are_links(book) -> None:
    texts = book.view.texts
    toc = next(i for i, text in enumerate(texts) if text.lstrip().startswith("Contents"))
    annotations = book.view.reader.pages[toc].get("/Annots", [])
    links = [a.get_object() for a in annotations if a.get_object()["/Subtype"] == "/Link"]
    assert len(links) >= len(book.module_titles)

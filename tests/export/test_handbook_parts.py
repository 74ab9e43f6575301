"""A handbook made of cached parts is the handbook laid out whole: same pages, text, outline, links.

Real renders only: the fixture's facilitator edition is laid out whole (`use_cache=False`, the
reference) and in parts through a fresh disk cache; then one module is edited, and cache entries
are damaged, and the result is checked against the reference again.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from click.testing import CliRunner

from trainer.cli.handbook import handbook as handbook_command
from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.export import handbook as handbook_module
from trainer.export.handbook import Edition, render_handbook
from trainer.export.layout_pool import PartRenderer, PartRequest
from trainer.export.part_cache import CachedPart, PartCache

TOC_NUMBER = re.compile(r"\s(\d+)\s*$")  # the page number ends a contents line (its own column)


@functools.lru_cache(maxsize=8)
def _texts(pdf: bytes) -> tuple[str, ...]:
    """Return each page's text as pdfplumber reads it (remembered by the PDF's bytes: most books
    here are read two or three times, and pdfplumber takes a good 0.1 s a page)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return tuple(page.extract_text() or "" for page in document.pages)


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _links(reader: pypdf.PdfReader) -> list[tuple[int, str, int | str]]:
    """Return (page, target name, page it resolves to) of every internal link; URIs as they are."""
    destinations = reader.named_destinations
    found: list[tuple[int, str, int | str]] = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                name = str(annotation["/Dest"])
                found.append((index, name, reader.get_destination_page_number(destinations[name])))
            elif "/A" in annotation:
                found.append((index, "uri", str(annotation["/A"]["/URI"])))
    return found


def _contents_numbers(texts: Sequence[str], heading: str = "Contents",
                      number: re.Pattern[str] = TOC_NUMBER) -> list[int]:
    start = next(i for i, text in enumerate(texts) if text.lstrip().startswith(heading))
    return [int(m.group(1)) for text in texts[start:start + 2] for line in text.splitlines()
            if (m := number.search(line))]


def _assert_same_book(parts: bytes, whole: bytes, *, contents: str = "Contents",
                      toc_number: re.Pattern[str] = TOC_NUMBER) -> None:
    ours, reference = pypdf.PdfReader(io.BytesIO(parts)), pypdf.PdfReader(io.BytesIO(whole))
    assert len(ours.pages) == len(reference.pages)
    ours_texts, reference_texts = _texts(parts), _texts(whole)
    for number, (mine, theirs) in enumerate(zip(ours_texts, reference_texts, strict=True), 1):
        assert mine == theirs, f"page {number} differs"
    assert _outline(ours) == _outline(reference)
    assert (_contents_numbers(ours_texts, contents, toc_number)
            == _contents_numbers(reference_texts, contents, toc_number))
    assert _contents_numbers(ours_texts, contents, toc_number)
    links = _links(ours)
    assert links == _links(reference)
    assert any(isinstance(target, int) for _, _, target in links)


def _sound(pdf: bytes, folder: Path) -> None:
    path = folder / "book.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    tree = root["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    keys = {int(nums[i]) for i in range(0, len(nums), 2)}
    for page in reader.pages:
        if "/StructParents" in page:
            assert int(page["/StructParents"]) in keys
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            assert int(annotation["/StructParent"]) in keys
    assert int(tree["/ParentTreeNextKey"]) > max(keys)


@pytest.fixture
def content(fixture_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(fixture_root, root)
    return root


def _render(root: Path, cache: PartCache | None, language: str = "en") -> bytes:
    catalogue: Catalogue = load_catalogue(root)
    curriculum, workshop = catalogue.workshop("south")
    return render_handbook(catalogue, curriculum, workshop, Edition.FACILITATOR,
                           language=language, cache=cache, use_cache=cache is not None).pdf


def test_parts_assemble_into_the_book_laid_out_whole(content: Path, tmp_path: Path) -> None:
    cache = PartCache(tmp_path / "cache")
    parts = _render(content, cache)
    assert not any(hit for _, hit in cache.lookups)
    _assert_same_book(parts, _render(content, None))
    _sound(parts, tmp_path)
    again = PartCache(tmp_path / "cache")
    _assert_same_book(_render(content, again), parts)
    assert all(hit for _, hit in again.lookups)


def test_right_to_left_parts_are_the_book_laid_out_whole_with_no_stray_blank_page(
        content: Path, tmp_path: Path) -> None:
    parts = _render(content, PartCache(tmp_path / "cache"), "ar")
    whole = _render(content, None, "ar")
    # pdfplumber reads Arabic in visual order: the heading reversed, a page number starts a line.
    _assert_same_book(parts, whole, contents="تايوتحملا", toc_number=re.compile(r"^(\d+)\s"))
    texts = _texts(parts)
    # A right-to-left book's recto is its left page, as its first page is: the contents follow
    # the colophon on page 3, and a blank page is only ever left before a recto (an odd page).
    assert texts[2].lstrip().startswith("تايوتحملا")
    blank = [number for number, text in enumerate(texts, 1) if not text.strip()]
    assert blank
    assert all(number % 2 == 0 for number in blank), blank


def test_editing_one_module_lays_out_only_that_module_again(content: Path,
                                                            tmp_path: Path) -> None:
    _render(content, PartCache(tmp_path / "cache"))
    module = content / "modules" / "beta.yaml"
    text = module.read_text()
    edited = "L'extradition et l'entraide judiciaire sont deux procédures distinctes."
    assert edited in text
    module.write_text(text.replace(edited, "L'extradition et l'entraide sont deux procédures "
                                           "distinctes (EDITED-SENTENCE)."))
    cache = PartCache(tmp_path / "cache")
    parts = _render(content, cache)
    missed = [name for name, hit in cache.lookups if not hit]
    # The module itself, and the front matter, whose content version names every module's hash:
    # each laid out once (the cache's plan gives the front matter's page count beforehand).
    assert sorted(missed) == ["front", "module-2"]
    assert {"module-1", "worksheet-1", "worksheet-2", "sources", "key", "footers"} <= {
        name for name, hit in cache.lookups if hit}
    assert "EDITED-SENTENCE" in "".join(_texts(parts))
    _assert_same_book(parts, _render(content, None))


def test_another_workshop_in_the_same_language_lays_out_only_its_front_matter(
        content: Path, tmp_path: Path) -> None:
    _render(content, PartCache(tmp_path / "cache"))
    catalogue = load_catalogue(content)
    curriculum, workshop = catalogue.workshop("north")
    cache = PartCache(tmp_path / "cache")
    other = render_handbook(catalogue, curriculum, workshop, Edition.FACILITATOR, language="en",
                            cache=cache).pdf
    # Module and worksheet parts are the same in every workshop's edition of one language. The
    # front matter names the workshop; this one has no extra module (`south` adds beta), so its
    # sources, key and page count differ too: each of those is laid out once.
    assert sorted(name for name, hit in cache.lookups if not hit) == [
        "footers", "front", "key", "sources"]
    assert {"module-1", "worksheet-1"} <= {name for name, hit in cache.lookups if hit}
    _assert_same_book(other, render_handbook(catalogue, curriculum, workshop,
                                             Edition.FACILITATOR, language="en",
                                             use_cache=False).pdf)


def test_a_longer_module_moves_only_what_comes_after_it(content: Path, tmp_path: Path) -> None:
    _render(content, PartCache(tmp_path / "cache"))
    module = content / "modules" / "alpha.yaml"
    text = module.read_text()
    anchor = "A request usually passes through **two central authorities**, one in each State.\n"
    assert anchor in text
    filler = "      " + " ".join(["A sentence added to make the module longer."] * 40) + "\n\n"
    module.write_text(text.replace(anchor, anchor + "\n" + filler * 4))
    cache = PartCache(tmp_path / "cache")
    parts = _render(content, cache)
    hits = {name for name, hit in cache.lookups if hit}
    # Module 2 prints no page number of its own: it is reused wherever it now starts.
    assert {"module-2", "sources", "key"} <= hits
    assert "module-1" not in hits
    _assert_same_book(parts, _render(content, None))


def test_footers_for_a_page_count_that_proves_wrong_are_laid_out_again(
        content: Path, tmp_path: Path) -> None:
    """The footers depend on the page count alone, so they are taken (here: from the cache) as
    soon as the count is guessed (here: from the plan); a module grown by pages makes the guess
    wrong, and the footers of the real count replace them."""
    first = _render(content, PartCache(tmp_path / "cache"))
    module = content / "modules" / "alpha.yaml"
    text = module.read_text()
    anchor = "A request usually passes through **two central authorities**, one in each State.\n"
    filler = "      " + " ".join(["A sentence added to make the module longer."] * 40) + "\n\n"
    module.write_text(text.replace(anchor, anchor + "\n" + filler * 4))
    cache = PartCache(tmp_path / "cache")
    parts = _render(content, cache)
    footers = [hit for name, hit in cache.lookups if name == "footers"]
    assert footers == [True, False], cache.lookups  # the guessed count's, then the real one's
    assert len(pypdf.PdfReader(io.BytesIO(parts)).pages) > len(pypdf.PdfReader(
        io.BytesIO(first)).pages)
    _assert_same_book(parts, _render(content, None))


def test_a_damaged_cache_entry_is_rebuilt_never_served(content: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = _render(content, PartCache(folder))
    entries = sorted(folder.glob("*.part"), key=lambda path: path.stat().st_size)
    truncated, flipped = entries[-1], entries[-2]
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    data = bytearray(flipped.read_bytes())
    data[-100] ^= 0xFF
    flipped.write_bytes(bytes(data))
    cache = PartCache(folder)
    again = _render(content, cache)
    assert sum(1 for _, hit in cache.lookups if not hit) == 2
    _assert_same_book(again, first)
    assert PartCache(folder).get(truncated.stem) is not None
    assert PartCache(folder).get(flipped.stem) is not None


def test_cache_stays_within_its_size_bound(content: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _render(content, PartCache(folder, max_bytes=200_000))
    assert sum(path.stat().st_size for path in folder.glob("*.part")) <= 200_000


def test_cli_writes_the_print_html_and_renders_without_the_cache(content: Path,
                                                                 tmp_path: Path) -> None:
    curriculum = str(content / "curriculum" / "fixture.yaml")
    html = tmp_path / "book.html"
    result = CliRunner().invoke(handbook_command, [curriculum, "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert "trainer-part:" not in html.read_text()
    target = tmp_path / "whole.pdf"
    result = CliRunner().invoke(handbook_command, [curriculum, "--no-cache", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(pypdf.PdfReader(target).pages) > 4


def _laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of every part handed to the layout processes from now on."""
    names: list[str] = []
    submit = PartRenderer.submit

    def recording(self: PartRenderer, tag: object, request: PartRequest) -> None:
        names.append(str(tag[3]))  # type: ignore[index]  # (slot, html, key, name)
        submit(self, tag, request)

    monkeypatch.setattr(PartRenderer, "submit", recording)
    return names


def test_a_cache_without_a_plan_guesses_the_front_matter_instead_of_measuring_it_first(
        content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its length is guessed from the contents list: the processes start on the modules, and the
    front matter waits for real page numbers (it was laid out first, with placeholder numbers,
    only to count its pages)."""
    names = _laid_out(monkeypatch)
    parts = _render(content, PartCache(tmp_path / "cache"))
    modules = [index for index, name in enumerate(names) if name.startswith("module-")]
    assert min(index for index, name in enumerate(names) if name.startswith("front")) > max(
        modules), names
    assert not any(name.startswith("worksheet-") and names.count(name) > 1 for name in names), (
        f"a worksheet was laid out again: the guess was wrong for this book: {names}")
    _assert_same_book(parts, _render(content, None))


def test_a_wrong_guess_of_the_front_matter_still_makes_the_same_book(
        content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nine pages guessed: every worksheet numbered from it is laid out again, and the book is
    the whole book all the same."""
    monkeypatch.setattr(handbook_module, "_front_guess", lambda _book: CachedPart(
        b"", (("cover", False),) + (("front", False),) * 8, ()))
    names = _laid_out(monkeypatch)
    parts = _render(content, PartCache(tmp_path / "cache"))
    sheets = [name for name in names if name.startswith("worksheet-")]
    assert len(sheets) > len(set(sheets)), f"the wrong guess cost nothing: {names}"
    _assert_same_book(parts, _render(content, None))

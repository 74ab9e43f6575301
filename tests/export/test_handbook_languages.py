"""The Sahel-Maghreb handbooks in French (participant and facilitator) and in Arabic: no English
paragraph outside an element marked lang="en" (in the HTML, and on every page of the PDF), and the
Arabic text extracts in logical order."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest

from tests.language_support import blocks, is_english
from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.export.handbook import Edition, handbook_html, render_handbook

WORKSHOP = "sahel-maghreb-2016"
def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u2010", "-").split())


@pytest.fixture(scope="module")
def catalogue(sample_root: Path) -> Catalogue:
    return load_catalogue(sample_root)


EDITIONS = [("fr", Edition.PARTICIPANT), ("fr", Edition.FACILITATOR), ("ar", Edition.PARTICIPANT),
            ("ar", Edition.FACILITATOR)]


@pytest.mark.parametrize(("language", "edition"), EDITIONS)
def test_no_english_block_outside_lang_en(catalogue: Catalogue, language: str, edition: Edition) -> None:
    curriculum, workshop = catalogue.workshop(WORKSHOP)
    html = handbook_html(catalogue, curriculum, workshop, edition, language=language)
    found = blocks(html)
    assert found.unmarked_english == []
    # Titles of publications that exist only in English are quoted in English, marked; in French,
    # the check fails without those marks.
    assert len(found.marked) >= 3
    if language == "fr":
        unmarked = blocks(html.replace(' lang="en" dir="ltr"', ""))
        assert len(unmarked.unmarked_english) >= 3


def _source_titles(catalogue: Catalogue, curriculum_id: str) -> set[str]:
    """Return the source-language titles of a curriculum and its modules, spaces left out."""
    curriculum = catalogue.curricula[curriculum_id]
    titles = {curriculum.title} | {module.title for module in catalogue.modules.values()}
    return {"".join(_flat(title).split()) for title in titles}


@pytest.mark.parametrize(("language", "edition"), EDITIONS)
def test_every_pdf_page_has_english_only_where_marked(catalogue: Catalogue, language: str,
                                                      edition: Edition) -> None:
    curriculum, workshop = catalogue.workshop(WORKSHOP)
    html = handbook_html(catalogue, curriculum, workshop, edition, language=language)
    marked = "".join(_flat(" ".join(blocks(html).marked)).split())
    # The default layout (parts, cached): running heads are strings set per part there.
    pdf = render_handbook(catalogue, curriculum, workshop, edition, language=language).pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 40
    # Each page's text extracted once (pypdf's extraction is most of this test's time).
    texts = [page.extract_text() or "" for page in reader.pages]
    # A title is too short for is_english(): no source-language title on any page (running
    # heads included), every module and the curriculum being translated.
    titles = _source_titles(catalogue, curriculum.id)
    flat_pages = ["".join(_flat(text).split()) for text in texts]
    titled = [(number, title) for number, flat in enumerate(flat_pages, start=1)
              for title in titles if title in flat]
    assert titled == []
    stray: list[tuple[int, str]] = []
    for number, text in enumerate(texts, start=1):
        for line in text.splitlines():
            # A line may hold a quoted English title and the translated note after it.
            for part in re.split(r"(?<=[.?!;:،؛])\s*", line):
                words = _flat(part).split()
                # Inner words only: a line's first and last may be halves of a hyphenated word.
                inner = "".join(words[1:-1])  # spaces left out: extractors join some words
                if is_english(part) and inner and inner not in marked:
                    stray.append((number, part))
    assert stray == []
    if language == "ar":
        text = _flat(" ".join(texts[:4]))
        arabic = catalogue.curriculum_in(curriculum.id, "ar")
        for phrase in (arabic.title, arabic.workshops[0].title, arabic.workshops[0].region,
                       "الفئة المستهدفة"):
            # Runs of Arabic words (punctuation at a line's end moves in extraction).
            for run in re.findall(r"[\u0600-\u06ff][\u0600-\u06ff\s،]*[\u0600-\u06ff]", phrase):
                assert _flat(run) in text, run


def test_a_workshop_language_without_a_catalog_gets_an_english_handbook(catalogue: Catalogue) -> None:
    curriculum, workshop = catalogue.workshop(WORKSHOP)
    georgian = workshop.model_copy(update={"language": "ka"})
    html = handbook_html(catalogue, curriculum, georgian, Edition.PARTICIPANT, language="ka")
    assert '<html lang="en" dir="ltr">' in html
    assert "March 2016" in html  # the date in the boilerplate's language, not Georgian
    assert "Georgian" in html  # the workshop's language, named in English
    assert "მარტი" not in html

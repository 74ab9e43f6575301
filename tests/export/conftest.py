"""Fixtures of the export tests: a small fixture curriculum and its handbooks, rendered once.

The fixture content (tests/export/data/content) holds canary strings that must appear only in the
facilitator edition, French and Arabic text, every question kind and a case study.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

from trainer.content.catalogue import Catalogue, load_catalogue
from trainer.export.handbook import Edition, render_handbook


@dataclass(frozen=True)
class PdfView:
    """A PDF as a reader sees it: bytes, page texts (pypdf, logical order) and the reader."""

    pdf: bytes
    pages: int
    texts: tuple[str, ...]
    reader: pypdf.PdfReader
    html_pages: int

    @property
    def text(self) -> str:
        """Return the text of every page, joined."""
        return "\n".join(self.texts)


def read_pdf(pdf: bytes, pages: int = 0) -> PdfView:
    """Return a PdfView of PDF bytes."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = tuple(page.extract_text() or "" for page in reader.pages)
    return PdfView(pdf, len(reader.pages), texts, reader, pages)


@pytest.fixture(scope="session")
def fixture_catalogue(fixture_root: Path) -> Catalogue:
    """Return the loaded fixture content (`fixture_root` is in tests/conftest.py)."""
    return load_catalogue(fixture_root)


@pytest.fixture(scope="session")
def handbooks(fixture_catalogue: Catalogue) -> dict[Edition, PdfView]:
    """Return both editions of the fixture's 'south' workshop handbook (alpha + beta modules)."""
    curriculum, workshop = fixture_catalogue.workshop("south")
    found = {}
    for edition in Edition:
        rendered = render_handbook(fixture_catalogue, curriculum, workshop, edition)
        found[edition] = read_pdf(rendered.pdf, rendered.pages)
    return found


@pytest.fixture(scope="session")
def open_pdf() -> Callable[[bytes], PdfView]:
    """Return the function that reads PDF bytes as a PdfView."""
    return read_pdf


@dataclass(frozen=True)
class Book:
    """A rendered handbook with what it was made from."""

    name: str
    view: PdfView
    curriculum_title: str
    author: str
    module_titles: tuple[str, ...]
    facilitator: bool


@pytest.fixture(scope="session")
def sample_book(sample_root: Path) -> Book:
    """Return the sample curriculum's first workshop, participant edition (rendered once).

    The participant edition (about 70 pages) keeps the suite fast; the fixture curriculum
    covers the facilitator edition's answer key.
    """
    catalogue = load_catalogue(sample_root)
    curriculum = next(iter(catalogue.curricula.values()))
    workshop = curriculum.workshops[0]
    rendered = render_handbook(catalogue, curriculum, workshop, Edition.PARTICIPANT)
    titles = tuple(m.title for m in catalogue.curriculum_modules(curriculum, workshop))
    return Book("sample", read_pdf(rendered.pdf, rendered.pages), curriculum.title,
                curriculum.author, titles, False)


@pytest.fixture(params=["participant", "facilitator",
                        pytest.param("sample", marks=pytest.mark.slow)])
def book(request: pytest.FixtureRequest, fixture_catalogue: Catalogue,
         handbooks: dict[Edition, PdfView]) -> Book:
    """Return each handbook the structure tests check: both fixture editions and the sample."""
    if request.param == "sample":
        found: Book = request.getfixturevalue("sample_book")
        return found
    curriculum, workshop = fixture_catalogue.workshop("south")
    titles = tuple(m.title for m in fixture_catalogue.curriculum_modules(curriculum, workshop))
    edition = Edition(request.param)
    return Book(request.param, handbooks[edition], curriculum.title, curriculum.author, titles,
                edition is Edition.FACILITATOR)

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

FIXTURE_ROOT = Path(__file__).resolve().parent / "data" / "content"


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
def fixture_root() -> Path:
    """Return the content root of the fixture curriculum."""
    return FIXTURE_ROOT


@pytest.fixture(scope="session")
def fixture_catalogue() -> Catalogue:
    """Return the loaded fixture content."""
    return load_catalogue(FIXTURE_ROOT)


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

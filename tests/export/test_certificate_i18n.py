"""Certificates in French and Arabic: translated text and dates, right to left, shaped Arabic."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from trainer.content.catalogue import load_catalogue
from trainer.export.certificate import CertificateData, LocalText, build_certificate, certificate_html
from trainer.services.certificates import certificate_data
from trainer.store.models import Attempt, Participant

ARABIC = re.compile(r"[\u0600-\u06ff]")
ARABIC_DATA = CertificateData(
    name="أمينة كيتا", curriculum_title="Central authorities against terrorism",
    workshop_title="Sahel-Maghreb regional workshop", place="Valletta, Malta",
    dates="16–18 مايو 2017",
    modules=["الولاية: القرار 2322 (2016)", LocalText("Effective central authorities (CTED)", "en")],
    issued="18 مايو 2017", code="0400-0001-2P59-QXNA-TM", issuer="GCAI faculty",
    language="ar", content_language="en",
)


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def arabic_pdf() -> bytes:
    return build_certificate(ARABIC_DATA)


def test_an_arabic_certificate_is_rtl_with_english_titles_marked() -> None:
    html = certificate_html(ARABIC_DATA)
    assert '<html lang="ar" dir="rtl">' in html
    assert "<h1>شهادة إتمام</h1>" in html
    assert '<p class="workshop" lang="en" dir="ltr">Sahel-Maghreb regional workshop</p>' in html
    assert '<li><bdi lang="en" dir="ltr">Effective central authorities (CTED)</bdi></li>' in html
    assert "<li><bdi>الولاية: القرار 2322 (2016)</bdi></li>" in html  # in the page's language
    assert '<bdi dir="ltr">0400-0001-2P59-QXNA-TM</bdi>' in html


def test_an_arabic_certificate_is_one_rtl_page_of_arabic_from_an_arabic_font(
        arabic_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(arabic_pdf))
    assert len(reader.pages) == 1
    text = _flat(reader.pages[0].extract_text())
    # The text extracts in logical order, word for word, as it was written.
    for phrase in ("شهادة إتمام", "يُشهد بأن", "أمينة كيتا", "رمز التحقق", "الوحدات المنجزة",
                   "0400-0001-2P59-QXNA-TM", "Effective central authorities"):
        assert phrase in text, phrase
    with pdfplumber.open(io.BytesIO(arabic_pdf)) as pdf:
        chars = pdf.pages[0].chars
        arabic = [c for c in chars if ARABIC.match(unicodedata.normalize("NFKC", c["text"]) or " ")]
        assert all("Arabic" in c["fontname"] for c in arabic), {c["fontname"] for c in arabic}
        width = pdf.pages[0].width
        # Right to left: "Issued" (the footer's start) is on the right, the code on the left.
        code = [c for c in chars if c["text"] == "Q"]
        issued_label = [c for c in arabic if c["size"] < 8 and c["top"] > pdf.pages[0].height * 0.8]
        assert code
        assert max(float(c["x1"]) for c in code) < width / 2
        assert issued_label
        assert max(float(c["x1"]) for c in issued_label) > width / 2


def test_a_french_certificate_has_french_text() -> None:
    french = CertificateData(**{**ARABIC_DATA.__dict__, "language": "fr", "name": "Amina Kéita",
                                "dates": "16–18 mai 2017", "issued": "18 mai 2017",
                                "modules": ["Le mandat"]})
    reader = pypdf.PdfReader(io.BytesIO(build_certificate(french)))
    text = _flat(reader.pages[0].extract_text())
    html = certificate_html(french)
    assert '<html lang="fr" dir="ltr">' in html
    assert "Attestation de réussite" in text
    assert "18 mai 2017" in text


@pytest.mark.parametrize(("language", "place"), [("fr", "Malte"), ("ar", "مالطة"), ("en", "Malta")])
def test_a_certificate_names_the_curriculum_in_its_language(sample_root: Path, language: str,
                                                            place: str) -> None:
    catalogue = load_catalogue(sample_root)
    curriculum, workshop = catalogue.workshop("sahel-maghreb-2016")
    participant = Participant(id=1, public_id="p" * 22, workshop_id=workshop.id, display_name="Amina K.")
    participant.attempts = [Attempt(kind="post", curriculum_id="gcai", passed=True, questions=[],
                                    submitted_at=datetime(2016, 3, 4, tzinfo=UTC), tokens={}, seed=1,
                                    pass_mark=70)]
    data = certificate_data(b"k" * 32, catalogue, curriculum, workshop, participant, language)
    assert data is not None
    shown = catalogue.curriculum_in("gcai", language)
    assert data.curriculum_title == shown.title
    assert data.workshop_title == shown.workshops[0].title
    assert data.place == place
    assert data.content_language == language

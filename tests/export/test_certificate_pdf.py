"""Certificates: one landscape page with the name, workshop, modules and verification code."""

from __future__ import annotations

import io

import pypdf
import pytest

from trainer.errors import ExportError
from trainer.export.certificate import CertificateData, build_certificate, certificate_filename

DATA = CertificateData(
    name="Amina Kéita", curriculum_title="Central authorities against terrorism",
    workshop_title="Sahel-Maghreb regional workshop", place="Valletta, Malta",
    dates="16–18 May 2017", modules=[f"Module number {n}" for n in range(1, 8)],
    issued="18 May 2017", code="0400-0001-2P59-QXNA-TM", issuer="GCAI faculty",
)


@pytest.fixture(scope="module")
def certificate() -> bytes:
    return build_certificate(DATA)


def test_certificate_is_one_landscape_page_with_everything(certificate: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(certificate))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = " ".join(page.extract_text().split())
    for expected in ("Certificate of completion", "Amina Kéita", "Sahel-Maghreb regional workshop",
                     "Valletta, Malta", "16–18 May 2017", "Module number 1", "Module number 7",
                     "0400-0001-2P59-QXNA-TM", "18 May 2017"):
        assert expected in text, expected
    assert b"/JavaScript" not in certificate
    assert b"/EmbeddedFiles" not in certificate


def test_a_name_cannot_inject_markup() -> None:
    from trainer.export.certificate import certificate_html

    html = certificate_html(CertificateData(**{**DATA.__dict__, "name": "<img src=x onerror=1>"}))
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=1&gt;" in html


def test_a_certificate_never_spills_onto_a_second_page() -> None:
    many = CertificateData(**{**DATA.__dict__, "modules": [f"A long module title {n}" * 3
                                                           for n in range(60)]})
    with pytest.raises(ExportError, match="pages instead of one"):
        build_certificate(many)


def test_file_names_are_safe() -> None:
    assert certificate_filename("ws-a", "Amina Kéita") == "certificate-ws-a-amina-k-ita.pdf"
    assert certificate_filename("ws-a", "../../etc/passwd") == "certificate-ws-a-etc-passwd.pdf"
    assert certificate_filename("ws-a", "عمر") == "certificate-ws-a-participant.pdf"

"""Certificates of participation: one A4 landscape page per participant who passed the post-test.

The certificate states the name, the programme and workshop, where and when it was held, the
modules completed and a verification code (trainer.quiz.verification) that `trainer verify CODE`
checks offline. Rendered through the locked-down `pdf.render_document`, like every PDF here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from trainer.errors import ExportError
from trainer.export.pdf import STATIC_DIR, render_document

__all__ = ["CertificateData", "build_certificate", "certificate_filename", "certificate_html"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
Gettext = Callable[[str], str]


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class CertificateData:
    """What one certificate says."""

    name: str
    curriculum_title: str
    workshop_title: str
    place: str
    dates: str
    modules: Sequence[str]
    issued: str  # for people: "18 May 2017"
    code: str
    issuer: str
    language: str = "en"


_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def certificate_filename(workshop_id: str, name: str) -> str:
    """Return a safe file name for a participant's certificate."""
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in name.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:40] or "participant"
    return f"certificate-{workshop_id}-{slug}.pdf"


def certificate_html(data: CertificateData, *, gettext: Gettext = _identity) -> str:
    """Return the print HTML of a certificate."""
    template = _environment.get_template("certificate/certificate.html")
    return template.render(c=data, _=gettext)


def build_certificate(data: CertificateData, *, gettext: Gettext = _identity,
                      time_limit: float | None = None) -> bytes:
    """Return a certificate as a one-page PDF; raise ExportError when it cannot be made."""
    rendered = render_document(certificate_html(data, gettext=gettext), [STATIC_DIR],
                               max_pages=2, time_limit=time_limit)
    if rendered.pages != 1:
        raise ExportError(f"the certificate came out on {rendered.pages} pages instead of one")
    return rendered.pdf

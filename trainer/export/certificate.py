"""Certificates of participation: one A4 landscape page per participant who passed the post-test.

The certificate states the name, the programme and workshop, where and when it was held, the
modules completed and a verification code (trainer.quiz.verification) that `trainer verify CODE`
checks offline. Rendered through the locked-down `pdf.render_document`, like every PDF here.

A certificate is written in `CertificateData.language` (the dashboard gives the workshop's): its
boilerplate through the `gettext` of that language, `dir="rtl"` for Arabic. Titles that are not in
that language (an untranslated module, a curriculum written in English) carry their own `lang` and
`dir`, so they keep their direction and punctuation inside a right-to-left certificate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from trainer.errors import ExportError
from trainer.export.pdf import STATIC_DIR, render_document
from trainer.export.print_templates import print_environment
from trainer.locales import base_language, direction_of, gettext_for, text_direction

__all__ = ["CertificateData", "LocalText", "build_certificate", "certificate_filename",
           "certificate_html"]

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class LocalText:
    """A text with the language it is written in (a module title shown untranslated, say)."""

    text: str
    language: str


@dataclass(frozen=True)
class CertificateData:
    """What one certificate says."""

    name: str
    curriculum_title: str
    workshop_title: str
    place: str
    dates: str
    modules: Sequence[str | LocalText]  # a plain str is in the certificate's language
    issued: str  # for people: "18 May 2017"
    code: str
    issuer: str
    language: str = "en"
    content_language: str | None = None  # of the titles, place and issuer (None: `language`)


# Names may be in any script: `<bdi dir="{{ name|dir }}">` isolates them (WeasyPrint ignores "auto").
_environment = print_environment({"dir": direction_of})


def certificate_filename(workshop_id: str, name: str) -> str:
    """Return a safe file name for a participant's certificate."""
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in name.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:40] or "participant"
    return f"certificate-{workshop_id}-{slug}.pdf"


def certificate_html(data: CertificateData, *, gettext: Gettext | None = None) -> str:
    """Return the print HTML of a certificate (boilerplate from `data.language`'s catalog unless
    `gettext` is given)."""

    def lang_of(language: str | None) -> Markup:
        if not language or base_language(language) == base_language(data.language):
            return Markup("")
        return Markup(' lang="{}" dir="{}"').format(language, text_direction(language))

    modules = [m if isinstance(m, LocalText) else LocalText(m, data.language) for m in data.modules]
    template = _environment.get_template("certificate/certificate.html")
    return template.render(c=data, _=gettext or gettext_for(data.language), modules=modules,
                           lang_of=lang_of, direction=text_direction(data.language),
                           content=lang_of(data.content_language))


def build_certificate(data: CertificateData, *, gettext: Gettext | None = None,
                      time_limit: float | None = None) -> bytes:
    """Return a certificate as a one-page PDF; raise ExportError when it cannot be made."""
    rendered = render_document(certificate_html(data, gettext=gettext), [STATIC_DIR],
                               max_pages=2, time_limit=time_limit)
    if rendered.pages != 1:
        raise ExportError(f"the certificate came out on {rendered.pages} pages instead of one")
    return rendered.pdf

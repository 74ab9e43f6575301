"""Certificates: who gets one, what it says, its verification code, and checking a code.

A participant gets a certificate once they passed the post-test; it is dated the day of that
post-test, so downloading it again gives the same certificate and the same code. The code's key
is TRAINER_CERTIFICATE_KEY from the configuration, or else the instance folder's
`certificate_key`, generated at the first certificate. Keep that file (and back it up): without it
no certificate issued here can be checked. Several app servers must share the same key.

A certificate is written in the workshop's language (the store keeps no language per participant):
its boilerplate, dates and the titles of translated modules; other titles keep their own language.
The language is not part of the code, so the same certificate in another language verifies too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from trainer.content.catalogue import Catalogue
from trainer.content.models import Curriculum, Workshop
from trainer.export.certificate import CertificateData, LocalText
from trainer.locales import base_language, format_dates
from trainer.quiz.verification import (
    CertificateFields,
    VerificationCodeError,
    decode_code,
    make_code,
    verify_code,
)
from trainer.services.keys import NoKey, instance_key
from trainer.store.database import Database
from trainer.store.models import Attempt, AttemptKind, Participant
from trainer.store.results import find_participant_by_id

logger = logging.getLogger(__name__)

KEY_FILE = "certificate_key"


class NoCertificateKey(NoKey):
    """No key exists yet: this installation never issued a certificate."""


def certificate_key(configured: object, instance: Path | str, *, create: bool = True) -> bytes:
    """Return the key of verification codes: `configured` (TRAINER_CERTIFICATE_KEY) when set,
    else the instance folder's file, generated when allowed (NoCertificateKey when not)."""
    try:
        return instance_key(KEY_FILE, configured, instance, create=create)
    except NoKey as exc:
        raise NoCertificateKey(str(exc)) from exc


def passed_post_test(participant: Participant) -> Attempt | None:
    """Return the participant's passed post-test attempt, if any."""
    for attempt in participant.attempts:
        if attempt.kind == AttemptKind.POST.value and attempt.submitted and attempt.passed:
            return attempt
    return None


def certificate_fields(participant: Participant, post: Attempt) -> CertificateFields:
    """Return the fields a participant's certificate code covers."""
    assert post.submitted_at is not None  # noqa: S101 - passed_post_test returns submitted ones
    return CertificateFields(participant.id, participant.public_id, participant.display_name,
                             participant.workshop_id, post.submitted_at.date().isoformat())


def module_title(catalogue: Catalogue, module_id: str, language: str) -> LocalText:
    """Return a module's title in `language` when translated (and current), else the source's."""
    translated = catalogue.translations.get(module_id, language)
    if translated is not None and "module" not in translated.fallback:
        return LocalText(translated.module.title, translated.language)
    source = catalogue.module(module_id)
    return LocalText(source.title, source.language)


def _completed_modules(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                       participant: Participant, language: str) -> list[str | LocalText]:
    passed = {a.module_id for a in participant.attempts
              if a.kind == AttemptKind.MODULE.value and a.submitted and a.passed}
    return [module_title(catalogue, m.id, language)
            for m in catalogue.curriculum_modules(curriculum, workshop) if m.id in passed]


def certificate_data(key: bytes, catalogue: Catalogue, curriculum: Curriculum,
                     workshop: Workshop, participant: Participant,
                     language: str | None = None) -> CertificateData | None:
    """Return what a participant's certificate says (in `language`, by default the workshop's),
    or None when they have not earned one."""
    post = passed_post_test(participant)
    if post is None:
        return None
    language = base_language(language or workshop.language)
    fields = certificate_fields(participant, post)
    # The curriculum's and workshop's own text in the certificate's language when translated.
    shown, shown_workshop = catalogue.workshop_in(workshop.id, language)
    place = (", ".join(p for p in (shown_workshop.city, shown_workshop.country) if p)
             or shown_workshop.region)
    return CertificateData(
        name=participant.display_name, curriculum_title=shown.title,
        workshop_title=shown_workshop.title, place=place,
        dates=format_dates(workshop.start, workshop.end, language),
        modules=_completed_modules(catalogue, curriculum, workshop, participant, language),
        issued=format_dates(fields.issued, fields.issued, language),
        code=make_code(key, fields), issuer=shown.author,
        language=language, content_language=shown.language,
    )


@dataclass(frozen=True)
class Verified:
    """The outcome of checking a code: valid or not, and what the certificate says."""

    valid: bool
    message: str
    name: str | None = None
    workshop_id: str | None = None
    issued: str | None = None


def check_code(key: bytes | None, database: Database, code: str) -> Verified:
    """Check a verification code against the key and the stored results (no network).

    `key` None: this installation has no certificate key, so it never issued a certificate.
    """
    try:
        participant_id = decode_code(code)
    except VerificationCodeError as exc:
        return Verified(False, str(exc))
    if key is None:
        return Verified(False, "no certificate has been issued by this installation "
                               "(there is no certificate key)")
    participant = find_participant_by_id(database, participant_id)
    post = passed_post_test(participant) if participant else None
    if participant is None or post is None:
        return Verified(False, "NOT VALID: no certificate matches this code")
    fields = certificate_fields(participant, post)
    if not verify_code(key, code, fields):
        return Verified(False, "NOT VALID: no certificate matches this code")
    return Verified(True, "VALID", participant.display_name, participant.workshop_id,
                    fields.issued)

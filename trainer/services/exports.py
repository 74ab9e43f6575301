"""The dashboard's long exports as jobs (trainer.services.jobs): handbooks, all certificates.

A job's name holds a digest of everything its file is made from, so a finished file is served
until that changes:
- a handbook: the curriculum (with its workshops), each of the workshop's modules as shown in the
  handbook's language (translations included), the asset files, and the code that prints it
  (the print templates, their styles and the interface catalogs);
- the certificates of a workshop: what every certificate says (names, modules, dates, codes).

All certificates come as one ZIP of PDFs, one per participant who meets the certificate rule,
rather than one long PDF: each file in it is byte for byte the certificate the participant's own
download gives (same name, same verification code, to e-mail or hand on one by one), each is
made separately so the page can say "12 of 25", and a ZIP opens on every laptop. To print them
all at once, select every file.

`build_handbook` stays the one entry point of a handbook render (whatever it caches beneath).
"""

from __future__ import annotations

import functools
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import trainer
from trainer.content.catalogue import Catalogue
from trainer.content.models import Curriculum, Workshop, content_hash
from trainer.export.certificate import CertificateData, build_certificate, certificate_filename
from trainer.export.handbook import Edition, build_handbook
from trainer.services.certificates import certificate_data
from trainer.services.jobs import Render, Report
from trainer.store.models import Participant

DIGEST_LENGTH = 16
_CODE_FOLDERS = ("export/templates", "export/static", "locales")


def _fingerprint(paths: Iterable[Path]) -> Iterable[str]:
    for path in sorted(paths):
        if path.is_file():
            stat = path.stat()
            yield f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}"


@functools.cache
def _code_version() -> str:
    """Return a digest of the code that prints (templates, styles, catalogs): once per process."""
    package = Path(trainer.__file__).resolve().parent
    digest = hashlib.sha256(trainer.__version__.encode())
    for folder in _CODE_FOLDERS:
        for line in _fingerprint((package / folder).rglob("*")):
            digest.update(line.encode())
    return digest.hexdigest()


def _digest(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:DIGEST_LENGTH]


def handbook_family(workshop: Workshop, edition: str, language: str) -> str:
    """Return the start of the names of a handbook's jobs (every content version)."""
    return f"handbook.{workshop.id}.{edition}.{language}."


def handbook_job(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                 edition: Edition, language: str) -> str:
    """Return the job name of a handbook for the content as it is now."""
    modules = catalogue.curriculum_modules(curriculum, workshop)
    assets = catalogue.root / "modules" / "assets"
    parts = [_code_version(), content_hash(curriculum), edition.value, language]
    parts += [f"{m.id}:{catalogue.module_hashes[m.id]}:"
              f"{content_hash(catalogue.module_in(m.id, language))}" for m in modules]
    parts += _fingerprint(assets.rglob("*") if assets.is_dir() else ())
    return f"{handbook_family(workshop, edition.value, language)}{_digest(parts)}.pdf"


def handbook_render(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                    edition: Edition, language: str, time_limit: float | None,
                    build: Callable[..., bytes] = build_handbook) -> Render:
    """Return the render of a handbook job: build_handbook, reporting its stages."""
    def render(report: Report) -> bytes:
        return build(catalogue, curriculum, workshop, edition, language=language,
                     time_limit=time_limit, on_stage=lambda stage: report(stage, None, None))

    return render


def certificates_family(workshop: Workshop) -> str:
    """Return the start of the names of a workshop's certificate bundles."""
    return f"certificates.{workshop.id}."


@dataclass(frozen=True)
class CertificateBundle:
    """What the certificates of a workshop are made from: its job name and each certificate."""

    name: str
    certificates: tuple[tuple[str, CertificateData], ...]  # (file name, data)


def certificate_bundle(key: bytes, catalogue: Catalogue, curriculum: Curriculum,
                       workshop: Workshop, participants: Sequence[Participant], language: str
                       ) -> CertificateBundle:
    """Return the certificates of every participant who meets the certificate rule."""
    found: list[tuple[str, CertificateData]] = []
    used: set[str] = set()
    for participant in participants:
        data = certificate_data(key, catalogue, curriculum, workshop, participant, language)
        if data is None:
            continue
        filename = certificate_filename(workshop.id, participant.display_name)
        if filename in used:  # two participants of the same name: number the later ones
            filename = filename.removesuffix(".pdf") + f"-{participant.id}.pdf"
        used.add(filename)
        found.append((filename, data))
    name = (f"{certificates_family(workshop)}"
            f"{_digest([_code_version(), language, *(repr(c) for c in found)])}.zip")
    return CertificateBundle(name, tuple(found))


def certificates_render(bundle: CertificateBundle, time_limit: float | None,
                        build: Callable[..., bytes] = build_certificate) -> Render:
    """Return the render of a certificates job: each certificate, then the ZIP of them all."""
    def render(report: Report) -> bytes:
        total = len(bundle.certificates)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, (filename, data) in enumerate(bundle.certificates):
                report("certificates", done, total)
                archive.writestr(filename, build(data, time_limit=time_limit))
        report("certificates", total, total)
        return buffer.getvalue()

    return render

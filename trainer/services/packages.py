"""A workshop's e-learning packages, as the dashboard hands them out: the SCORM 1.2 package, the
offline site and the Moodle XML question bank of its modules (the curriculum's and its own), in
one language.

The same builders as `trainer export scorm|site|moodle-xml` (trainer.export); a few hundred
milliseconds each for the sample curriculum, so the caller may keep the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from trainer.content.catalogue import Catalogue
from trainer.content.models import Curriculum, Workshop
from trainer.export.gift import category_root
from trainer.export.moodle_xml import modules_moodle_xml
from trainer.export.scorm import build_scorm
from trainer.export.site import build_site, site_zip


class PackageKind(StrEnum):
    """What a trainer can download for an LMS or for offline use."""

    SCORM = "scorm"
    SITE = "site"
    MOODLE_XML = "moodle-xml"


@dataclass(frozen=True)
class Package:
    """A package's bytes, its file name and its media type."""

    body: bytes
    filename: str
    media_type: str


_FILES = {PackageKind.SCORM: ("scorm12.zip", "application/zip"),
          PackageKind.SITE: ("offline-site.zip", "application/zip"),
          PackageKind.MOODLE_XML: ("moodle.xml", "application/xml")}


def workshop_package(catalogue: Catalogue, curriculum: Curriculum, workshop: Workshop,
                     kind: PackageKind, language: str) -> Package:
    """Return one package of a workshop's modules in `language` (modules not translated into it
    keep their own language, marked as such)."""
    modules = catalogue.curriculum_modules(curriculum, workshop)
    if kind is PackageKind.SCORM:
        title = catalogue.curriculum_in(curriculum.id, language).title
        body = build_scorm(catalogue, modules, title, f"{curriculum.id}-{workshop.id}", language)
    elif kind is PackageKind.SITE:
        body = site_zip(build_site(catalogue, curriculum, workshop, language))
    else:
        shown = [catalogue.module_in(module.id, language) for module in modules]
        body = modules_moodle_xml(catalogue, shown, category_root(language, curriculum.language))
    suffix, media_type = _FILES[kind]
    return Package(body, f"{curriculum.id}-{workshop.id}-{language}-{suffix}", media_type)

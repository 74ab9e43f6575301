"""SCORM 1.2 packages: one SCO per module, for a module or a whole curriculum.

`build_scorm(catalogue, modules, title, identifier)` returns the zip's bytes. The zip holds
`imsmanifest.xml` (built with ElementTree, never by string formatting), the four SCORM 1.2 schema
files the manifest names, one folder per module (`m01/index.html`, its quiz data and images), and
`shared/` (CSS, the grader, the player, the SCORM 1.2 reporter). Every file except the manifest is
listed in a resource. Member names come from positions, never from author strings.

The answer keys travel inside the package (there is no server to keep them): an LMS package is
for practice and self-study; proctored tests belong in the web app.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # noqa: S405 - used to build XML, never to parse untrusted XML
import zipfile
from collections.abc import Sequence
from pathlib import Path

from trainer.content.catalogue import Catalogue
from trainer.content.models import Module
from trainer.errors import ExportError
from trainer.export.package_pages import (
    SHARED,
    PackageFile,
    generator_note,
    iter_names,
    module_files,
    module_folder,
    shared_files,
)

__all__ = ["SCHEMA_FILES", "build_scorm", "manifest_xml"]

CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
SCHEMA_DIR = Path(__file__).resolve().parent / "scorm12"
SCHEMA_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
# A fixed timestamp keeps the zip byte-for-byte reproducible for the same content.
_ZIP_TIME = (2016, 12, 12, 0, 0, 0)
_MAX_TITLE = 200

ET.register_namespace("", CP)
ET.register_namespace("adlcp", ADLCP)
ET.register_namespace("xsi", XSI)


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _title(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, _q(CP, "title")).text = text[:_MAX_TITLE]


def _mastery(pass_mark: float) -> str:
    # adlcp:masteryscore is a decimal 0-100; whole marks are written without ".0".
    return str(int(pass_mark)) if float(pass_mark).is_integer() else f"{pass_mark:.2f}"


def manifest_xml(identifier: str, title: str, modules: Sequence[Module],
                 files: Sequence[PackageFile]) -> bytes:
    """Return imsmanifest.xml for `modules` (one SCO each) over the package's `files`."""
    root = ET.Element(_q(CP, "manifest"), {
        "identifier": identifier,
        "version": "1.0",
        _q(XSI, "schemaLocation"): (
            f"{CP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd {ADLCP} adlcp_rootv1p2.xsd"
        ),
    })
    metadata = ET.SubElement(root, _q(CP, "metadata"))
    ET.SubElement(metadata, _q(CP, "schema")).text = "ADL SCORM"
    ET.SubElement(metadata, _q(CP, "schemaversion")).text = "1.2"
    organizations = ET.SubElement(root, _q(CP, "organizations"), {"default": "org-1"})
    organization = ET.SubElement(organizations, _q(CP, "organization"), {"identifier": "org-1"})
    _title(organization, title)
    for position, module in enumerate(modules):
        item = ET.SubElement(organization, _q(CP, "item"), {
            "identifier": f"item-{position + 1}",
            "identifierref": f"sco-{position + 1}",
            "isvisible": "true",
        })
        _title(item, module.title)
        ET.SubElement(item, _q(ADLCP, "masteryscore")).text = _mastery(module.quiz.pass_mark)
    resources = ET.SubElement(root, _q(CP, "resources"))
    for position, _module in enumerate(modules):
        folder = module_folder(position)
        resource = ET.SubElement(resources, _q(CP, "resource"), {
            "identifier": f"sco-{position + 1}",
            "type": "webcontent",
            _q(ADLCP, "scormtype"): "sco",
            "href": f"{folder}/index.html",
        })
        for file in files:
            if file.name.startswith(f"{folder}/"):
                ET.SubElement(resource, _q(CP, "file"), {"href": file.name})
        ET.SubElement(resource, _q(CP, "dependency"), {"identifierref": "shared"})
    shared = ET.SubElement(resources, _q(CP, "resource"), {
        "identifier": "shared", "type": "webcontent", _q(ADLCP, "scormtype"): "asset",
    })
    for file in files:
        if file.name.startswith(f"{SHARED}/") or file.name in SCHEMA_FILES:
            ET.SubElement(shared, _q(CP, "file"), {"href": file.name})
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def build_scorm(catalogue: Catalogue, modules: Sequence[Module], title: str,
                identifier: str, language: str | None = None) -> bytes:
    """Return a SCORM 1.2 zip with one SCO per module, titled `title`.

    `language` (default: the first module's): the player's and pages' language, and the modules'
    where translated (the others keep their own, marked with their own lang and dir).
    """
    if not modules:
        raise ExportError("a SCORM package needs at least one module")
    language = language or modules[0].language
    modules = [catalogue.module_in(module.id, language) for module in modules]
    files: list[PackageFile] = []
    for position, module in enumerate(modules):
        files.extend(module_files(catalogue, module, position, "scorm", generator_note(language),
                                 language))
    files.extend(shared_files("scorm", language))
    files.extend(PackageFile(name, (SCHEMA_DIR / name).read_bytes()) for name in SCHEMA_FILES)
    list(iter_names(files))
    manifest = manifest_xml(f"trainer-{identifier}", title, modules, files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("imsmanifest.xml", manifest), *((f.name, f.data) for f in files)]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()

"""Word (.docx) → a draft module, through mammoth (docx → semantic HTML) and html_markdown.

mammoth maps Word's styles to HTML (Heading 1-6, lists with their nesting, tables, links, bold,
italic, block quotes via the Quote styles, images with their alt text), and it ignores comments
and reads tracked changes as accepted (insertions kept, deletions dropped); it never fetches linked
files. The same HTML → Markdown step serves Moodle XML, so there is one converter to get right.

Sections: the document's title (its Title property, else a Title-styled paragraph, else its first
heading) becomes the module title; every heading of the highest level left starts a section (id
made from its title, unique); deeper headings stay inside the section as Markdown headings. Text
before the first section heading becomes an "Introduction" section.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import mammoth
from lxml import etree

from trainer.interchange.draft import (
    PLACEHOLDER_SECTION_BODY,
    Draft,
    finish_quiz,
    skeleton,
    slugify,
    unique_id,
)
from trainer.interchange.html_markdown import Node, parse_html, text_of, to_markdown
from trainer.interchange.images import ImageStore
from trainer.interchange.limits import open_office_zip, refuse

__all__ = ["docx_to_draft"]

_STYLE_MAP = """
p[style-name='Title'] => h1.trainer-title:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
"""
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CORE_NS = {"dc": "http://purl.org/dc/elements/1.1/",
            "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _core(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return the document's title and language properties (empty when absent)."""
    try:
        root = etree.fromstring(archive.read("docProps/core.xml"), _PARSER)
    except (KeyError, etree.XMLSyntaxError):
        return {}
    found: dict[str, str] = {}
    for key in ("title", "language"):
        element = root.find(f"dc:{key}", _CORE_NS)
        if element is not None and element.text and element.text.strip():
            found[key] = " ".join(element.text.split())
    return found


def _notes(archive: zipfile.ZipFile, path: Path) -> list[str]:
    names = set(archive.namelist())
    notes = []
    body = archive.read("word/document.xml")
    if "word/comments.xml" in names or b"<w:commentReference" in body:
        notes.append(f"{path}: comments were left out: move what matters into the text or the "
                     "facilitator_notes")
    if b"<w:ins " in body or b"<w:del " in body:
        notes.append(f"{path}: tracked changes were read as accepted (insertions kept, deletions "
                     "left out): check the text")
    return notes


def _heading_level(node: Node | str) -> int | None:
    if isinstance(node, Node) and node.tag in _HEADINGS:
        return int(node.tag[1])
    return None


def docx_to_draft(path: Path, module_id: str) -> Draft:
    """Read a Word document into a draft module (raise ContentError for a refused file)."""
    with open_office_zip(path, "Word document") as archive:
        if "word/document.xml" not in archive.namelist():
            raise refuse(path, "not a Word document: it has no word/document.xml (is it another "
                               "Office file?)")
        core = _core(archive)
        notes = _notes(archive, path)
    images = ImageStore(module_id)

    def convert_image(image: Any) -> dict[str, str]:
        with image.open() as handle:
            data = handle.read()
        src = images.add(data, image.content_type or "", f"{path}: image {len(images.files) + 1}",
                         image.alt_text or "")
        return {"src": src} if src else {}

    try:
        with path.open("rb") as handle:
            result = mammoth.convert_to_html(
                handle, style_map=_STYLE_MAP, include_embedded_style_map=False,
                convert_image=mammoth.images.img_element(convert_image))
    except Exception as exc:  # mammoth raises many kinds on a damaged file: say so, never a traceback
        raise refuse(path, f"not a readable Word document ({type(exc).__name__}: {exc})") from None
    return _draft(path, module_id, str(result.value), core, notes, images)


def _draft(path: Path, module_id: str, html: str, core: dict[str, str], notes: list[str],
           images: ImageStore) -> Draft:
    nodes = parse_html(html).children
    links: list[str] = []
    title = core.get("title")
    styled: list[Node | str] = [n for n in nodes if isinstance(n, Node) and n.tag == "h1"
                                and "trainer-title" in n.attrs.get("class", "")]
    for node in styled:
        title = title or text_of(node)
        nodes.remove(node)
    first = next((n for n in nodes if text_of(n)), None)
    if first is not None and _heading_level(first) is not None and \
            (title is None or text_of(first) == title):
        title = title or text_of(first)
        nodes.remove(first)
    levels = [level for n in nodes if (level := _heading_level(n)) is not None]
    top = min(levels) if levels else None
    groups: list[tuple[str, list[Node | str]]] = [("Introduction", [])]
    for node in nodes:
        if top is not None and _heading_level(node) == top:
            groups.append((text_of(node) or "Section", []))
        else:
            groups[-1][1].append(node)
    if len(groups) > 1 and not to_markdown(groups[0][1]):
        groups.pop(0)
    taken: set[str] = set()
    sections = []
    for heading, body_nodes in groups:
        # A heading one level below the sections' becomes `#` (shown under the section title).
        body = to_markdown(body_nodes, heading_shift=-(top or 0), on_link=links.append)
        sections.append({"id": unique_id(slugify(heading), taken), "title": heading,
                         "body": body or PLACEHOLDER_SECTION_BODY})
    language = core.get("language", "en")[:2].lower()
    data = skeleton(module_id, title or path.stem, language if language.isalpha() else "en")
    data["sections"] = sections
    finish_quiz(data)
    notes += images.notes
    notes += [f"{path}: link to {link!r} kept as text only (links may be http, https or mailto)"
              for link in links]
    return Draft(str(path), "docx", data, images.files, notes, 0,
                 ["write the objectives (what a participant can do after the module) and the summary",
                  "write the quiz: replace the placeholder question, with an explanation for each",
                  "check each section's Markdown and images in `trainer preview`"],
                 images.left_out)
